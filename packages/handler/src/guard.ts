import { randomBytes } from 'node:crypto';
import type { Logger, SendGuard } from '@cognito-sms/core';
import { createSendGuard } from '@cognito-sms/guard';
import { createMemoryGuardStore } from '@cognito-sms/guard/memory';
import type { GuardConfig } from './config/guard.js';

/**
 * Builds the fraud guard at cold start. The DynamoDB store (and its SDK client, shared with
 * duplicate suppression) is a dynamic import: only a function with `SMS_GUARD_TABLE` loads it.
 *
 * @example `const guard = await createGuard(config.guard, logger)`
 */
export async function createGuard(config: GuardConfig, logger: Logger): Promise<SendGuard | undefined> {
  if (config.store === 'off') return undefined;
  const store =
    config.store === 'dynamodb'
      ? (await import('@cognito-sms/guard/dynamodb')).createDynamoDbGuardStore({ table: config.table, timeoutMs: config.timeoutMs })
      : createMemoryGuardStore();
  if (config.store === 'memory' && !config.chosen) {
    logger.warn('Fraud guard counts in this container only: each limit holds per container, not per function', {
      hint: 'set SMS_GUARD_TABLE (and SMS_GUARD_HASH_KEY) to share the counts across containers, SMS_GUARD=memory to keep this, or SMS_GUARD=off',
    });
  }
  // In memory nothing outlives the container, so a random key per container is as good as any.
  return createSendGuard({ settings: config.settings, store, hashKey: config.hashKey?.reveal() ?? randomBytes(32) });
}
