import type { ConfigIssue } from '@cognito-sms/core';

/**
 * A provider variable whose value names a secret instead of holding it:
 *
 * - `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>` — the secret's string;
 *   with `:<json-key>` appended (the ECS `valueFrom` syntax), one key of a JSON secret;
 * - `ssm:<parameter name>` (`ssm:/prod/twilio/auth-token`) or
 *   `arn:aws:ssm:<region>:<account>:parameter/<name>` — a Parameter Store value, decrypted.
 *
 * No credential of a supported provider starts with `arn:aws` or `ssm:`, so the syntax cannot
 * be mistaken for a value.
 */
export interface SecretReference {
  /** The env variable that holds the reference, e.g. `TWILIO_AUTH_TOKEN`. */
  readonly variable: string;
  readonly store: 'secretsmanager' | 'ssm';
  /** The secret ARN (without the JSON key) or the parameter name / ARN, as the API takes it. */
  readonly id: string;
  /** The region of an ARN; undefined for `ssm:` names (the function's region). */
  readonly region: string | undefined;
  readonly jsonKey: string | undefined;
}

const SECRET_ARN = /^arn:(aws[a-z-]*):secretsmanager:([a-z0-9-]+):(\d{12}):secret:([A-Za-z0-9/_+=.@-]+)((?::[^:]*)*)$/;
const SSM_ARN = /^arn:(aws[a-z-]*):ssm:([a-z0-9-]+):(\d{12}):parameter\/([A-Za-z0-9/_.-]+)$/;
const SSM_NAME = /^\/?[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;

/**
 * Reads a variable's value as a reference: undefined when it is a plain value, an issue when
 * it looks like a reference but is malformed.
 *
 * @example `parseSecretReference('TWILIO_AUTH_TOKEN', 'ssm:/prod/twilio/token') // { store: 'ssm', id: '/prod/twilio/token', … }`
 */
export function parseSecretReference(variable: string, value: string): SecretReference | ConfigIssue | undefined {
  if (value.startsWith('ssm:')) {
    const name = value.slice('ssm:'.length);
    if (!SSM_NAME.test(name)) return { variable, message: `"${value}" is not an SSM parameter reference (ssm:/path/name)` };
    return { variable, store: 'ssm', id: name, region: undefined, jsonKey: undefined };
  }
  if (value.startsWith('arn:') && value.includes(':ssm:')) {
    const match = SSM_ARN.exec(value);
    if (!match) return { variable, message: `"${value}" is not an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>)` };
    return { variable, store: 'ssm', id: value, region: match[2], jsonKey: undefined };
  }
  if (value.startsWith('arn:') && value.includes(':secretsmanager:')) {
    const match = SECRET_ARN.exec(value);
    if (!match)
      return {
        variable,
        message: `"${value}" is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)`,
      };
    const extra = (match[5] ?? '').split(':').slice(1);
    const [jsonKey, versionStage, versionId] = extra;
    if ((versionStage ?? '') !== '' || (versionId ?? '') !== '' || extra.length > 3) {
      return {
        variable,
        message:
          'a version stage or version id in a secret reference is not supported; reference the current version (…:secret:<name>[:<json-key>])',
      };
    }
    const arn = value.slice(0, value.length - (match[5] ?? '').length);
    return { variable, store: 'secretsmanager', id: arn, region: match[2], jsonKey: jsonKey === '' ? undefined : jsonKey };
  }
  return undefined;
}

/** True for a parsed reference (as opposed to an issue). */
export const isSecretReference = (value: unknown): value is SecretReference =>
  typeof value === 'object' && value !== null && 'store' in value;

/** Fetches referenced values, caching them for `maxAgeSeconds`. */
export interface SecretResolver {
  /**
   * Resolves every reference. Values come from the cache while fresh; a reference that fails
   * becomes an issue naming its variable (never the value).
   */
  resolve(references: readonly SecretReference[], maxAgeSeconds: number): Promise<{ values: Map<string, string>; issues: ConfigIssue[] }>;
}

interface ParameterStore {
  get(name: string, options: Record<string, unknown>): Promise<unknown>;
}

/**
 * A resolver on Powertools Parameters (`SecretsProvider`, `SSMProvider`): one provider per
 * store and region, created on first use, each with its own cache, so a container fetches
 * each secret once per max age. The SDK clients follow the default chain, including
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER` and `AWS_ENDPOINT_URL_SSM`. Nothing is imported until a
 * reference is resolved: a configuration without references never loads these SDKs.
 *
 * @example `const { values, issues } = await createSecretResolver().resolve(references, 300)`
 */
export function createSecretResolver(): SecretResolver {
  const stores = new Map<string, Promise<ParameterStore>>();
  const storeFor = (reference: SecretReference): Promise<ParameterStore> => {
    const key = `${reference.store}:${reference.region ?? ''}`;
    let store = stores.get(key);
    if (!store) {
      const clientConfig = reference.region ? { region: reference.region } : {};
      store =
        reference.store === 'secretsmanager'
          ? import('@aws-lambda-powertools/parameters/secrets').then(({ SecretsProvider }) => new SecretsProvider({ clientConfig }))
          : import('@aws-lambda-powertools/parameters/ssm').then(({ SSMProvider }) => new SSMProvider({ clientConfig }));
      stores.set(key, store);
    }
    return store;
  };

  const fetchOne = async (reference: SecretReference, maxAgeSeconds: number): Promise<string> => {
    const store = await storeFor(reference);
    // maxAge 0 would disable Powertools' cache; a value read at cold start is then kept as is.
    const maxAge = maxAgeSeconds > 0 ? maxAgeSeconds : Number.MAX_SAFE_INTEGER / 1000;
    const raw = await store.get(reference.id, reference.store === 'ssm' ? { decrypt: true, maxAge } : { maxAge });
    const text = typeof raw === 'string' ? raw : raw instanceof Uint8Array ? Buffer.from(raw).toString('utf8') : undefined;
    if (text === undefined) throw new Error('the value is empty');
    if (reference.jsonKey === undefined) return text;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`the secret is not JSON, so it has no key "${reference.jsonKey}"`);
    }
    const value = (parsed as Record<string, unknown> | null)?.[reference.jsonKey];
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new Error(`the secret's JSON has no string key "${reference.jsonKey}"`);
    return String(value);
  };

  return {
    async resolve(references, maxAgeSeconds) {
      const values = new Map<string, string>();
      const issues: ConfigIssue[] = [];
      await Promise.all(
        references.map(async (reference) => {
          try {
            values.set(reference.variable, await fetchOne(reference, maxAgeSeconds));
          } catch (error) {
            issues.push({ variable: reference.variable, message: `could not read ${describe(reference)}: ${reason(error)}` });
          }
        }),
      );
      return { values, issues };
    },
  };
}

const describe = (reference: SecretReference): string =>
  `${reference.store === 'ssm' ? 'SSM parameter' : 'secret'} ${reference.id}${reference.jsonKey ? ` (JSON key "${reference.jsonKey}")` : ''}`;

/** The SDK's error name and message: they name the secret and the failure, never its value. */
function reason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const name = cause instanceof Error ? cause.name : typeof cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  const hint = /AccessDenied/.test(name)
    ? '; the function role needs secretsmanager:GetSecretValue / ssm:GetParameter (and kms:Decrypt on their key)'
    : '';
  return `${name}${message ? `: ${message}` : ''}${hint}`;
}
