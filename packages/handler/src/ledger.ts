import { createRouteLearner, type Logger, type RouteLearner } from '@cognito-sms/core';
import type { DeliveryLedgerStore } from '@cognito-sms/receipts';
import type { DeliveryLedgerSettings } from './config/route-learning.js';

/**
 * The sender's delivery ledger and route learner, built at cold start. The ledger records each
 * accepted message when receipts are on (SMS_RECEIPTS_URL) or routes learn; the learner reads its
 * counters. `@cognito-sms/receipts/dynamodb` is a dynamic import: a function with neither loads nothing.
 *
 * @example `const { ledger, routeLearner } = await createDeliveryLedger(config.ledger, Boolean(config.receipts.url), logger)`
 */
export async function createDeliveryLedger(
  settings: DeliveryLedgerSettings,
  receiptsOn: boolean,
  logger: Logger,
  now: () => number = Date.now,
): Promise<{ ledger?: DeliveryLedgerStore; routeLearner?: RouteLearner }> {
  const { table, routeLearning } = settings;
  if (!table || (!receiptsOn && !routeLearning)) return {};
  const ledger = await openDeliveryLedger(table, now);
  if (!routeLearning) return { ledger };
  return { ledger, routeLearner: createRouteLearner({ health: ledger, ...routeLearning, clock: { now }, logger }) };
}

/**
 * The DynamoDB ledger on the state table, for the sender and the receipts function alike.
 *
 * @example `const ledger = await openDeliveryLedger('cognito-sms-state')`
 */
export async function openDeliveryLedger(table: string, now: () => number = Date.now): Promise<DeliveryLedgerStore> {
  const { createDynamoDbDeliveryLedger } = await import('@cognito-sms/receipts/dynamodb');
  return createDynamoDbDeliveryLedger({ table, now });
}
