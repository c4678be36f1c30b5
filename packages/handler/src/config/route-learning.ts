import type { ConfigIssue } from '@cognito-sms/core';
import * as z from '@cognito-sms/core/zod';
import { type Environment, integer, parseEnv } from './env.js';

const ROUTE_LEARNING_ENV = z.object({
  SMS_ROUTE_MIN_DELIVERY_RATE: z.optional(
    z.coerce
      .number({ error: 'must be a share from 0 to 1 (e.g. 0.8: demote below 80% delivered)' })
      .check(
        z.gte(0, 'must be a share from 0 to 1 (e.g. 0.8: demote below 80% delivered)'),
        z.lte(1, 'must be a share from 0 to 1 (e.g. 0.8: demote below 80% delivered)'),
      ),
  ),
  SMS_ROUTE_MIN_SAMPLES: z._default(integer('must be a whole number of receipts', z.positive('must be 1 or more receipts')), 20),
  SMS_ROUTE_DEMOTE_S: z._default(integer('must be a whole number of seconds', z.positive('must be a positive number of seconds')), 900),
});

/** Routes that learn from delivery receipts; undefined when SMS_ROUTE_MIN_DELIVERY_RATE is unset. */
export interface RouteLearningSettings {
  readonly minDeliveryRate: number;
  readonly minSamples: number;
  readonly demoteMs: number;
}

/** The delivery ledger's table and the route learning that reads it. */
export interface DeliveryLedgerSettings {
  /**
   * The state table the ledger keeps sends, receipts and delivery counters in: SMS_IDEMPOTENCY_TABLE,
   * else SMS_GUARD_TABLE (the same shape: partition key `id`, TTL `expiration`). Undefined: no ledger.
   */
  readonly table: string | undefined;
  readonly routeLearning: RouteLearningSettings | undefined;
}

/**
 * The state table, as the idempotency and guard concerns name it (they validate the names).
 *
 * @example `ledgerTable({ SMS_GUARD_TABLE: 'cognito-sms-state' }) // 'cognito-sms-state'`
 */
export function ledgerTable(env: Environment): string | undefined {
  for (const variable of ['SMS_IDEMPOTENCY_TABLE', 'SMS_GUARD_TABLE']) {
    const value = env[variable]?.trim();
    if (value) return value;
  }
  return undefined;
}

/**
 * Reads SMS_ROUTE_MIN_DELIVERY_RATE, SMS_ROUTE_MIN_SAMPLES and SMS_ROUTE_DEMOTE_S. Route learning
 * is off unless the rate is set, and then needs a state table: the receipts function counts
 * delivered shares there, and the sender reads them.
 *
 * @returns the settings, or undefined when a variable is invalid (the reasons are in `issues`).
 * @example `const ledger = parseRouteLearning({ SMS_ROUTE_MIN_DELIVERY_RATE: '0.8', SMS_GUARD_TABLE: 'cognito-sms-state' }, issues)`
 */
export function parseRouteLearning(env: Environment, issues: ConfigIssue[]): DeliveryLedgerSettings | undefined {
  const data = parseEnv(ROUTE_LEARNING_ENV, env, issues);
  if (!data) return undefined;
  const table = ledgerTable(env);
  if (data.SMS_ROUTE_MIN_DELIVERY_RATE === undefined) return { table, routeLearning: undefined };
  if (!table) {
    issues.push({
      variable: 'SMS_ROUTE_MIN_DELIVERY_RATE',
      message:
        'needs a state table to learn from: set SMS_IDEMPOTENCY_TABLE or SMS_GUARD_TABLE (partition key id, TTL expiration) in the sender and the receipts function',
    });
    return undefined;
  }
  return {
    table,
    routeLearning: {
      minDeliveryRate: data.SMS_ROUTE_MIN_DELIVERY_RATE,
      minSamples: data.SMS_ROUTE_MIN_SAMPLES,
      demoteMs: data.SMS_ROUTE_DEMOTE_S * 1000,
    },
  };
}
