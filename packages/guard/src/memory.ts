import type { GuardStore } from './store.js';

/**
 * Counters in this container's memory: for local runs, the demo and tests. Every container of
 * a deployed function would count on its own, so each limit would hold per container only.
 *
 * @example `createSendGuard({ settings, store: createMemoryGuardStore(), hashKey })`
 */
export function createMemoryGuardStore(options: { readonly now?: () => number } = {}): GuardStore {
  const now = options.now ?? Date.now;
  const items = new Map<string, { n: number; expiration: number }>();
  let nextSweep = 0;
  const live = (id: string) => {
    const item = items.get(id);
    if (item && item.expiration <= now() / 1000) {
      items.delete(id);
      return undefined;
    }
    return item;
  };
  // Expired items are dropped about once a minute, as TTL does in DynamoDB.
  const sweep = () => {
    const nowS = now() / 1000;
    if (nowS < nextSweep) return;
    nextSweep = nowS + 60;
    for (const [id, item] of items) if (item.expiration <= nowS) items.delete(id);
  };
  const add = (id: string, amount: number, expiresAt: number) => {
    const item = live(id) ?? { n: 0, expiration: expiresAt };
    item.n += amount;
    item.expiration = Math.max(item.expiration, expiresAt);
    items.set(id, item);
    return item.n;
  };
  return {
    async apply(round) {
      sweep();
      return {
        updates: round.updates.map((update) => {
          const current = live(update.id)?.n ?? 0;
          if (update.max !== undefined && current + update.amount > update.max) return 'refused' as const;
          return add(update.id, update.amount, update.expiresAt);
        }),
        reads: round.reads.map((id) => live(id)?.n),
      };
    },
    async release(updates) {
      for (const update of updates) if (live(update.id)) add(update.id, -update.amount, update.expiresAt);
    },
    async mark(id, value, expiresAt) {
      items.set(id, { n: value, expiration: expiresAt });
    },
  };
}
