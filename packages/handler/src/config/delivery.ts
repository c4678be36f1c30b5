import { type AmbiguousErrorPolicy, type ConfigIssue, DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from '@cognito-sms/core';
import * as z from '@cognito-sms/core/zod';
import { type Environment, integer, milliseconds, parseEnv } from './env.js';

const DELIVERY_ENV = z.object({
  SMS_ATTEMPT_TIMEOUT_MS: milliseconds(DEFAULT_DELIVERY_POLICY.attemptTimeoutMs, { positive: true }),
  SMS_SAFETY_MARGIN_MS: milliseconds(DEFAULT_DELIVERY_POLICY.safetyMarginMs),
  SMS_MAX_RETRIES: z._default(
    integer('must be a whole number', z.gte(0, 'must be 0 or more'), z.lte(10, 'must be 10 at most: a user is waiting')),
    DEFAULT_DELIVERY_POLICY.maxRetries,
  ),
  SMS_RETRY_BASE_DELAY_MS: milliseconds(DEFAULT_DELIVERY_POLICY.retryBaseDelayMs),
  SMS_RETRY_MAX_DELAY_MS: milliseconds(DEFAULT_DELIVERY_POLICY.retryMaxDelayMs),
  SMS_ON_AMBIGUOUS_ERROR: z._default(
    z.enum(['failover', 'retry', 'stop'], { error: 'must be failover, retry or stop' }),
    DEFAULT_DELIVERY_POLICY.onAmbiguousError,
  ),
});

/**
 * Reads the delivery policy: attempt timeout, safety margin, retries and their backoff, and what
 * to do after an ambiguous error (SMS_ON_AMBIGUOUS_ERROR). Unset variables take core's defaults.
 *
 * @returns the policy, or undefined when a variable is invalid (the reasons are in `issues`).
 * @example `const delivery = parseDelivery({ SMS_MAX_RETRIES: '1' }, issues)`
 */
export function parseDelivery(env: Environment, issues: ConfigIssue[]): DeliveryPolicy | undefined {
  const data = parseEnv(DELIVERY_ENV, env, issues);
  return (
    data && {
      attemptTimeoutMs: data.SMS_ATTEMPT_TIMEOUT_MS,
      safetyMarginMs: data.SMS_SAFETY_MARGIN_MS,
      maxRetries: data.SMS_MAX_RETRIES,
      retryBaseDelayMs: data.SMS_RETRY_BASE_DELAY_MS,
      retryMaxDelayMs: data.SMS_RETRY_MAX_DELAY_MS,
      onAmbiguousError: data.SMS_ON_AMBIGUOUS_ERROR as AmbiguousErrorPolicy,
    }
  );
}
