import { createReceiptsHandler } from './create-receipts-handler.js';

export type { ReceiptsHandler, ReceiptsResponse } from './create-receipts-handler.js';

/**
 * The receipts Lambda entry (`receipts.handler`): providers' status callbacks on its function
 * URL, SNS delivery-status logs and End User Messaging events. Configured once per container
 * from the same variables as the sender; with SMS_IDEMPOTENCY_TABLE or SMS_GUARD_TABLE set it
 * settles receipts in the DynamoDB delivery ledger on that table (each counted once, and the
 * counters route learning reads).
 */
export const handler = await createReceiptsHandler(process.env);
