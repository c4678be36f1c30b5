import { type ConfigIssue, commaList, DESTINATION_KEY, isE164, Secret } from '@cognito-sms/core';
import * as z from '@cognito-sms/core/zod';
import { type GuardSettings, parseDestinationTable, parseRateLimits, parseSpendLimits, type RateLimit, toMicros } from '@cognito-sms/guard';
import { type Environment, TABLE_NAME } from './env.js';

/** Where the guard counts: off, this container's memory, or a DynamoDB table every container shares. */
export type GuardStoreSettings =
  | { readonly store: 'off' }
  | { readonly store: 'memory' /** False when memory is the default (no table): the cold start warns. */; readonly chosen: boolean }
  | { readonly store: 'dynamodb'; readonly table: string /** `SMS_GUARD_TIMEOUT_MS` */; readonly timeoutMs: number };

/** The fraud guard's configuration, read once at cold start. */
export type GuardConfig = GuardStoreSettings & {
  /** The limits, budget, quarantine and surge; empty when the guard is off. */
  readonly settings: GuardSettings;
  /** `SMS_GUARD_HASH_KEY` (resolved when it was a secret reference); a random key per container when absent with `memory`. */
  readonly hashKey?: Secret;
};

/**
 * The defaults a real app ships with: a person who asks for a sign-up code and then 3 or 4
 * more within minutes, or signs in with MFA a dozen times a day, never reaches them; a script
 * that pumps one number, one user or one number range does, within minutes.
 */
export const GUARD_DEFAULTS = {
  SMS_LIMIT_PER_NUMBER: '10/h,20/d',
  SMS_LIMIT_PER_USER: '10/h,20/d',
  SMS_LIMIT_PER_PREFIX: '20/h,100/d',
  SMS_PREFIX_DIGITS: 6,
  SMS_PREFIX_QUARANTINE_S: 86_400,
} as const;

const HASH_KEY_MIN = 32;

/** The guard's section of SMS_CONFIG_FILE, `guard`: the larger tables. */
export const GUARD_FILE = z.object({
  guard: z.optional(
    z.strictObject({
      countryLimits: z.optional(z.record(z.string(), z.string())),
      prices: z.optional(z.record(z.string(), z.number().check(z.nonnegative()))),
      budget: z.optional(z.string()),
      homeCountries: z.optional(z.array(z.string())),
    }),
  ),
});
export type GuardFileSection = NonNullable<z.infer<typeof GUARD_FILE>['guard']>;

/** The variables the guard reads; `SMS_GUARD_HASH_KEY` may hold a secret reference. */
export const GUARD_SECRET_VARIABLES = ['SMS_GUARD_HASH_KEY'] as const;

/**
 * Reads `SMS_GUARD*`, `SMS_LIMIT_*`, `SMS_PREFIX_*`, `SMS_PRICES`, `SMS_BUDGET*` and
 * `SMS_SURGE_*` (env over the file's `guard` section, entry by entry), reporting every problem.
 *
 * @example `const guard = parseGuardConfig(env, file?.guard, issues)`
 */
export function parseGuardConfig(env: Environment, file: GuardFileSection | undefined, issues: ConfigIssue[]): GuardConfig {
  const value = (name: string) => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };
  const problem = (variable: string, message: string) => issues.push({ variable, message });

  const mode = value('SMS_GUARD')?.toLowerCase();
  const table = value('SMS_GUARD_TABLE');
  if (mode !== undefined && !['dynamodb', 'memory', 'off'].includes(mode)) problem('SMS_GUARD', 'must be dynamodb, memory or off');
  if (table !== undefined && !TABLE_NAME.test(table)) problem('SMS_GUARD_TABLE', 'must be a DynamoDB table name');
  const store = mode === 'dynamodb' || mode === 'memory' || mode === 'off' ? mode : table ? 'dynamodb' : 'memory';
  if (store === 'dynamodb' && !table)
    problem('SMS_GUARD_TABLE', 'is required with SMS_GUARD=dynamodb: the table (partition key id, TTL expiration) the counters live in');
  if (store !== 'dynamodb' && table && mode)
    problem('SMS_GUARD_TABLE', `is set, but SMS_GUARD=${mode} does not use a table; unset one of them`);

  const hashKey = value('SMS_GUARD_HASH_KEY');
  if (store === 'dynamodb' && hashKey === undefined) {
    problem(
      'SMS_GUARD_HASH_KEY',
      `is required with the DynamoDB guard: a random secret of ${HASH_KEY_MIN} characters or more (or a Secrets Manager / ssm: reference to one) that keys the hashes of numbers and users in the table`,
    );
  } else if (hashKey !== undefined && hashKey.length < HASH_KEY_MIN) {
    problem(
      'SMS_GUARD_HASH_KEY',
      `must be ${HASH_KEY_MIN} characters or more: a short key lets anyone who reads the table guess the numbers`,
    );
  }

  const limitList = (variable: keyof typeof GUARD_DEFAULTS | 'SMS_LIMIT_GLOBAL', fallback?: string): RateLimit[] => {
    const text = value(variable) ?? fallback;
    if (text === undefined) return [];
    const { limits, problems } = parseRateLimits(text);
    for (const message of problems) problem(variable, message);
    return limits;
  };
  const integer = (variable: string, fallback: number, min: number, max: number) => {
    const text = value(variable);
    if (text === undefined) return fallback;
    const parsed = Number(text);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) problem(variable, `must be a whole number from ${min} to ${max}`);
    return Number.isInteger(parsed) ? parsed : fallback;
  };
  const destinationList = (variable: string, fromFile: readonly string[] | undefined) => {
    const keys = (value(variable) !== undefined ? commaList(value(variable)) : [...(fromFile ?? [])]).map((key) => key.toUpperCase());
    for (const key of keys)
      if (!DESTINATION_KEY.test(key))
        problem(variable, `${JSON.stringify(key)} is not an ISO 3166 country code (GB) or a calling code (+44)`);
    return keys;
  };
  /** An env table wins over the file's entry by entry. */
  const destinationTable = <T>(
    variable: string,
    fromFile: Record<string, string | number> | undefined,
    parse: (text: string) => T | string,
  ) => {
    const merged = new Map<string, T>();
    const fileText = Object.entries(fromFile ?? {})
      .map(([key, entry]) => `${key}=${entry}`)
      .join(';');
    for (const [source, text] of [
      ['SMS_CONFIG_FILE', fileText],
      [variable, value(variable) ?? ''],
    ] as const) {
      const { table: parsed, problems } = parseDestinationTable(text, parse);
      for (const message of problems) problem(source, source === 'SMS_CONFIG_FILE' ? `guard: ${message}` : message);
      for (const [key, entry] of parsed) merged.set(key, entry);
    }
    return merged;
  };

  const perCountry = destinationTable('SMS_LIMIT_PER_COUNTRY', file?.countryLimits, (text) => {
    const { limits, problems } = parseRateLimits(text);
    return problems[0] ?? limits;
  });
  const prices = destinationTable(
    'SMS_PRICES',
    file?.prices,
    (text) => toMicros(text) ?? `${JSON.stringify(text)} is not a price (0.0083)`,
  );
  const budgetText = value('SMS_BUDGET') ?? file?.budget;
  const budget = parseSpendLimits(budgetText ?? '');
  for (const message of budget.problems) problem('SMS_BUDGET', message);
  const budgetLimits = budget.limits;
  if (budgetLimits.length > 0 && !prices.has('default')) {
    problem('SMS_PRICES', 'needs a default price with SMS_BUDGET (e.g. "default=0.05;US=0.0083"): the budget counts segments × price');
  }

  const factorText = value('SMS_SURGE_FACTOR');
  const factor = factorText === undefined ? undefined : Number(factorText);
  if (factor !== undefined && !(Number.isFinite(factor) && factor > 1))
    problem('SMS_SURGE_FACTOR', 'must be a number above 1 (e.g. 5: five times the usual hour)');
  const surgeMin = integer('SMS_SURGE_MIN', 20, 1, 1e9);
  const exemptNumbers = commaList(value('SMS_GUARD_EXEMPT_NUMBERS'));
  for (const number of exemptNumbers)
    if (!isE164(number)) problem('SMS_GUARD_EXEMPT_NUMBERS', 'each entry must be an E.164 number (+15005550006)');
  const onStoreError = value('SMS_GUARD_ON_STORE_ERROR')?.toLowerCase() ?? 'open';
  if (onStoreError !== 'open' && onStoreError !== 'closed')
    problem('SMS_GUARD_ON_STORE_ERROR', 'must be open (send when the store fails) or closed (refuse)');

  const settings: GuardSettings = {
    perNumber: limitList('SMS_LIMIT_PER_NUMBER', GUARD_DEFAULTS.SMS_LIMIT_PER_NUMBER),
    perUser: limitList('SMS_LIMIT_PER_USER', GUARD_DEFAULTS.SMS_LIMIT_PER_USER),
    perPrefix: limitList('SMS_LIMIT_PER_PREFIX', GUARD_DEFAULTS.SMS_LIMIT_PER_PREFIX),
    prefixDigits: integer('SMS_PREFIX_DIGITS', GUARD_DEFAULTS.SMS_PREFIX_DIGITS, 2, 14),
    perCountry,
    global: limitList('SMS_LIMIT_GLOBAL'),
    prices,
    budget: budgetLimits,
    homeCountries: destinationList('SMS_BUDGET_HOME_COUNTRIES', file?.homeCountries),
    quarantineSeconds: integer('SMS_PREFIX_QUARANTINE_S', GUARD_DEFAULTS.SMS_PREFIX_QUARANTINE_S, 0, 31 * 86_400),
    ...(factor !== undefined && factor > 1 ? { surge: { factor, min: surgeMin } } : {}),
    onStoreError: onStoreError === 'closed' ? 'closed' : 'open',
    exemptNumbers,
  };
  const keyed = hashKey === undefined ? {} : { hashKey: new Secret(hashKey) };
  if (store === 'off') return { store, settings };
  if (store === 'memory') return { store, chosen: mode === 'memory', settings, ...keyed };
  return { store, table: table ?? '', timeoutMs: integer('SMS_GUARD_TIMEOUT_MS', 1000, 50, 10_000), settings, ...keyed };
}

/** True when the guard needs the destination's country: country limits, prices, home countries or surge. */
export const guardNeedsCountry = (guard: GuardConfig): boolean =>
  guard.store !== 'off' &&
  (guard.settings.perCountry.size > 0 ||
    guard.settings.budget.length > 0 ||
    guard.settings.surge !== undefined ||
    guard.settings.homeCountries.length > 0);
