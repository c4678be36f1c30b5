import { CognitoSmsError, ProviderError, isProviderError } from './errors.js';
import { maskPhoneNumber } from './phone.js';
import type { Logger, SendReceipt, SmsMessage, SmsProvider } from './provider.js';

/** How a message is handed to a chain of providers. */
export interface DeliveryPolicy {
  /** Longest a single provider attempt may take. Default 4000 ms: a user is waiting. */
  readonly attemptTimeoutMs: number;
  /** Time kept back from the Lambda's remaining time so the handler can fail cleanly. Default 500 ms. */
  readonly safetyMarginMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { attemptTimeoutMs: 4000, safetyMarginMs: 500 };

/** The whole send ran out of time before any provider accepted the message. */
export class DeliveryTimeoutError extends CognitoSmsError {
  override name = 'DeliveryTimeoutError' as const;
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('DeliveryTimeout', message, { retryable: true, ...options });
  }
}

export interface DeliverOptions {
  readonly policy: DeliveryPolicy;
  /** Milliseconds left before the Lambda is stopped (`context.getRemainingTimeInMillis()`). */
  readonly remainingTimeMs: () => number;
  readonly logger: Logger;
}

/**
 * Sends through the first provider of the chain; on a retryable failure moves to the next.
 * A permanent failure (invalid number, opted out, bad credentials) stops at once: another
 * provider would refuse it too, or the operator must act. Each attempt gets its own
 * `AbortSignal`, bounded by the attempt timeout and by the Lambda's remaining time.
 *
 * @throws {ProviderError} the last provider's error.
 * @throws {DeliveryTimeoutError} when no time is left for another attempt.
 * @example `await deliver([twilio, sns], message, { policy: DEFAULT_DELIVERY_POLICY, remainingTimeMs: () => context.getRemainingTimeInMillis(), logger })`
 */
export async function deliver(
  providers: readonly SmsProvider[],
  message: SmsMessage,
  options: DeliverOptions,
): Promise<SendReceipt> {
  const { policy, logger } = options;
  const to = maskPhoneNumber(message.to);
  let lastError: unknown;
  for (const [index, provider] of providers.entries()) {
    const budgetMs = Math.min(policy.attemptTimeoutMs, options.remainingTimeMs() - policy.safetyMarginMs);
    if (budgetMs <= 0) {
      throw new DeliveryTimeoutError(
        `no time left to try ${provider.id} (Lambda remaining time minus the ${policy.safetyMarginMs} ms margin)`,
        { cause: lastError },
      );
    }
    const started = performance.now();
    try {
      const receipt = await provider.send(message, { signal: AbortSignal.timeout(budgetMs) });
      logger.info('SMS sent', {
        provider: provider.id,
        attempt: index + 1,
        trigger: message.trigger,
        to,
        messageId: receipt.messageId,
        segments: receipt.segments,
        durationMs: Math.round(performance.now() - started),
      });
      return receipt;
    } catch (thrown) {
      const error = asProviderError(provider.id, thrown);
      lastError = error;
      const next = providers[index + 1];
      const failOver = error.retryable && next !== undefined;
      logger.warn('SMS attempt failed', {
        provider: provider.id,
        attempt: index + 1,
        trigger: message.trigger,
        to,
        errorCode: error.code,
        retryable: error.retryable,
        status: error.status,
        error: error.message,
        durationMs: Math.round(performance.now() - started),
        next: failOver ? next.id : undefined,
      });
      if (!failOver) throw error;
    }
  }
  throw lastError ?? new TypeError('deliver needs at least one provider');
}

/** An adapter that throws something other than a ProviderError is still classified. */
function asProviderError(provider: string, error: unknown): ProviderError {
  if (isProviderError(error)) return error;
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new ProviderError({ provider, code: 'Timeout', message: 'the attempt timed out', retryable: true, cause: error });
  }
  // Unknown failures are not retried: the provider may have accepted the message.
  return new ProviderError({
    provider,
    code: 'AdapterError',
    message: `the adapter failed unexpectedly (${name || typeof error})`,
    retryable: false,
    cause: error,
  });
}
