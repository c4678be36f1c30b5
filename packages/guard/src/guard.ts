import { createHmac } from 'node:crypto';
import {
  type Destination,
  destinationKeys,
  type GuardVerdict,
  type RateLimitedCode,
  RateLimitedError,
  type SendGuard,
} from '@cognito-sms/core';
import type { RateLimit, SpendLimit } from './limits.js';
import type { CounterUpdate, GuardStore } from './store.js';

/** Everything the guard enforces; the handler builds it from `SMS_LIMIT_*`, `SMS_BUDGET`, … */
export interface GuardSettings {
  readonly perNumber: readonly RateLimit[];
  readonly perUser: readonly RateLimit[];
  readonly perPrefix: readonly RateLimit[];
  /** Digits of the E.164 number after `+` that make its prefix (`SMS_PREFIX_DIGITS`). */
  readonly prefixDigits: number;
  /** By destination key (`US`, `+44`) or `default`. Each country keyed by `default` counts on its own. */
  readonly perCountry: ReadonlyMap<string, readonly RateLimit[]>;
  readonly global: readonly RateLimit[];
  /** Price of one segment by destination key or `default`, in millionths of the currency. */
  readonly prices: ReadonlyMap<string, number>;
  readonly budget: readonly SpendLimit[];
  /** Destination keys still served when the budget is spent or a surge is detected. */
  readonly homeCountries: readonly string[];
  /** How long a prefix that reached its limit stays refused; 0: no quarantine. */
  readonly quarantineSeconds: number;
  /** Off when undefined. */
  readonly surge?: { readonly factor: number; readonly min: number };
  /** `open`: send unchecked when the store fails; `closed`: refuse (`GuardUnavailable`). */
  readonly onStoreError: 'open' | 'closed';
  /** E.164 numbers the guard never counts or refuses (test numbers). */
  readonly exemptNumbers: readonly string[];
}

export interface SendGuardOptions {
  readonly settings: GuardSettings;
  readonly store: GuardStore;
  /** Keys the HMAC-SHA256 under which numbers, users and prefixes become counter ids. */
  readonly hashKey: string | Uint8Array;
  /** Milliseconds since the epoch; tests hand in their own. */
  readonly now?: () => number;
}

/** A counter this message takes, and what refuses the message when it is full. */
interface PlannedUpdate extends CounterUpdate {
  readonly code: RateLimitedCode;
  /** `SMS_LIMIT_PER_NUMBER 5/10m`: for the message and the log line. */
  readonly rule: string;
  readonly limit?: string;
  /** Epoch seconds when the window ends: a refusal is remembered until then. */
  readonly windowEnd: number;
}

const PRIORITY: readonly RateLimitedCode[] = [
  'PrefixQuarantined',
  'NumberLimit',
  'UserLimit',
  'PrefixLimit',
  'CountryLimit',
  'CountrySurge',
  'GlobalLimit',
  'BudgetExhausted',
];
const HOURS_IN_BASELINE = 7 * 24;
/** Refusals and quarantines remembered per container: bounded, so an attack cannot grow it without end. */
const MAX_REMEMBERED = 10_000;

/**
 * The fraud guard: for every message, counters per number, user, prefix, country and in all,
 * the spend per window, prefix quarantine and country surge, updated in `store` in one round
 * trip (conditional increments: no read-modify-write, so N containers never send more than a
 * limit). A message refused by one counter gives back what it took from the others, so an
 * attack refused by its prefix does not eat the country's or the function's allowance.
 * Refusals and quarantines are remembered in the container until their window ends, so a
 * repeated refusal costs no store request.
 *
 * Windows are fixed and aligned to the epoch (UTC days for `d`): `5/10m` allows 5 in each
 * 10-minute window, so up to 10 across a window boundary; pair a short window with a longer one.
 *
 * @example
 * ```ts
 * const guard = createSendGuard({ settings, store: createMemoryGuardStore(), hashKey: key });
 * await guard.admit({ to, destination, userPoolId, userKey, trigger, segments: 1 }, { signal });
 * ```
 */
export function createSendGuard(options: SendGuardOptions): SendGuard {
  const { settings, store } = options;
  const now = options.now ?? Date.now;
  const exempt = new Set(settings.exemptNumbers);
  const home = new Set(settings.homeCountries);
  const hash = (kind: string, value: string) =>
    createHmac('sha256', options.hashKey).update(`${kind}\u0000${value}`).digest('base64url').slice(0, 22);
  const refusedUntil = new Map<string, { until: number; amount: number }>();
  const quarantinedUntil = new Map<string, number>();
  const baselines = new Map<string, number>();
  const remember = <V>(map: Map<string, V>, key: string, value: V, nowS: number, until: (v: V) => number) => {
    if (map.size >= MAX_REMEMBERED) {
      for (const [k, v] of map) if (until(v) <= nowS) map.delete(k);
      if (map.size >= MAX_REMEMBERED) map.delete(map.keys().next().value as string);
    }
    map.set(key, value);
  };

  const windowed = (
    plan: PlannedUpdate[],
    nowS: number,
    base: { id: string; code: RateLimitedCode; variable: string; label?: string },
    limits: readonly RateLimit[],
  ) => {
    for (const limit of limits) {
      const bucket = Math.floor(nowS / limit.windowSeconds);
      const windowEnd = (bucket + 1) * limit.windowSeconds;
      plan.push({
        id: `${base.id}#${limit.windowSeconds}#${bucket}`,
        amount: 1,
        max: limit.count,
        expiresAt: windowEnd + 60,
        windowEnd,
        code: base.code,
        limit: limit.text,
        rule: `${base.variable} ${base.label ? `${base.label}=` : ''}${limit.text}`,
      });
    }
  };

  const lookup = <T>(table: ReadonlyMap<string, T>, destination: Destination): { key: string; value: T } | undefined => {
    for (const key of destinationKeys(destination)) {
      const value = table.get(key);
      if (value !== undefined) return { key, value };
    }
    const value = table.get('default');
    return value === undefined ? undefined : { key: 'default', value };
  };

  return {
    async admit(request, { signal }): Promise<GuardVerdict> {
      if (exempt.has(request.to)) return {};
      const nowS = Math.floor(now() / 1000);
      const { destination } = request;
      const where = destination.country ?? (destination.callingCode ? `+${destination.callingCode}` : 'unknown');
      const isHome = destinationKeys(destination).some((key) => home.has(key));
      const digits = request.to.slice(1);
      const prefix = hash('prefix', digits.slice(0, settings.prefixDigits));

      const plan: PlannedUpdate[] = [];
      windowed(
        plan,
        nowS,
        { id: `gn#${hash('number', request.to)}`, code: 'NumberLimit', variable: 'SMS_LIMIT_PER_NUMBER' },
        settings.perNumber,
      );
      windowed(
        plan,
        nowS,
        { id: `gu#${hash('user', `${request.userPoolId}\u0000${request.userKey}`)}`, code: 'UserLimit', variable: 'SMS_LIMIT_PER_USER' },
        settings.perUser,
      );
      windowed(plan, nowS, { id: `gp#${prefix}`, code: 'PrefixLimit', variable: 'SMS_LIMIT_PER_PREFIX' }, settings.perPrefix);
      const country = lookup(settings.perCountry, destination);
      if (country) {
        // A named key (`+1`) counts every destination it covers together; `default` counts each country apart.
        const counted = country.key === 'default' ? where : country.key;
        windowed(
          plan,
          nowS,
          { id: `gc#${counted}`, code: 'CountryLimit', variable: 'SMS_LIMIT_PER_COUNTRY', label: country.key },
          country.value,
        );
      }
      windowed(plan, nowS, { id: 'gg', code: 'GlobalLimit', variable: 'SMS_LIMIT_GLOBAL' }, settings.global);
      if (settings.budget.length > 0) {
        const cost = Math.max(1, request.segments) * (lookup(settings.prices, destination)?.value ?? 0);
        for (const budget of settings.budget) {
          const bucket = Math.floor(nowS / budget.windowSeconds);
          const windowEnd = (bucket + 1) * budget.windowSeconds;
          plan.push({
            id: `g$#${budget.windowSeconds}#${bucket}`,
            amount: cost,
            // Home countries are counted, never refused: an attack elsewhere cannot lock out your own users.
            ...(isHome ? {} : { max: budget.amountMicros }),
            expiresAt: windowEnd + 60,
            windowEnd,
            code: 'BudgetExhausted',
            limit: budget.text,
            rule: `SMS_BUDGET ${budget.text}`,
          });
        }
      }
      // Surge: this hour's messages to a country against its mean hour over the 7 days before today.
      const surge = settings.surge && !isHome && where !== 'unknown' ? settings.surge : undefined;
      const day = Math.floor(nowS / 86_400);
      const hourEnd = (Math.floor(nowS / 3600) + 1) * 3600;
      const surgeHourIndex = surge ? plan.length : -1;
      if (surge) {
        plan.push(
          {
            id: `gsh#${where}#${hourEnd}`,
            amount: 1,
            expiresAt: hourEnd + 60,
            windowEnd: hourEnd,
            code: 'CountrySurge',
            rule: 'SMS_SURGE_FACTOR',
          },
          {
            id: `gsd#${where}#${day}`,
            amount: 1,
            expiresAt: (day + 9) * 86_400,
            windowEnd: (day + 1) * 86_400,
            code: 'CountrySurge',
            rule: 'SMS_SURGE_FACTOR',
          },
        );
      }

      // What this container already knows: no store request for a repeated refusal.
      const quarantine = settings.perPrefix.length > 0 && settings.quarantineSeconds > 0;
      const knownQuarantine = quarantine ? (quarantinedUntil.get(prefix) ?? 0) : 0;
      if (knownQuarantine > nowS) throw quarantined(knownQuarantine, nowS, where);
      const known = plan.find((update) => {
        const refused = refusedUntil.get(update.id);
        return update.max !== undefined && refused !== undefined && refused.until > nowS && update.amount >= refused.amount;
      });
      if (known) throw refusal(known, where);

      const baselineKey = `${where}#${day}`;
      const baselineDays = surge && !baselines.has(baselineKey) ? Array.from({ length: 7 }, (_, i) => `gsd#${where}#${day - 7 + i}`) : [];
      const reads = [...(quarantine ? [`gq#${prefix}`] : []), ...baselineDays];
      let result: Awaited<ReturnType<GuardStore['apply']>>;
      try {
        result = await store.apply({ updates: plan, reads }, { signal });
      } catch (error) {
        const name = error instanceof Error ? error.name : 'StoreError';
        if (settings.onStoreError === 'open') return { storeError: name };
        throw new RateLimitedError(
          'GuardUnavailable',
          `the fraud guard's store could not be reached (${name}) and SMS_GUARD_ON_STORE_ERROR=closed`,
          {
            ...(destination.country ? { country: destination.country } : {}),
            cause: error,
          },
        );
      }

      if (baselineDays.length > 0) {
        const sum = result.reads.slice(quarantine ? 1 : 0).reduce<number>((total, value) => total + (value ?? 0), 0);
        remember(baselines, baselineKey, sum, nowS, () => (day + 1) * 86_400);
      }
      const refusedIndexes = new Set(result.updates.flatMap((value, i) => (value === 'refused' ? [i] : [])));
      const quarantineEnd = quarantine ? (result.reads[0] ?? 0) : 0;
      if (surge) {
        const hourCount = result.updates[surgeHourIndex];
        const threshold = Math.max(surge.min, (surge.factor * (baselines.get(baselineKey) ?? 0)) / HOURS_IN_BASELINE);
        if (typeof hourCount === 'number' && hourCount > threshold) refusedIndexes.add(surgeHourIndex);
      }
      if (quarantineEnd <= nowS && refusedIndexes.size === 0) return {};

      // Refused: give back what this message took, remember the refusal, quarantine a full prefix.
      const taken = plan.filter((_, i) => typeof result.updates[i] === 'number' && !refusedIndexes.has(i));
      const surgeRefused = refusedIndexes.has(surgeHourIndex);
      const giveBack = surgeRefused ? [...taken, plan[surgeHourIndex] as PlannedUpdate] : taken;
      const followUps: Promise<unknown>[] = [store.release(giveBack, { signal })];
      for (const i of refusedIndexes) {
        const update = plan[i] as PlannedUpdate;
        if (update.max !== undefined)
          remember(refusedUntil, update.id, { until: update.windowEnd, amount: update.amount }, nowS, (v) => v.until);
      }
      if (surgeRefused) {
        const update = plan[surgeHourIndex] as PlannedUpdate;
        remember(refusedUntil, update.id, { until: update.windowEnd, amount: 1 }, nowS, (v) => v.until);
      }
      const prefixFull = [...refusedIndexes].some((i) => plan[i]?.code === 'PrefixLimit');
      if (quarantineEnd > nowS) remember(quarantinedUntil, prefix, quarantineEnd, nowS, (v) => v);
      else if (quarantine && prefixFull) {
        const until = nowS + settings.quarantineSeconds;
        remember(quarantinedUntil, prefix, until, nowS, (v) => v);
        followUps.push(store.mark(`gq#${prefix}`, until, until, { signal }));
      }
      // The refusal stands whether or not the give-back reached the store: a counter left too
      // high refuses a little early until its window ends, never lets more through.
      await Promise.allSettled(followUps);
      if (quarantineEnd > nowS) throw quarantined(quarantineEnd, nowS, where);
      const first = PRIORITY.map((code) => [...refusedIndexes].map((i) => plan[i] as PlannedUpdate).find((u) => u.code === code)).find(
        Boolean,
      );
      throw refusal(first as PlannedUpdate, where);

      function quarantined(until: number, at: number, country: string) {
        return new RateLimitedError(
          'PrefixQuarantined',
          `the number's prefix (first ${settings.prefixDigits} digits) reached SMS_LIMIT_PER_PREFIX and is quarantined for ${until - at} s more (SMS_PREFIX_QUARANTINE_S)`,
          country === 'unknown' ? {} : { country },
        );
      }
    },
  };

  function refusal(update: PlannedUpdate, where: string): RateLimitedError {
    const what =
      update.code === 'CountrySurge'
        ? `messages to ${where} this hour exceed SMS_SURGE_FACTOR × its mean hour of the last 7 days (at least SMS_SURGE_MIN); limited for the rest of the hour`
        : update.code === 'BudgetExhausted'
          ? `the spend budget ${update.rule} is used up for this window (${where} is not in SMS_BUDGET_HOME_COUNTRIES)`
          : `${update.rule} reached (${SUBJECT[update.code] ?? 'messages'})`;
    return new RateLimitedError(update.code, what, {
      ...(update.limit ? { limit: update.limit } : {}),
      ...(where === 'unknown' ? {} : { country: where }),
    });
  }
}

const SUBJECT: Partial<Record<RateLimitedCode, string>> = {
  NumberLimit: 'messages to this number',
  UserLimit: 'messages to this user',
  PrefixLimit: "messages to this number's prefix",
  CountryLimit: 'messages to this country',
  GlobalLimit: 'messages of this function',
};
