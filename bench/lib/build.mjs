// Builds what the bench runs: the testkit harness for the parent process, and our Lambda
// bundles, one per provider.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(benchDir, '..');
const handlerDir = join(repoRoot, 'packages', 'handler');
const BANNER = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** The handler package's esbuild (the bench may not add dependencies of its own). */
const esbuild = () => createRequire(join(handlerDir, 'package.json'))('esbuild');

/**
 * Bundles lib/harness-entry.mjs (the loopback KMS, encryptLikeCognito, the emulators) from the
 * testkit's TypeScript sources, so no `tsc` build of the workspace is needed.
 */
export async function buildHarness(outfile) {
  await esbuild().build({
    entryPoints: [join(benchDir, 'lib', 'harness-entry.mjs')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@cognito-sms/source'],
    mainFields: ['module', 'main'],
    banner: { js: BANNER },
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * Our bundle for each provider id: `{ [id]: { entry, dir, jsBytes, jsFiles, zipBytes, metafile } }`
 * plus `builder`, saying which way they were built.
 *
 * - from `build`: packages/handler/scripts/bundle.mjs (what `npm run bundle` runs), into
 *   `outDir`; when that script is missing, the same settings here (see fallbackBundle).
 * - from `fallback`: bench's own build with the settings of scripts/bundle.mjs (see buildVariant).
 * - from `dist-lambda`: packages/handler/dist-lambda/<id>/ as `npm run bundle` left it.
 */
export async function buildBundles(ids, { from, outDir, log }) {
  if (ids.length === 0) return { builder: 'none' };
  if (from === 'dist-lambda') {
    const dir = join(handlerDir, 'dist-lambda');
    const missing = ids.filter((id) => !existsSync(join(dir, id, 'index.mjs')));
    if (missing.length > 0)
      throw new Error(
        `--bundles dist-lambda: no ${missing.map((id) => `dist-lambda/${id}/index.mjs`).join(', ')}; run npm run bundle first`,
      );
    return { builder: 'packages/handler/dist-lambda (prebuilt)', ...Object.fromEntries(ids.map((id) => [id, describe(dir, id)])) };
  }
  rmSync(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const script = join(handlerDir, 'scripts', 'bundle.mjs');
  if (from !== 'fallback' && existsSync(script)) {
    const args = [script, ...ids.flatMap((id) => ['--providers', id]), '--outdir', outDir, '--metafile'];
    const { code, output } = await run(process.execPath, args, handlerDir);
    if (code !== 0) throw new Error(`packages/handler/scripts/bundle.mjs failed (${code}):\n${output}`);
    return { builder: 'packages/handler/scripts/bundle.mjs', ...Object.fromEntries(ids.map((id) => [id, describe(outDir, id)])) };
  }
  if (from !== 'fallback') log('packages/handler/scripts/bundle.mjs not found: building the bundles with bench/lib/build.mjs');
  const built = {};
  for (const id of ids) built[id] = await fallbackBundle(id, outDir);
  return { builder: 'bench/lib/build.mjs (fallback)', ...built };
}

/**
 * The bundles of another commit (`ref`: any git revision), for measuring before and after in
 * one run: that commit's tree is exported (`git archive`, so no worktree is registered) into
 * `<tmpdir>/cognito-sms-bench-baseline-<sha>/`, installed with its own lockfile (frozen, from
 * pnpm's store) and bundled by its own packages/handler/scripts/bundle.mjs into `outDir`. The
 * export and install are kept for the next run; `rm -rf` that directory to redo them.
 * Returns `{ commit, [id]: bundle }`.
 */
export async function buildBaselineBundles(ref, ids, { outDir, log }) {
  // "merge-base": before this branch's own changes, where it left main.
  const base = ref === 'merge-base' ? await run('git', ['merge-base', 'HEAD', 'main'], repoRoot) : undefined;
  if (base && base.code !== 0) throw new Error(`--baseline merge-base: no merge base of HEAD and main (${base.output.trim()})`);
  const revision = base ? base.output.trim() : ref;
  const resolved = await run('git', ['rev-parse', '--verify', '--short', `${revision}^{commit}`], repoRoot);
  if (resolved.code !== 0) throw new Error(`--baseline ${ref}: not a commit of this repository (${resolved.output.trim()})`);
  const commit = resolved.output.trim();
  const tree = join(tmpdir(), `cognito-sms-bench-baseline-${commit}`);
  const ready = join(tree, '.bench-ready');
  if (!existsSync(ready)) {
    log(`baseline ${commit}: exporting the tree to ${tree} and installing it`);
    rmSync(tree, { recursive: true, force: true });
    await mkdir(tree, { recursive: true });
    const exported = await run('sh', ['-c', 'git -C "$1" archive "$2" | tar -x -C "$3"', 'sh', repoRoot, commit, tree], repoRoot);
    if (exported.code !== 0) throw new Error(`git archive ${commit} failed:\n${exported.output}`);
    // scripts/pnpm.mjs installs first (frozen under CI), then runs the rest: here `--version`.
    const installed = await run(process.execPath, [join(tree, 'scripts', 'pnpm.mjs'), '--version'], tree, { CI: 'true' });
    if (installed.code !== 0) throw new Error(`installing the baseline ${commit} failed:\n${installed.output}`);
    writeFileSync(ready, `${commit}\n`);
  }
  const script = join(tree, 'packages', 'handler', 'scripts', 'bundle.mjs');
  if (!existsSync(script)) throw new Error(`--baseline ${commit} has no packages/handler/scripts/bundle.mjs to build its bundles with`);
  rmSync(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const args = [script, ...ids.flatMap((id) => ['--providers', id]), '--outdir', outDir, '--metafile'];
  const { code, output } = await run(process.execPath, args, join(tree, 'packages', 'handler'));
  if (code !== 0) throw new Error(`the baseline's scripts/bundle.mjs failed (${code}):\n${output}`);
  return { commit, ...Object.fromEntries(ids.map((id) => [id, describe(outDir, id)])) };
}

/** Sizes and metafile of one built bundle directory `<dir>/<id>/`. */
function describe(dir, id) {
  return describeBundleDir(join(dir, id));
}

/**
 * Sizes of a bundle directory holding index.mjs (and chunks), with `<dir>.zip` and
 * `<dir>.meta.json` (an esbuild metafile whose paths are relative to packages/handler) when
 * they exist next to it.
 */
export function describeBundleDir(bundleDir) {
  const code = listFiles(bundleDir).filter((f) => f.endsWith('.mjs'));
  const zip = `${bundleDir}.zip`;
  const metaFile = `${bundleDir}.meta.json`;
  return {
    entry: join(bundleDir, 'index.mjs'),
    dir: bundleDir,
    jsFiles: code.length,
    jsBytes: code.reduce((sum, f) => sum + statSync(f).size, 0),
    zipBytes: existsSync(zip) ? statSync(zip).size : null,
    metafile: existsSync(metaFile) ? JSON.parse(readFileSync(metaFile, 'utf8')) : undefined,
    metafileBase: handlerDir,
  };
}

/**
 * The bundle as scripts/bundle.mjs builds it (minified ESM, code splitting, the source
 * condition, src/providers.ts replaced by a map of one provider), without its zip. Used when
 * that script is absent, or with --bundles fallback.
 */
async function fallbackBundle(id, outDir) {
  await buildVariant(id, join(outDir, id));
  return describe(outDir, id);
}

/**
 * Builds the handler for one provider into `dir` (metafile at `<dir>.meta.json`) with the
 * settings of scripts/bundle.mjs, changed by `options` (for experiments.mjs):
 * - `conditions`: esbuild's export conditions (bundle.mjs since 0358f91:
 *   ['@cognito-sms/source', 'module']; before it, ['@cognito-sms/source']);
 * - `zodNamespaceImport`: rewrite `import { z } from 'zod'` in workspace sources to
 *   `import * as z from 'zod'`, which esbuild can tree-shake;
 * - `nativeEcc`: replace the Encryption SDK's pure-JS (bn.js) decompression of the message's
 *   P-384 public key, run on every decrypt, by Node's `ECDH.convertKey` (same bytes out).
 */
export async function buildVariant(id, dir, options = {}) {
  const providersModule = join(handlerDir, 'src', 'providers.ts');
  const packagesDir = join(repoRoot, 'packages');
  rmSync(dir, { recursive: true, force: true });
  const result = await esbuild().build({
    absWorkingDir: handlerDir,
    entryPoints: { index: 'src/index.ts' },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    conditions: options.conditions ?? ['@cognito-sms/source', 'module'],
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: BANNER },
    metafile: true,
    logLevel: 'warning',
    plugins: [
      {
        name: 'one-provider',
        setup(build) {
          if (options.nativeEcc) {
            build.onLoad({ filter: /@aws-crypto[\\/]material-management[\\/]build[\\/]module[\\/]src[\\/]ecc_decode\.js$/ }, () => ({
              contents: NATIVE_ECC_DECODE,
              loader: 'js',
            }));
          }
          build.onLoad({ filter: /\.ts$/ }, async (args) => {
            const path = resolve(args.path);
            if (path === providersModule) {
              return {
                contents: `export const BUILT_IN_PROVIDERS = { ${JSON.stringify(id)}: () => import(${JSON.stringify(`@cognito-sms/provider-${id}`)}) };\n`,
                loader: 'ts',
                resolveDir: dirname(providersModule),
              };
            }
            if (!options.zodNamespaceImport || !path.startsWith(packagesDir) || path.includes('node_modules')) return undefined;
            const source = readFileSync(path, 'utf8');
            if (!source.includes("import { z } from 'zod'")) return undefined;
            return {
              contents: source.replaceAll("import { z } from 'zod'", "import * as z from 'zod'"),
              loader: 'ts',
              resolveDir: dirname(path),
            };
          });
        },
      },
    ],
  });
  await writeFile(`${dir}.meta.json`, JSON.stringify(result.metafile));
  return describeBundleDir(dir);
}

/** ecc_decode.js of @aws-crypto/material-management with the point decompression done natively. */
const NATIVE_ECC_DECODE = `import { ECDH } from 'node:crypto';
const decode = (curve) => (point) =>
  new Uint8Array(ECDH.convertKey(Buffer.from(point.buffer, point.byteOffset, point.byteLength), curve, undefined, undefined, 'uncompressed'));
export const decodeNamedCurves = Object.freeze({
  prime256v1: decode('prime256v1'),
  secp384r1: decode('secp384r1'),
  'P-256': decode('prime256v1'),
  'P-384': decode('secp384r1'),
});
`;

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function run(command, args, cwd, env = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}
