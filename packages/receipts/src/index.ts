export type { DeliveryLedgerStore } from './ledger.js';
export { BUCKET_MS, bucketId, RECORD_TTL_S, recordId, WINDOW_MS } from './ledger.js';
