/**
 * The store the guard counts in: atomic counters and markers, each an item `{ id, n, expiration }`
 * (the shape of the idempotency table: partition key `id`, TTL attribute `expiration`, so one
 * table serves both). Ids are keyed hashes or country codes: never a number, a user or a code.
 */
export interface CounterUpdate {
  readonly id: string;
  /** Added to the counter (a whole number; negative to give back). */
  readonly amount: number;
  /**
   * The counter may not exceed this after the update: when it would, the update is refused and
   * the counter left untouched (a condition evaluated by the store, atomically).
   */
  readonly max?: number;
  /** Epoch seconds after which the store may delete the item (its TTL). */
  readonly expiresAt: number;
}

/** One round trip: counter updates and reads, sent together. */
export interface GuardRound {
  readonly updates: readonly CounterUpdate[];
  /** Items whose `n` to read (quarantine markers, surge baselines). */
  readonly reads: readonly string[];
}

export interface GuardRoundResult {
  /** Per update: the counter after it, or `refused` when its `max` would have been exceeded. */
  readonly updates: readonly (number | 'refused')[];
  /** Per read: the item's `n`, undefined when absent or expired. */
  readonly reads: readonly (number | undefined)[];
}

/**
 * What the guard needs of a store. `apply` sends everything of a round at once (one network
 * round trip); `release` gives back what a refused message had taken; `mark` sets a marker.
 *
 * @example `const result = await store.apply({ updates: [{ id: 'gn#…', amount: 1, max: 5, expiresAt }], reads: [] }, { signal })`
 */
export interface GuardStore {
  apply(round: GuardRound, options: { readonly signal: AbortSignal }): Promise<GuardRoundResult>;
  release(updates: readonly CounterUpdate[], options: { readonly signal: AbortSignal }): Promise<void>;
  /** Sets item `id` to `value` (e.g. a quarantine's end, epoch seconds) until `expiresAt`. */
  mark(id: string, value: number, expiresAt: number, options: { readonly signal: AbortSignal }): Promise<void>;
}
