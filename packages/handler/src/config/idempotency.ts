import type { ConfigIssue } from '@cognito-sms/core';
import * as z from '@cognito-sms/core/zod';
import { type Environment, integer, parseEnv, TABLE_NAME } from './env.js';

const IDEMPOTENCY_ENV = z.object({
  SMS_IDEMPOTENCY: z.optional(z.enum(['off', 'memory', 'dynamodb'], { error: 'must be off, memory or dynamodb' })),
  SMS_IDEMPOTENCY_TABLE: z.optional(z.string().check(z.regex(TABLE_NAME, 'must be a DynamoDB table name'))),
  SMS_IDEMPOTENCY_TTL_S: z._default(integer('must be a whole number of seconds', z.positive('must be a positive number of seconds')), 3600),
});

/** Duplicate suppression: off, in memory (one container), or a DynamoDB table. */
export type IdempotencySettings =
  | { readonly store: 'off' }
  | { readonly store: 'memory'; readonly ttlSeconds: number }
  | { readonly store: 'dynamodb'; readonly table: string; readonly ttlSeconds: number };

/**
 * Reads SMS_IDEMPOTENCY, SMS_IDEMPOTENCY_TABLE and SMS_IDEMPOTENCY_TTL_S. A table alone implies
 * `dynamodb`; a table with `memory`, or `dynamodb` without one, is an issue.
 *
 * @returns the settings, or undefined when a variable is invalid (the reasons are in `issues`).
 * @example `const idempotency = parseIdempotency({ SMS_IDEMPOTENCY_TABLE: 'sms-sent' }, issues)`
 */
export function parseIdempotency(env: Environment, issues: ConfigIssue[]): IdempotencySettings | undefined {
  const data = parseEnv(IDEMPOTENCY_ENV, env, issues);
  if (!data) return undefined;
  const store = data.SMS_IDEMPOTENCY ?? (data.SMS_IDEMPOTENCY_TABLE ? 'dynamodb' : 'off');
  const ttlSeconds = data.SMS_IDEMPOTENCY_TTL_S;
  if (store === 'off') return { store };
  if (store === 'memory') {
    if (data.SMS_IDEMPOTENCY_TABLE) {
      issues.push({
        variable: 'SMS_IDEMPOTENCY_TABLE',
        message: 'is set, but SMS_IDEMPOTENCY=memory keeps records in memory; unset one of them',
      });
    }
    return { store, ttlSeconds };
  }
  if (!data.SMS_IDEMPOTENCY_TABLE) {
    issues.push({
      variable: 'SMS_IDEMPOTENCY_TABLE',
      message: 'is required with SMS_IDEMPOTENCY=dynamodb: the table that records sent messages',
    });
    return { store: 'off' };
  }
  return { store, table: data.SMS_IDEMPOTENCY_TABLE, ttlSeconds };
}
