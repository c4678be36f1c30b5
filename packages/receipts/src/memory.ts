import type { RouteHealth } from '@cognito-sms/core';
import type { DeliveryState, SentMessageRecord } from '@cognito-sms/core/receipts';
import { bucketExpiration, bucketId, bucketStart, type DeliveryLedgerStore, RECORD_TTL_S, recordId, windowBuckets } from './ledger.js';

interface RecordItem {
  sent?: SentMessageRecord;
  settled: boolean;
  state?: DeliveryState;
  /** Whether the settled receipt was counted (it had a country, or its record did). */
  counted?: boolean;
  /** Epoch seconds. */
  expiration: number;
}

/**
 * A delivery ledger in this container's memory: for local runs, the demo and tests. The sender
 * and the receipts function are separate functions, so a deployed pair needs the DynamoDB one.
 *
 * @example `const ledger = createMemoryDeliveryLedger(); await createReceiptsHandler(env, { ledger })`
 */
export function createMemoryDeliveryLedger(options: { readonly now?: () => number } = {}): DeliveryLedgerStore {
  const now = options.now ?? Date.now;
  const records = new Map<string, RecordItem>();
  const buckets = new Map<string, { delivered: number; total: number; expiration: number }>();
  const live = <T extends { expiration: number }>(map: Map<string, T>, id: string): T | undefined => {
    const item = map.get(id);
    if (item && item.expiration <= now() / 1000) {
      map.delete(id);
      return undefined;
    }
    return item;
  };
  const count = (provider: string, country: string, delivered: boolean) => {
    const start = bucketStart(now());
    const key = bucketId(provider, country, start);
    const bucket = live(buckets, key) ?? { delivered: 0, total: 0, expiration: bucketExpiration(start) };
    bucket.total += 1;
    if (delivered) bucket.delivered += 1;
    buckets.set(key, bucket);
  };
  let nextSweep = 0;
  // Expired items are dropped about once a minute, as TTL does in DynamoDB.
  const sweep = () => {
    const nowS = now() / 1000;
    if (nowS < nextSweep) return;
    nextSweep = nowS + 60;
    for (const map of [records, buckets] as Map<string, { expiration: number }>[])
      for (const [id, item] of map) if (item.expiration <= nowS) map.delete(id);
  };

  return {
    async recordSent(record) {
      sweep();
      const id = recordId(record.provider, record.messageId);
      const item: RecordItem = {
        settled: false,
        ...live(records, id),
        sent: { ...record },
        expiration: Math.ceil(now() / 1000) + RECORD_TTL_S,
      };
      // The final receipt overtook this record with no country to be counted under.
      if (item.settled && item.state && !item.counted && record.country) {
        count(record.provider, record.country, item.state === 'delivered');
        item.counted = true;
      }
      records.set(id, item);
    },
    async settle(receipt) {
      if (!receipt.final) return { first: false };
      const id = recordId(receipt.provider, receipt.messageId);
      const item = live(records, id);
      if (item?.settled) return { first: false };
      const sent = item?.sent;
      const country = sent?.country ?? receipt.country;
      records.set(id, {
        ...item,
        settled: true,
        state: receipt.state,
        counted: country !== undefined,
        expiration: item?.expiration ?? Math.ceil(now() / 1000) + RECORD_TTL_S,
      });
      if (country) count(receipt.provider, country, receipt.state === 'delivered');
      return sent ? { first: true, sent } : { first: true };
    },
    async routeHealth(country, providers, { since }) {
      const result = new Map<string, RouteHealth>();
      for (const provider of providers) {
        let delivered = 0;
        let total = 0;
        for (const start of windowBuckets(now(), since?.[provider])) {
          const bucket = live(buckets, bucketId(provider, country, start));
          delivered += bucket?.delivered ?? 0;
          total += bucket?.total ?? 0;
        }
        if (total > 0) result.set(provider, { delivered, total });
      }
      return result;
    },
  };
}
