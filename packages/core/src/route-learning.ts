// Routes that learn: the delivered share of each provider in a country, read from the delivery
// ledger's counters, reorders that country's chain so a provider whose messages stop arriving
// goes behind the next one for a while. No I/O of its own: the health source is injected.
import type { Logger } from './provider.js';

/** Final receipts counted for one provider in one country over the ledger's window. */
export interface RouteHealth {
  /** Receipts whose final state was `delivered`. */
  readonly delivered: number;
  /** Every final receipt (delivered, undelivered, failed, expired, unknown). */
  readonly total: number;
}

/** Where the learner reads route health: `@cognito-sms/receipts` ledgers implement it. */
export interface RouteHealthSource {
  /**
   * Per provider id, the final receipts for `country` over the sliding window (absent: none).
   * `since` (ms since the epoch, per provider) leaves out what was counted before it: the
   * evidence a demotion already acted on.
   */
  routeHealth(
    country: string,
    providers: readonly string[],
    options: { readonly signal: AbortSignal; readonly since?: Readonly<Record<string, number>> },
  ): Promise<ReadonlyMap<string, RouteHealth>>;
}

/** A provider demoted in, or restored to its place in, a country's chain. */
export interface RouteChange {
  readonly provider: string;
  readonly country: string;
  /** delivered / total of the read that demoted it. */
  readonly deliveredShare?: number;
  /** The final receipts that read counted. */
  readonly samples?: number;
  /** ms since the epoch when a demotion ends. */
  readonly until?: number;
}

/** A country's chain as the learner orders it, and what changed on this call. */
export interface LearnedRoute<P> {
  readonly providers: readonly P[];
  /** Demoted on this call (each demotion is reported once per container). */
  readonly demoted: readonly RouteChange[];
  /** Back in place on this call. */
  readonly recovered: readonly RouteChange[];
}

export interface RouteLearner {
  /** Never throws: a store failure leaves the chain as configured (and any running demotion as it is). */
  order<P extends { readonly id: string }>(
    country: string | undefined,
    chain: readonly P[],
    options: { readonly signal: AbortSignal },
  ): Promise<LearnedRoute<P>>;
}

export interface RouteLearnerOptions {
  readonly health: RouteHealthSource;
  /** A provider whose delivered share falls below this (0..1) is demoted. */
  readonly minDeliveryRate: number;
  /** …over at least this many final receipts. */
  readonly minSamples: number;
  /** How long a demotion lasts, ms. */
  readonly demoteMs: number;
  /** Wall-clock ms since the epoch (the ledger's buckets are in it); `Date.now` by default. */
  readonly clock?: { now(): number };
  readonly logger: Logger;
  /** How long a country's health is kept before it is read again (default 60 000 ms). */
  readonly cacheMs?: number;
  /** Longest a read may take on the send's path (default 500 ms); a slow store keeps the chain. */
  readonly timeoutMs?: number;
}

interface CountryState {
  /** When health was last read (or the read failed): the next read waits `cacheMs`. */
  readAt: number;
  reading?: Promise<void>;
  readonly demoted: Map<string, { readonly until: number }>;
  /** Per provider, receipts counted before this (ms) are ignored: the end of its last demotion. */
  readonly since: Record<string, number>;
}

/**
 * Orders a country's chain by what its receipts say. A provider whose delivered share is below
 * `minDeliveryRate` over at least `minSamples` final receipts moves behind the next provider not
 * demoted, for `demoteMs`. When that time is over it takes its place again, and only receipts
 * counted after then can demote it anew: it recovers by itself, and a provider still failing is
 * demoted again after `minSamples` fresh receipts. The last provider of a chain has no one to go
 * behind and is never demoted.
 *
 * Health is read at most once per country per `cacheMs` (one BatchGetItem with the DynamoDB
 * ledger), bounded by `timeoutMs`. A failed read is logged once (the error's name only) and keeps
 * the chain; the next read waits `cacheMs` too, so a dead store does not slow every send.
 *
 * @example
 * ```ts
 * const learner = createRouteLearner({ health: ledger, minDeliveryRate: 0.8, minSamples: 20, demoteMs: 900_000, logger });
 * const { providers } = await learner.order('GB', [twilio, vonage], { signal });
 * ```
 */
export function createRouteLearner(options: RouteLearnerOptions): RouteLearner {
  const { health, minDeliveryRate, minSamples, demoteMs, logger } = options;
  const clock = options.clock ?? { now: () => Date.now() };
  const cacheMs = options.cacheMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 500;
  const countries = new Map<string, CountryState>();
  let failing = false;

  const read = async (country: string, state: CountryState, ids: readonly string[], signal: AbortSignal, demoted: RouteChange[]) => {
    state.readAt = clock.now();
    let counts: ReadonlyMap<string, RouteHealth>;
    try {
      counts = await health.routeHealth(country, ids, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        since: state.since,
      });
    } catch (error) {
      if (!failing) {
        logger.warn('SMS route health unavailable; keeping the chain as configured', {
          country,
          error: error instanceof Error ? error.name : typeof error,
        });
      }
      failing = true;
      return;
    }
    failing = false;
    const now = clock.now();
    // The last provider has no one to go behind.
    for (const id of ids.slice(0, -1)) {
      const counted = counts.get(id);
      if (state.demoted.has(id) || !counted || counted.total < minSamples) continue;
      const deliveredShare = counted.delivered / counted.total;
      if (deliveredShare >= minDeliveryRate) continue;
      const until = now + demoteMs;
      state.demoted.set(id, { until });
      demoted.push({ provider: id, country, deliveredShare, samples: counted.total, until });
    }
  };

  return {
    async order(country, chain, { signal }) {
      if (country === undefined || chain.length < 2) return { providers: chain, demoted: [], recovered: [] };
      let state = countries.get(country);
      if (!state) {
        state = { readAt: Number.NEGATIVE_INFINITY, demoted: new Map(), since: {} };
        countries.set(country, state);
      }
      const now = clock.now();
      const recovered: RouteChange[] = [];
      for (const [provider, { until }] of state.demoted) {
        if (until > now) continue;
        state.demoted.delete(provider);
        state.since[provider] = until;
        recovered.push({ provider, country });
      }
      const demoted: RouteChange[] = [];
      if (state.reading) await state.reading;
      else if (now - state.readAt >= cacheMs) {
        const ids = [...new Set(chain.map((provider) => provider.id))];
        const current = state;
        current.reading = read(country, current, ids, signal, demoted).finally(() => {
          current.reading = undefined;
        });
        await current.reading;
      }
      return { providers: reorder(chain, state.demoted), demoted, recovered };
    },
  };
}

/** Each demoted provider goes right behind the next provider of the chain that is not demoted. */
function reorder<P extends { readonly id: string }>(chain: readonly P[], demoted: ReadonlyMap<string, unknown>): readonly P[] {
  if (demoted.size === 0) return chain;
  const ordered: P[] = [];
  let waiting: P[] = [];
  for (const provider of chain) {
    if (demoted.has(provider.id)) {
      waiting.push(provider);
      continue;
    }
    ordered.push(provider, ...waiting);
    waiting = [];
  }
  return [...ordered, ...waiting];
}
