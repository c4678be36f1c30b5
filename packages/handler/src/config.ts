import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  type AmbiguousErrorPolicy,
  ConfigError,
  type ConfigIssue,
  commaList,
  DEFAULT_DELIVERY_POLICY,
  DEFAULT_LOCALE,
  DESTINATION_KEY,
  type DeliveryPolicy,
  type DestinationPolicy,
  envVariableName,
  isKmsKeyArn,
  type MessageComposerOptions,
  NON_MOBILE_NUMBER_TYPES,
  NUMBER_TYPES,
  type NumberType,
  normalizeLocale,
  type ProviderDefinition,
  type SenderChoice,
  type SenderTable,
  type TemplateCatalog,
  TRIGGER_SOURCES,
  type TriggerSource,
  templateProblems,
} from '@cognito-sms/core';
import * as z from 'zod';
import { loadProviderDefinition } from './load-provider.js';
import { createSecretResolver, isSecretReference, parseSecretReference, type SecretReference, type SecretResolver } from './secrets.js';

/** The process environment, or any record shaped like it (tests pass their own). */
export type Environment = Readonly<Record<string, string | undefined>>;

/** A provider named by `SMS_PROVIDER` or `SMS_ROUTES`, with its parsed configuration. */
export interface ConfiguredProvider {
  /** As written in `SMS_PROVIDER` / `SMS_ROUTES`: an id, a package name or a module path. */
  readonly entry: string;
  readonly definition: ProviderDefinition<unknown>;
  readonly config: unknown;
}

/** Duplicate suppression: off, in memory (one container), or a DynamoDB table. */
export type IdempotencySettings =
  | { readonly store: 'off' }
  | { readonly store: 'memory'; readonly ttlSeconds: number }
  | { readonly store: 'dynamodb'; readonly table: string; readonly ttlSeconds: number };

export interface MetricsSettings {
  readonly enabled: boolean;
  readonly namespace: string;
  readonly serviceName: string;
}

/** Everything the handler takes from the environment, read once at cold start. */
export interface HandlerConfig {
  /** Every provider any chain names, once each, by entry. */
  readonly providers: readonly ConfiguredProvider[];
  /** The default chain (`SMS_PROVIDER`), as entries. */
  readonly chain: readonly string[];
  /** Chains by destination key (`GB`, `+44`), as entries. */
  readonly routes: ReadonlyMap<string, readonly string[]>;
  readonly senders: SenderTable;
  readonly screening: DestinationPolicy;
  readonly delivery: DeliveryPolicy;
  readonly messages: MessageComposerOptions;
  readonly keyArns: readonly string[];
  readonly allowedUserPoolIds: readonly string[];
  readonly lambdaFunctionName: string | undefined;
  /** Provider variables that hold secret references, and how long their values are cached. */
  readonly secrets: { readonly maxAgeSeconds: number; readonly references: readonly SecretReference[] };
  readonly idempotency: IdempotencySettings;
  readonly metrics: MetricsSettings;
}

const USER_POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;
// An alphanumeric sender id (1–11 characters, at least one letter), a short code or an E.164 number.
const SENDER = /^(?:(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9 .&_-]{1,11}|\d{3,8}|\+[1-9]\d{6,14})$/;
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;
const ANDROID_APP_HASH = /^[A-Za-z0-9+/]{11}$/;
const LOCALE = /^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/;
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

const integer = (message: string) => z.coerce.number({ error: message }).int(message);
const milliseconds = (fallback: number, { positive = false } = {}) =>
  (positive
    ? integer('must be a whole number of milliseconds').positive('must be a positive number of milliseconds')
    : integer('must be a whole number of milliseconds').nonnegative('must be 0 or more milliseconds')
  ).default(fallback);

const destinationKeyList = z
  .string()
  .optional()
  .transform((value) => commaList(value).map((key) => key.toUpperCase()))
  .pipe(
    z.array(
      z.string().regex(DESTINATION_KEY, {
        error: (issue) => `${JSON.stringify(issue.input)} is not an ISO 3166 country code (GB) or a calling code (+44)`,
      }),
    ),
  );

const handlerEnvSchema = z.object({
  SMS_PROVIDER: z
    .string()
    .default('console')
    .transform(commaList)
    .pipe(z.array(z.string()).min(1, 'must name at least one provider, e.g. "twilio" or "twilio,sns"')),
  KMS_KEY_ARN: z
    .string({ error: 'is required: the ARN of the KMS key the user pool encrypts codes with' })
    .transform(commaList)
    .pipe(
      z
        .array(
          z.string().refine(isKmsKeyArn, {
            error: (issue) =>
              `${JSON.stringify(issue.input)} is not a full KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>); aliases never match Cognito's messages`,
          }),
        )
        .min(1, 'is required: the ARN of the KMS key the user pool encrypts codes with'),
    ),
  COGNITO_USER_POOL_IDS: z
    .string()
    .optional()
    .transform(commaList)
    .pipe(
      z.array(
        z
          .string()
          .regex(USER_POOL_ID, { error: (issue) => `${JSON.stringify(issue.input)} is not a user pool id (e.g. eu-west-1_AbC123)` }),
      ),
    ),
  SMS_ATTEMPT_TIMEOUT_MS: milliseconds(DEFAULT_DELIVERY_POLICY.attemptTimeoutMs, { positive: true }),
  SMS_SAFETY_MARGIN_MS: milliseconds(DEFAULT_DELIVERY_POLICY.safetyMarginMs),
  SMS_MAX_RETRIES: integer('must be a whole number')
    .min(0, 'must be 0 or more')
    .max(10, 'must be 10 at most: a user is waiting')
    .default(DEFAULT_DELIVERY_POLICY.maxRetries),
  SMS_RETRY_BASE_DELAY_MS: milliseconds(DEFAULT_DELIVERY_POLICY.retryBaseDelayMs),
  SMS_RETRY_MAX_DELAY_MS: milliseconds(DEFAULT_DELIVERY_POLICY.retryMaxDelayMs),
  SMS_ON_AMBIGUOUS_ERROR: z
    .enum(['failover', 'retry', 'stop'], { error: 'must be failover, retry or stop' })
    .default(DEFAULT_DELIVERY_POLICY.onAmbiguousError),
  SMS_ALLOWED_COUNTRIES: destinationKeyList,
  SMS_BLOCKED_COUNTRIES: destinationKeyList,
  SMS_BLOCKED_NUMBER_TYPES: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const types = new Set<NumberType>();
      for (const item of commaList(value)) {
        const name = item.toUpperCase().replace(/-/g, '_');
        if (name === 'NON_MOBILE') for (const type of NON_MOBILE_NUMBER_TYPES) types.add(type);
        else if ((NUMBER_TYPES as readonly string[]).includes(name)) types.add(name as NumberType);
        else
          ctx.addIssue({
            code: 'custom',
            message: `unknown number type ${JSON.stringify(item)}; use non-mobile or ${NUMBER_TYPES.join(', ')}`,
          });
      }
      return [...types];
    }),
  SMS_ALLOW_UNKNOWN_COUNTRY: z.stringbool({ error: 'must be true or false' }).default(false),
  SMS_ROUTES: z.string().optional(),
  SMS_SENDERS: z.string().optional(),
  SMS_CONFIG_FILE: z.string().optional(),
  SMS_APP_NAME: z.string().max(60, 'must be 60 characters at most: it goes in every SMS').optional(),
  SMS_WEBOTP_DOMAIN: z
    .string()
    .regex(HOSTNAME, 'must be a host name such as example.com (no scheme, no path): the origin the WebOTP code is bound to')
    .optional(),
  SMS_ANDROID_APP_HASH: z.string().regex(ANDROID_APP_HASH, 'must be the 11-character app hash of the Android SMS Retriever API').optional(),
  SMS_SECRETS_MAX_AGE_S: integer('must be a whole number of seconds').nonnegative('must be 0 (never re-read) or more seconds').default(300),
  SMS_IDEMPOTENCY: z.enum(['off', 'memory', 'dynamodb'], { error: 'must be off, memory or dynamodb' }).optional(),
  SMS_IDEMPOTENCY_TABLE: z.string().regex(TABLE_NAME, 'must be a DynamoDB table name').optional(),
  SMS_IDEMPOTENCY_TTL_S: integer('must be a whole number of seconds').positive('must be a positive number of seconds').default(3600),
  POWERTOOLS_METRICS_NAMESPACE: z.string().min(1).default('CognitoSms'),
  POWERTOOLS_SERVICE_NAME: z.string().min(1).default('cognito-sms'),
  POWERTOOLS_METRICS_DISABLED: z.stringbool({ error: 'must be true or false' }).default(false),
  AWS_LAMBDA_FUNCTION_NAME: z.string().optional(),
});

type HandlerEnv = z.infer<typeof handlerEnvSchema>;

export interface LoadHandlerConfigOptions {
  /** Resolves secret references; one is created when absent. Pass the same one to reuse its cache. */
  readonly secrets?: SecretResolver;
}

/**
 * Reads and validates the whole configuration: the handler's own variables, the optional JSON
 * file (`SMS_CONFIG_FILE`), then every provider's variables, after resolving those that hold a
 * secret reference. All problems are collected and thrown together.
 *
 * @throws {ConfigError} naming every missing or invalid variable.
 * @example `const config = await loadHandlerConfig(process.env)`
 */
export async function loadHandlerConfig(env: Environment, options: LoadHandlerConfigOptions = {}): Promise<HandlerConfig> {
  const issues: ConfigIssue[] = [];
  const parsed = handlerEnvSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({ variable: String(issue.path[0] ?? '(environment)'), message: issue.message });
    }
  }
  const file = await readConfigFile(env.SMS_CONFIG_FILE, issues);

  // Chains: SMS_PROVIDER is the default; SMS_ROUTES (env over file) names others by destination.
  const chain = parsed.success ? parsed.data.SMS_PROVIDER : commaList(env.SMS_PROVIDER ?? 'console');
  const routes = new Map<string, readonly string[]>(Object.entries(file?.routes ?? {}));
  for (const [key, entries] of parseRoutes(env.SMS_ROUTES, issues)) routes.set(key, entries);
  const entries = [...new Set([...chain, ...[...routes.values()].flat()])];

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
  const references: SecretReference[] = [];
  for (const { definition } of definitions) {
    for (const variable of providerVariables(definition)) {
      const value = env[variable];
      if (value === undefined || value === '') continue;
      const reference = parseSecretReference(variable, value);
      if (reference === undefined) continue;
      if (isSecretReference(reference)) references.push(reference);
      else issues.push(reference);
    }
  }
  const maxAgeSeconds = parsed.success ? parsed.data.SMS_SECRETS_MAX_AGE_S : 300;
  let providerEnv: Environment = env;
  if (references.length > 0) {
    const resolved = await (options.secrets ?? createSecretResolver()).resolve(references, maxAgeSeconds);
    issues.push(...resolved.issues);
    providerEnv = { ...env, ...Object.fromEntries(resolved.values) };
  }

  const providers: ConfiguredProvider[] = [];
  for (const { entry, definition } of definitions) {
    const config = parseProviderConfig(definition, providerEnv, issues);
    if (config.ok) providers.push({ entry, definition, config: config.value });
  }

  const senders = new Map<string, SenderChoice>(Object.entries(file?.senders ?? {}));
  const fromEnv = parseSenders(env.SMS_SENDERS, issues);
  for (const [key, choice] of fromEnv) senders.set(key, choice);
  const providerIds = new Set(definitions.map(({ definition }) => definition.id));
  for (const [key, choice] of senders) {
    for (const id of Object.keys(choice.byProvider ?? {})) {
      if (!providerIds.has(id)) {
        issues.push({
          variable: fromEnv.has(key) ? 'SMS_SENDERS' : 'SMS_CONFIG_FILE',
          message: `${fromEnv.has(key) ? '' : 'senders.'}${key}: no provider with id "${id}" is configured (SMS_PROVIDER, SMS_ROUTES)`,
        });
      }
    }
  }

  const catalog = mergeCatalogs(file?.templates ?? {}, parseTemplateVariables(env, issues));
  if (!parsed.success || issues.length > 0) throw new ConfigError(issues);
  const data = parsed.data;
  const idempotency = idempotencySettings(data, issues);
  if (issues.length > 0) throw new ConfigError(issues);

  return Object.freeze({
    providers,
    chain,
    routes,
    senders,
    screening: {
      allowedCountries: data.SMS_ALLOWED_COUNTRIES,
      blockedCountries: data.SMS_BLOCKED_COUNTRIES,
      blockedNumberTypes: data.SMS_BLOCKED_NUMBER_TYPES,
      allowUnknownCountry: data.SMS_ALLOW_UNKNOWN_COUNTRY,
    },
    delivery: {
      attemptTimeoutMs: data.SMS_ATTEMPT_TIMEOUT_MS,
      safetyMarginMs: data.SMS_SAFETY_MARGIN_MS,
      maxRetries: data.SMS_MAX_RETRIES,
      retryBaseDelayMs: data.SMS_RETRY_BASE_DELAY_MS,
      retryMaxDelayMs: data.SMS_RETRY_MAX_DELAY_MS,
      onAmbiguousError: data.SMS_ON_AMBIGUOUS_ERROR as AmbiguousErrorPolicy,
    },
    messages: {
      catalog,
      ...((data.SMS_APP_NAME ?? file?.appName) ? { appName: data.SMS_APP_NAME ?? file?.appName } : {}),
      ...(data.SMS_WEBOTP_DOMAIN ? { webOtpDomain: data.SMS_WEBOTP_DOMAIN.toLowerCase() } : {}),
      ...(data.SMS_ANDROID_APP_HASH ? { androidAppHash: data.SMS_ANDROID_APP_HASH } : {}),
    },
    keyArns: data.KMS_KEY_ARN,
    allowedUserPoolIds: data.COGNITO_USER_POOL_IDS,
    lambdaFunctionName: data.AWS_LAMBDA_FUNCTION_NAME,
    secrets: { maxAgeSeconds, references },
    idempotency,
    metrics: {
      enabled: !data.POWERTOOLS_METRICS_DISABLED,
      namespace: data.POWERTOOLS_METRICS_NAMESPACE,
      serviceName: data.POWERTOOLS_SERVICE_NAME,
    },
  });
}

function idempotencySettings(data: HandlerEnv, issues: ConfigIssue[]): IdempotencySettings {
  const store = data.SMS_IDEMPOTENCY ?? (data.SMS_IDEMPOTENCY_TABLE ? 'dynamodb' : 'off');
  const ttlSeconds = data.SMS_IDEMPOTENCY_TTL_S;
  if (store === 'off') return { store };
  if (store === 'memory') {
    if (data.SMS_IDEMPOTENCY_TABLE) {
      issues.push({
        variable: 'SMS_IDEMPOTENCY_TABLE',
        message: 'is set, but SMS_IDEMPOTENCY=memory keeps records in memory; unset one of them',
      });
    }
    return { store, ttlSeconds };
  }
  if (!data.SMS_IDEMPOTENCY_TABLE) {
    issues.push({
      variable: 'SMS_IDEMPOTENCY_TABLE',
      message: 'is required with SMS_IDEMPOTENCY=dynamodb: the table that records sent messages',
    });
    return { store: 'off' };
  }
  return { store, table: data.SMS_IDEMPOTENCY_TABLE, ttlSeconds };
}

/** The env variables a provider reads: `<ID>_<KEY>` for each key of its object schema. */
function providerVariables(definition: ProviderDefinition<unknown>): string[] {
  const shape = (definition.config as { shape?: Record<string, unknown> }).shape ?? {};
  return Object.keys(shape).map((key) => envVariableName(definition.id, key));
}

/** Reads `<ID>_<KEY>` for each key of the definition's object schema and validates them. */
function parseProviderConfig(
  definition: ProviderDefinition<unknown>,
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

// ---------------------------------------------------------------------------------------------
// SMS_ROUTES / SMS_SENDERS: `KEYS=VALUE;KEYS=VALUE`, keys a comma list of `GB` or `+44`.

function parseTable(variable: string, value: string | undefined, issues: ConfigIssue[], allowDefault: boolean): [string, string][] {
  const table: [string, string][] = [];
  const seen = new Set<string>();
  for (const item of (value ?? '')
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const at = item.indexOf('=');
    if (at <= 0 || at === item.length - 1) {
      issues.push({ variable, message: `${JSON.stringify(item)} is not KEYS=VALUE (e.g. "GB,IE=vonage,twilio")` });
      continue;
    }
    const right = item.slice(at + 1).trim();
    for (const rawKey of commaList(item.slice(0, at))) {
      const key = rawKey.toLowerCase() === 'default' ? 'default' : rawKey.toUpperCase();
      if (key === 'default' ? !allowDefault : !DESTINATION_KEY.test(key)) {
        issues.push({
          variable,
          message:
            key === 'default'
              ? 'has no "default" key: the default chain is SMS_PROVIDER'
              : `${JSON.stringify(rawKey)} is not an ISO 3166 country code (GB) or a calling code (+44)`,
        });
        continue;
      }
      if (seen.has(key)) issues.push({ variable, message: `${key} is listed twice` });
      seen.add(key);
      table.push([key, right]);
    }
  }
  return table;
}

/** `GB,IE=vonage,twilio;+1=sns` → `GB → [vonage, twilio]`, `IE → …`, `+1 → [sns]`. */
function parseRoutes(value: string | undefined, issues: ConfigIssue[]): Map<string, string[]> {
  const routes = new Map<string, string[]>();
  for (const [key, right] of parseTable('SMS_ROUTES', value, issues, false)) routes.set(key, commaList(right));
  return routes;
}

/** `GB=Acme;US=twilio:+14155550100,sns:+14155550199;default=Acme`. */
function parseSenders(value: string | undefined, issues: ConfigIssue[]): Map<string, SenderChoice> {
  const senders = new Map<string, SenderChoice>();
  for (const [key, right] of parseTable('SMS_SENDERS', value, issues, true)) {
    const byProvider: Record<string, string> = {};
    let any: string | undefined;
    for (const part of commaList(right)) {
      const match = /^([a-z][a-z0-9-]*):(.+)$/.exec(part);
      const sender = (match ? match[2] : part)?.trim() ?? '';
      if (!SENDER.test(sender)) {
        issues.push({
          variable: 'SMS_SENDERS',
          message: `${key}: ${JSON.stringify(sender)} is not a sender id (1-11 letters/digits), a short code or an E.164 number`,
        });
        continue;
      }
      if (match?.[1]) byProvider[match[1]] = sender;
      else any = sender;
    }
    senders.set(key, { ...(any ? { any } : {}), ...(Object.keys(byProvider).length > 0 ? { byProvider } : {}) });
  }
  return senders;
}

// ---------------------------------------------------------------------------------------------
// Templates: SMS_TEMPLATE_<TRIGGER>[__<LOCALE>] and the file's `templates`.

const snake = (value: string) => value.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
const TRIGGER_BY_ENV_NAME = new Map(TRIGGER_SOURCES.map((trigger) => [snake(trigger.replace('CustomSMSSender_', '')), trigger]));
const TRIGGER_BY_SHORT_NAME = new Map(TRIGGER_SOURCES.map((trigger) => [trigger.replace('CustomSMSSender_', ''), trigger]));

function parseTemplateVariables(env: Environment, issues: ConfigIssue[]): Record<string, Partial<Record<TriggerSource, string>>> {
  const catalog: Record<string, Partial<Record<TriggerSource, string>>> = {};
  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith('SMS_TEMPLATE_') || value === undefined) continue;
    const [name = '', localePart, ...rest] = variable.slice('SMS_TEMPLATE_'.length).split('__');
    const trigger = TRIGGER_BY_ENV_NAME.get(name);
    if (!trigger || rest.length > 0) {
      issues.push({
        variable,
        message: `is not a template variable; use SMS_TEMPLATE_<TRIGGER>[__<LOCALE>] with TRIGGER one of ${[...TRIGGER_BY_ENV_NAME.keys()].join(', ')}`,
      });
      continue;
    }
    const locale = localePart === undefined ? DEFAULT_LOCALE : normalizeLocale(localePart);
    if (locale !== DEFAULT_LOCALE && !LOCALE.test(locale)) {
      issues.push({ variable, message: `"${localePart}" is not a locale (DE, PT_BR)` });
      continue;
    }
    for (const problem of templateProblems(trigger, value)) issues.push({ variable, message: `template ${problem}` });
    catalog[locale] = { ...catalog[locale], [trigger]: value };
  }
  return catalog;
}

const mergeCatalogs = (...catalogs: TemplateCatalog[]): TemplateCatalog => {
  const merged: Record<string, Partial<Record<TriggerSource, string>>> = {};
  for (const catalog of catalogs) {
    for (const [locale, templates] of Object.entries(catalog)) merged[locale] = { ...merged[locale], ...templates };
  }
  return merged;
};

// ---------------------------------------------------------------------------------------------
// SMS_CONFIG_FILE: a JSON file for the larger tables.

const triggerKey = z.string().transform((key, ctx) => {
  const trigger = (TRIGGER_SOURCES as readonly string[]).includes(key) ? (key as TriggerSource) : TRIGGER_BY_SHORT_NAME.get(key);
  if (!trigger) {
    ctx.addIssue({
      code: 'custom',
      message: `unknown trigger ${JSON.stringify(key)}; use ${[...TRIGGER_BY_SHORT_NAME.keys()].join(', ')}`,
    });
    return z.NEVER;
  }
  return trigger;
});

const destinationKey = z
  .string()
  .transform((key) => key.toUpperCase())
  .pipe(z.string().regex(DESTINATION_KEY, 'must be an ISO 3166 country code (GB) or a calling code (+44)'));

const senderValue = z.string().regex(SENDER, 'must be a sender id (1-11 letters/digits), a short code or an E.164 number');

const configFileSchema = z
  .object({
    $schema: z.string().optional(),
    appName: z.string().max(60).optional(),
    routes: z.record(destinationKey, z.array(z.string().min(1)).min(1, 'must name at least one provider')).optional(),
    senders: z
      .record(
        z
          .string()
          .transform((key) => (key.toLowerCase() === 'default' ? 'default' : key.toUpperCase()))
          .pipe(z.string().refine((key) => key === 'default' || DESTINATION_KEY.test(key), 'must be GB, +44 or default')),
        z.union([
          senderValue.transform((sender): SenderChoice => ({ any: sender })),
          z.record(z.string().regex(/^(\*|[a-z][a-z0-9-]*)$/, 'must be a provider id or *'), senderValue).transform((map): SenderChoice => {
            const { '*': any, ...byProvider } = map;
            return { ...(any ? { any } : {}), ...(Object.keys(byProvider).length > 0 ? { byProvider } : {}) };
          }),
        ]),
      )
      .optional(),
    templates: z
      .record(
        z
          .string()
          .transform((key) => (key === DEFAULT_LOCALE ? key : normalizeLocale(key)))
          .pipe(
            z.string().refine((key) => key === DEFAULT_LOCALE || LOCALE.test(key), 'must be "default" or a locale such as de or pt-BR'),
          ),
        z.record(triggerKey, z.string()),
      )
      .optional(),
  })
  .strict();

type ConfigFile = z.infer<typeof configFileSchema>;

async function readConfigFile(path: string | undefined, issues: ConfigIssue[]): Promise<ConfigFile | undefined> {
  if (path === undefined || path === '') return undefined;
  const variable = 'SMS_CONFIG_FILE';
  let text: string;
  try {
    text = await readFile(resolve(path), 'utf8');
  } catch (error) {
    issues.push({ variable, message: `cannot read ${path} (${(error as { code?: string }).code ?? 'error'})` });
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    issues.push({ variable, message: `${path} is not JSON: ${error instanceof Error ? error.message : String(error)}` });
    return undefined;
  }
  const result = configFileSchema.safeParse(json);
  if (!result.success) {
    for (const issue of result.error.issues) issues.push({ variable, message: `${issue.path.join('.') || '(file)'}: ${innermost(issue)}` });
    return undefined;
  }
  for (const [locale, templates] of Object.entries(result.data.templates ?? {})) {
    for (const [trigger, template] of Object.entries(templates) as [TriggerSource, string][]) {
      for (const problem of templateProblems(trigger, template))
        issues.push({ variable, message: `templates.${locale}.${trigger}: template ${problem}` });
    }
  }
  return result.data;
}

/** zod reports a bad record key or union member with a generic message; the reason is nested. */
function innermost(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key' && issue.issues[0]) return innermost(issue.issues[0]);
  if (issue.code === 'invalid_union') {
    // The member whose type matched the input says what is wrong with it.
    const branch = issue.errors.find((errors) => errors[0] && errors[0].code !== 'invalid_type') ?? issue.errors.at(-1);
    if (branch?.[0]) return innermost(branch[0]);
  }
  return issue.message;
}
