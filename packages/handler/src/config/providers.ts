import { type ConfigIssue, type ConfigSchema, commaList, envVariableName, type ProviderDefinition } from '@cognito-sms/core';
import * as z from '@cognito-sms/core/zod';
import { loadProviderDefinition } from '../load-provider.js';
import { createSecretResolver, isSecretReference, parseSecretReference, type SecretReference, type SecretResolver } from '../secrets.js';
import { destinationKey, type Environment, integer, parseEnv, parseTable } from './env.js';

const PROVIDERS_ENV = z.object({
  SMS_PROVIDER: z.pipe(
    z.pipe(
      z._default(z.string(), 'console'),
      z.transform((value: string) => commaList(value)),
    ),
    z.array(z.string()).check(z.minLength(1, 'must name at least one provider, e.g. "twilio" or "twilio,sns"')),
  ),
  SMS_SECRETS_MAX_AGE_S: z._default(
    integer('must be a whole number of seconds', z.nonnegative('must be 0 (never re-read) or more seconds')),
    300,
  ),
});

/**
 * The `routes` section of SMS_CONFIG_FILE: a chain of provider entries by destination key.
 *
 * @example `{ "routes": { "GB": ["vonage", "twilio"], "+1": ["sns"] } }`
 */
export const ROUTES_FILE = z.object({
  routes: z.optional(
    z.record(destinationKey, z.array(z.string().check(z.minLength(1))).check(z.minLength(1, 'must name at least one provider'))),
  ),
});

/** A provider named by `SMS_PROVIDER` or `SMS_ROUTES`, with its parsed configuration. */
export interface ConfiguredProvider {
  /** As written in `SMS_PROVIDER` / `SMS_ROUTES`: an id, a package name or a module path. */
  readonly entry: string;
  readonly definition: ProviderDefinition<unknown>;
  readonly config: unknown;
}

/** The chains, and every provider they name with its configuration. */
export interface ProviderSettings {
  /** Every provider any chain names whose configuration is valid, once each, by entry. */
  readonly providers: readonly ConfiguredProvider[];
  /** The id of every provider whose definition loaded, valid configuration or not. */
  readonly ids: ReadonlySet<string>;
  /** The default chain (`SMS_PROVIDER`), as entries. */
  readonly chain: readonly string[];
  /** Chains by destination key (`GB`, `+44`), as entries. */
  readonly routes: ReadonlyMap<string, readonly string[]>;
  /** Provider variables that hold secret references, and how long their values are cached. */
  readonly secrets: { readonly maxAgeSeconds: number; readonly references: readonly SecretReference[] };
  /** The environment with every secret reference replaced by its value (never logged). */
  readonly resolvedEnv: Environment;
  /** Told to providers: the console provider refuses to run in a deployed Lambda. */
  readonly lambdaFunctionName: string | undefined;
}

/**
 * Reads the chains (SMS_PROVIDER, then SMS_ROUTES over the file's `routes`), loads each
 * provider they name, resolves the provider variables that hold a secret reference (through
 * `secrets`, or a resolver created here), then parses each provider's `<ID>_<KEY>` variables.
 *
 * @example `const providers = await parseProviders(process.env, file, issues)`
 */
export async function parseProviders(
  env: Environment,
  file: z.output<typeof ROUTES_FILE> | undefined,
  issues: ConfigIssue[],
  secrets?: SecretResolver,
  /** Variables of other concerns that may hold a secret reference too (the guard's hash key). */
  otherSecretVariables: readonly string[] = [],
): Promise<ProviderSettings> {
  const { chain, routes, entries, maxAgeSeconds } = parseChains(env, file, issues);

  const definitions: { entry: string; definition: ProviderDefinition<unknown> }[] = [];
  for (const entry of entries) {
    const loadIssues: ConfigIssue[] = [];
    const definition = await loadProviderDefinition(entry, loadIssues);
    if (definition) definitions.push({ entry, definition });
    // An entry only a route names is reported under SMS_ROUTES.
    const variable = chain.includes(entry) ? 'SMS_PROVIDER' : 'SMS_ROUTES';
    for (const issue of loadIssues) issues.push(issue.variable === 'SMS_PROVIDER' ? { ...issue, variable } : issue);
  }

  // Provider variables may name a secret instead of holding it: resolve those first.
  const variables = [...otherSecretVariables, ...definitions.flatMap(({ definition }) => configVariables(definition))];
  const resolved = await resolveSecretVariables(env, variables, maxAgeSeconds, issues, secrets);

  const providers: ConfiguredProvider[] = [];
  for (const { entry, definition } of definitions) {
    const config = parseDefinitionConfig(definition, resolved.env, issues);
    if (config.ok) providers.push({ entry, definition, config: config.value });
  }
  return {
    providers,
    ids: new Set(definitions.map(({ definition }) => definition.id)),
    chain,
    routes,
    secrets: { maxAgeSeconds, references: resolved.references },
    resolvedEnv: resolved.env,
    lambdaFunctionName: env.AWS_LAMBDA_FUNCTION_NAME,
  };
}

/** The chains SMS_PROVIDER, SMS_ROUTES and the file's `routes` name, and every entry in them once. */
export interface Chains {
  readonly chain: readonly string[];
  readonly routes: ReadonlyMap<string, readonly string[]>;
  readonly entries: readonly string[];
  readonly maxAgeSeconds: number;
}

/**
 * Reads SMS_PROVIDER, SMS_ROUTES (over the file's `routes`) and SMS_SECRETS_MAX_AGE_S. The
 * receipts function reads the same chains to know which adapters' receipts to accept.
 *
 * @example `const { entries } = parseChains(process.env, file, issues)`
 */
export function parseChains(env: Environment, file: z.output<typeof ROUTES_FILE> | undefined, issues: ConfigIssue[]): Chains {
  const data = parseEnv(PROVIDERS_ENV, env, issues);
  // Go on with what SMS_PROVIDER names even when it is invalid, to report the providers' problems too.
  const chain = data?.SMS_PROVIDER ?? commaList(env.SMS_PROVIDER ?? 'console');
  const routes = new Map<string, readonly string[]>(Object.entries(file?.routes ?? {}));
  for (const [key, entries] of parseRoutes(env.SMS_ROUTES, issues)) routes.set(key, entries);
  const entries = [...new Set([...chain, ...[...routes.values()].flat()])];
  return { chain, routes, entries, maxAgeSeconds: data?.SMS_SECRETS_MAX_AGE_S ?? 300 };
}

/**
 * Resolves the `variables` of `env` that hold a secret reference (through `secrets`, or a
 * resolver created here) and returns the environment with their values in place.
 *
 * @example `const { env: resolved } = await resolveSecretVariables(env, ['TWILIO_AUTH_TOKEN'], 300, issues)`
 */
export async function resolveSecretVariables(
  env: Environment,
  variables: readonly string[],
  maxAgeSeconds: number,
  issues: ConfigIssue[],
  secrets?: SecretResolver,
): Promise<{ env: Environment; references: SecretReference[] }> {
  const references: SecretReference[] = [];
  for (const variable of variables) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    const reference = parseSecretReference(variable, value);
    if (reference === undefined) continue;
    if (isSecretReference(reference)) references.push(reference);
    else issues.push(reference);
  }
  if (references.length === 0) return { env, references };
  const resolved = await (secrets ?? createSecretResolver()).resolve(references, maxAgeSeconds);
  issues.push(...resolved.issues);
  return { env: { ...env, ...Object.fromEntries(resolved.values) }, references };
}

/** Anything configured from `<ID>_<KEY>` variables: a provider definition or its receipts part. */
interface ConfiguredById {
  readonly id: string;
  readonly config: ConfigSchema<unknown>;
}

/** `GB,IE=vonage,twilio;+1=sns` → `GB → [vonage, twilio]`, `IE → …`, `+1 → [sns]`. */
function parseRoutes(value: string | undefined, issues: ConfigIssue[]): Map<string, string[]> {
  const routes = new Map<string, string[]>();
  for (const [key, right] of parseTable('SMS_ROUTES', value, issues, false)) routes.set(key, commaList(right));
  return routes;
}

/** The env variables a definition reads: `<ID>_<KEY>` for each key of its object schema. */
export function configVariables(definition: ConfiguredById): string[] {
  const shape = (definition.config as { shape?: Record<string, unknown> }).shape ?? {};
  return Object.keys(shape).map((key) => envVariableName(definition.id, key));
}

/** Reads `<ID>_<KEY>` for each key of the definition's object schema and validates them. */
export function parseDefinitionConfig(
  definition: ConfiguredById,
  env: Environment,
  issues: ConfigIssue[],
): { ok: true; value: unknown } | { ok: false } {
  const shape = (definition.config as { shape?: Record<string, unknown> }).shape ?? {};
  const raw: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const value = env[envVariableName(definition.id, key)];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const result = definition.config.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  for (const issue of result.error.issues) {
    const key = issue.path[0];
    issues.push({
      variable: key === undefined ? `${definition.id} configuration` : envVariableName(definition.id, String(key)),
      message: issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message,
    });
  }
  return { ok: false };
}
