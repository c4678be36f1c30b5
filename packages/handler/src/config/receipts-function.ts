// The receipts function's configuration: the same variables as the sender's (SMS_PROVIDER,
// SMS_ROUTES, each provider's <ID>_* and secret references), read for what verifying and
// reading status callbacks needs, so one environment serves both functions.
import { ConfigError, type ConfigIssue } from '@cognito-sms/core';
import type { ReceiptsDefinition } from '@cognito-sms/core/receipts';
import { BUILT_IN_RECEIPTS } from '../receipts-providers.js';
import type { SecretReference, SecretResolver } from '../secrets.js';
import { type Environment, TABLE_NAME } from './env.js';
import { readConfigFile } from './file.js';
import { type MetricsSettings, parseMetrics } from './metrics.js';
import { configVariables, parseChains, parseDefinitionConfig, resolveSecretVariables } from './providers.js';
import { parseReceipts } from './receipts.js';
import { ledgerTable } from './route-learning.js';

/** A receipts part with its validated configuration. */
export interface ConfiguredReceipts {
  readonly definition: ReceiptsDefinition<unknown>;
  readonly config: unknown;
}

export interface ReceiptsFunctionConfig {
  /** The receipts part of every chained provider that has one, once each. */
  readonly receipts: readonly ConfiguredReceipts[];
  /** Chained providers without a receipts part (the console, a third-party adapter without `./receipts`). */
  readonly withoutReceipts: readonly string[];
  /** SMS_RECEIPTS_URL: the public base URL providers call and sign; undefined to use the Host header. */
  readonly url: string | undefined;
  readonly metrics: MetricsSettings;
  /** The state table receipts are settled and counted in (SMS_IDEMPOTENCY_TABLE, else SMS_GUARD_TABLE); undefined: none. */
  readonly ledgerTable: string | undefined;
  /** The secret references resolved (re-read after `maxAgeSeconds`, SMS_SECRETS_MAX_AGE_S, as the sender does). */
  readonly secrets: { readonly maxAgeSeconds: number; readonly references: readonly SecretReference[] };
}

const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/**
 * Reads the receipts function's configuration, resolving secret references through `secrets`
 * (a resolver created here when none is given).
 *
 * @throws {ConfigError} naming every missing or invalid variable.
 * @example `const config = await loadReceiptsFunctionConfig(process.env)`
 */
export async function loadReceiptsFunctionConfig(
  env: Environment,
  options: { readonly secrets?: SecretResolver } = {},
): Promise<ReceiptsFunctionConfig> {
  const issues: ConfigIssue[] = [];
  const settings = parseReceipts(env, issues);
  const metrics = parseMetrics(env, issues);
  const file = await readConfigFile(env, issues);
  const { entries, maxAgeSeconds } = parseChains(env, file, issues);

  const definitions: ReceiptsDefinition<unknown>[] = [];
  const withoutReceipts: string[] = [];
  for (const entry of entries) {
    const definition = await loadReceiptsDefinition(entry, issues);
    if (definition) definitions.push(definition);
    else withoutReceipts.push(entry);
  }
  const variables = definitions.flatMap((definition) => configVariables(definition));
  const resolved = await resolveSecretVariables(env, variables, maxAgeSeconds, issues, options.secrets);
  const receipts: ConfiguredReceipts[] = [];
  for (const definition of definitions) {
    const config = parseDefinitionConfig(definition, resolved.env, issues);
    if (config.ok) receipts.push({ definition, config: config.value });
  }
  const table = ledgerTable(env);
  if (table && !TABLE_NAME.test(table)) {
    issues.push({
      variable: env.SMS_IDEMPOTENCY_TABLE?.trim() ? 'SMS_IDEMPOTENCY_TABLE' : 'SMS_GUARD_TABLE',
      message: 'must be a DynamoDB table name',
    });
  }
  if (!settings || !metrics || issues.length > 0) throw new ConfigError(issues);
  return {
    receipts,
    withoutReceipts,
    url: settings.url,
    metrics,
    ledgerTable: table,
    secrets: { maxAgeSeconds, references: resolved.references },
  };
}

/**
 * The receipts part a chain entry names: a built-in adapter's, or an installed package's
 * `<package>/receipts` subpath. Undefined when it has none (the console adapter; a package
 * without that subpath; a module path, whose receipts part has no agreed location).
 */
async function loadReceiptsDefinition(entry: string, issues: ConfigIssue[]): Promise<ReceiptsDefinition<unknown> | undefined> {
  if (Object.hasOwn(BUILT_IN_RECEIPTS, entry)) {
    const load = BUILT_IN_RECEIPTS[entry] as () => Promise<{ default: ReceiptsDefinition<unknown> }>;
    return (await load()).default;
  }
  if (!entry.startsWith('@') || !PACKAGE_NAME.test(entry)) return undefined;
  let module: { default?: Partial<ReceiptsDefinition<unknown>> };
  try {
    module = (await import(`${entry}/receipts`)) as typeof module;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || code === 'ERR_MODULE_NOT_FOUND') return undefined;
    issues.push({ variable: 'SMS_PROVIDER', message: `the receipts part of "${entry}" failed to load: ${(error as Error).message}` });
    return undefined;
  }
  const definition = module.default;
  if (typeof definition?.id !== 'string' || typeof definition.create !== 'function' || typeof definition.config?.safeParse !== 'function') {
    issues.push({
      variable: 'SMS_PROVIDER',
      message: `"${entry}/receipts" does not export a receipts definition; export default defineReceipts({ id, config, create })`,
    });
    return undefined;
  }
  return definition as ReceiptsDefinition<unknown>;
}
