import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BundleNotFoundError } from './errors.js';

/**
 * Where `npm run bundle` writes Lambda bundles in this repository
 * (`packages/handler/dist-lambda/`), resolved from this file so it holds for `src/` and `dist/`.
 */
export const DEFAULT_BUNDLE_DIR: string = fileURLToPath(new URL('../../handler/dist-lambda/', import.meta.url));

/**
 * The installed `@cognito-sms/handler`'s `dist/`: every built-in provider, each in a chunk
 * loaded on demand, with `index.handler` and `receipts.handler`. What an app that installed this
 * construct from the registry deploys, since it has no `npm run bundle` output.
 *
 * @example `lambda.Code.fromAsset(installedHandlerDir(), { exclude: ['types'] })`
 */
export function installedHandlerDir(): string {
  return dirname(createRequire(import.meta.url).resolve('@cognito-sms/handler'));
}

/** The manifest `npm run bundle` writes next to each zip (`<name>.manifest.json`). */
export interface BundleManifest {
  readonly name: string;
  readonly providers: readonly string[];
  readonly architecture: 'arm64' | 'x86_64';
  readonly runtime: string;
  readonly handler: string;
  /** The receipts function's handler (`receipts.handler`); absent in bundles built before receipts. */
  readonly receiptsHandler?: string;
  /** The providers whose receipts part the bundle's receipts.mjs holds. */
  readonly receiptsProviders?: readonly string[];
  readonly zip: string;
  readonly zipBytes: number;
  readonly zipSha256: string;
}

/** A bundle found on disk: its zip and manifest. */
export interface FoundBundle {
  readonly zipPath: string;
  readonly manifest: BundleManifest;
}

/**
 * The name `npm run bundle` gives the bundle of these providers: the ids sorted and joined
 * with `+` (`['twilio', 'sns']` → `sns+twilio`). The bundle of every built-in provider is `all`.
 *
 * @example `bundleName(['twilio']) // 'twilio'`
 */
export function bundleName(providers: readonly string[]): string {
  return [...new Set(providers)].sort().join('+');
}

const sameSet = (a: readonly string[], b: readonly string[]) => {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((id) => right.has(id));
};

function readManifest(dir: string, name: string): FoundBundle | undefined {
  const manifestPath = join(dir, `${name}.manifest.json`);
  if (!existsSync(manifestPath)) return undefined;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as BundleManifest;
  const zipPath = join(dir, manifest.zip);
  return existsSync(zipPath) ? { zipPath, manifest } : undefined;
}

/**
 * Finds the bundle `npm run bundle` built for exactly these providers, or `undefined`.
 *
 * @example `const bundle = findBundle(['twilio']); // { zipPath: '…/dist-lambda/twilio.zip', manifest }`
 */
export function findBundle(providers: readonly string[], dir: string = DEFAULT_BUNDLE_DIR): FoundBundle | undefined {
  const exact = readManifest(dir, bundleName(providers));
  if (exact && sameSet(exact.manifest.providers, providers)) return exact;
  const all = readManifest(dir, 'all');
  return all && sameSet(all.manifest.providers, providers) ? all : undefined;
}

/**
 * Like {@link findBundle}, but throws a {@link BundleNotFoundError} that says which command
 * builds the missing bundle.
 *
 * @throws {BundleNotFoundError}
 * @example `const { zipPath } = requireBundle(['twilio'])`
 */
export function requireBundle(providers: readonly string[], dir: string = DEFAULT_BUNDLE_DIR): FoundBundle {
  const found = findBundle(providers, dir);
  if (found) return found;
  const zipPath = join(dir, `${bundleName(providers)}.zip`);
  throw new BundleNotFoundError(
    zipPath,
    `CognitoSmsSender: no Lambda bundle for providers [${providers.join(', ')}] at ${zipPath}. ` +
      `Build it first at the repository root: npm run bundle -- --providers ${[...new Set(providers)].sort().join(',')} ` +
      '(or pass `code` to use your own build).',
  );
}
