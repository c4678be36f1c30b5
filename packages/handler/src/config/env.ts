import { type ConfigIssue, commaList, DESTINATION_KEY } from '@cognito-sms/core';
import * as z from '@cognito-sms/core/zod';

/** The process environment, or any record shaped like it (tests pass their own). */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Parses the variables `schema` names out of `env`. Each problem is added to `issues` under the
 * variable it concerns, so that every concern's problems end up in the one ConfigError.
 *
 * @returns the parsed values, or undefined when any is invalid (the reasons are in `issues`).
 * @example `const data = parseEnv(z.object({ SMS_MAX_RETRIES: integer('must be a whole number') }), env, issues)`
 */
export function parseEnv<Schema extends z.ZodMiniType>(
  schema: Schema,
  env: Environment,
  issues: ConfigIssue[],
): z.output<Schema> | undefined {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) issues.push({ variable: String(issue.path[0] ?? '(environment)'), message: issue.message });
  return undefined;
}

/**
 * A whole number read from a string variable; `message` says what it counts, `checks` bound it.
 *
 * @example `z._default(integer('must be a whole number of seconds', z.positive('must be a positive number of seconds')), 3600)`
 */
export const integer = (message: string, ...checks: z.core.$ZodCheck<number>[]) =>
  z.coerce.number({ error: message }).check(z.int(message), ...checks);

/**
 * A duration in milliseconds with its default; `positive` when 0 would mean "never".
 *
 * @example `SMS_ATTEMPT_TIMEOUT_MS: milliseconds(4000, { positive: true })`
 */
export const milliseconds = (fallback: number, { positive = false } = {}) =>
  z._default(
    integer(
      'must be a whole number of milliseconds',
      positive ? z.positive('must be a positive number of milliseconds') : z.nonnegative('must be 0 or more milliseconds'),
    ),
    fallback,
  );

/**
 * A comma list of destination keys (`GB`, `+44`), upper-cased; empty when the variable is unset.
 *
 * @example `SMS_ALLOWED_COUNTRIES: destinationKeyList`
 */
export const destinationKeyList = z.pipe(
  z.pipe(
    z.optional(z.string()),
    z.transform((value: string | undefined) => commaList(value).map((key) => key.toUpperCase())),
  ),
  z.array(
    z.string().check(
      z.regex(DESTINATION_KEY, {
        error: (issue) => `${JSON.stringify(issue.input)} is not an ISO 3166 country code (GB) or a calling code (+44)`,
      }),
    ),
  ),
);

/**
 * One destination key as a key of a SMS_CONFIG_FILE table, upper-cased.
 *
 * @example `routes: z.record(destinationKey, z.array(z.string()))`
 */
export const destinationKey = z.pipe(
  z.pipe(
    z.string(),
    z.transform((key: string) => key.toUpperCase()),
  ),
  z.string().check(z.regex(DESTINATION_KEY, 'must be an ISO 3166 country code (GB) or a calling code (+44)')),
);

/** A DynamoDB table name, as the DynamoDB API accepts it. */
export const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/**
 * Reads a `KEYS=VALUE;KEYS=VALUE` variable (SMS_ROUTES, SMS_SENDERS), keys a comma list of `GB`
 * or `+44` (and `default` when `allowDefault`). Returns one `[key, value]` pair per key; the
 * value is left for the caller to parse.
 *
 * @example `parseTable('SMS_ROUTES', 'GB,IE=vonage', issues, false) // [['GB', 'vonage'], ['IE', 'vonage']]`
 */
export function parseTable(variable: string, value: string | undefined, issues: ConfigIssue[], allowDefault: boolean): [string, string][] {
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
