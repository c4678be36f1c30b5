import { CognitoSmsError, isProviderError, ProviderError } from './errors.js';
import { maskPhoneNumber } from './phone.js';
import type { Logger, SendReceipt, SmsMessage, SmsProvider } from './provider.js';
import { scrubSecret, secretForms } from './scrub-secret.js';
import type { Secret } from './secret.js';

/**
 * What to do after an ambiguous failure: the provider may have accepted the message (a
 * timeout after the request was sent, a 5xx, a reset connection), so sending again risks a
 * second SMS with the same code.
 *
 * - `failover` (default): move on to the next provider of the chain at once, but do not retry
 *   the same one. A duplicate code is the lesser harm for a person waiting to sign in.
 * - `retry`: also retry the same provider (up to `maxRetries`) before failing over.
 * - `stop`: never send again after an ambiguous failure; the invocation fails. At most one SMS
 *   per code, at the price of users who get none when a provider stalls.
 */
export type AmbiguousErrorPolicy = 'failover' | 'retry' | 'stop';

/** How a message is handed to a chain of providers. */
export interface DeliveryPolicy {
  /** Longest a single provider attempt may take. Default 4000 ms: a user is waiting. */
  readonly attemptTimeoutMs: number;
  /** Time kept back from the Lambda's remaining time so the handler can fail cleanly. Default 500 ms. */
  readonly safetyMarginMs: number;
  /**
   * Retries on the same provider when it proves it did not take the message (429/throttled,
   * connection refused: `notAccepted`), before failing over. Default 2.
   */
  readonly maxRetries: number;
  /** First backoff step; doubles each retry, with full jitter. Default 100 ms. */
  readonly retryBaseDelayMs: number;
  /**
   * Longest wait before a retry, whether computed or asked for by `Retry-After`. A provider that
   * asks for longer is not retried: the send fails over instead. Default 1000 ms.
   */
  readonly retryMaxDelayMs: number;
  /** See {@link AmbiguousErrorPolicy}. Default `failover`. */
  readonly onAmbiguousError: AmbiguousErrorPolicy;
}

/**
 * The defaults reach the second provider of a chain within about 4.5 s in the worst case (a
 * first provider that never answers), and within a few hundred ms when it throttles.
 */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  attemptTimeoutMs: 4000,
  safetyMarginMs: 500,
  maxRetries: 2,
  retryBaseDelayMs: 100,
  retryMaxDelayMs: 1000,
  onAmbiguousError: 'failover',
};

/** The whole send ran out of time before any provider accepted the message. */
export class DeliveryTimeoutError extends CognitoSmsError {
  override name = 'DeliveryTimeoutError' as const;
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('DeliveryTimeout', message, { retryable: true, ...options });
  }
}

/** Time as the policy sees it; tests hand in a fake one. */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** A signal that aborts with a `TimeoutError` after `ms`. */
  timeout(ms: number): AbortSignal;
}

/** The real clock: `performance.now()`, timers, `AbortSignal.timeout`. */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  timeout: (ms) => AbortSignal.timeout(ms),
};

/** What happened to one attempt, and what the policy did next. */
export type AttemptDecision = 'retry' | 'failover' | 'stop';

/** Something the policy did, for metrics. Holds no secret and no phone number. */
export type DeliveryEvent =
  | {
      readonly type: 'attempt';
      readonly provider: string;
      readonly attempt: number;
      readonly outcome: 'sent' | 'failed';
      readonly durationMs: number;
      readonly errorCode?: string;
      readonly next?: AttemptDecision;
    }
  | { readonly type: 'sent'; readonly provider: string; readonly attempts: number; readonly durationMs: number; readonly segments?: number }
  | { readonly type: 'failed'; readonly provider?: string; readonly errorCode: string; readonly durationMs: number };

export interface DeliverOptions {
  readonly policy: DeliveryPolicy;
  /** Milliseconds left before the Lambda is stopped (`context.getRemainingTimeInMillis()`). */
  readonly remainingTimeMs: () => number;
  readonly logger: Logger;
  /** The sender id / origination number to use with a provider, when configured for the destination. */
  readonly senderFor?: (providerId: string) => string | undefined;
  /** Where a provider should post the message's delivery status, when receipts are on. */
  readonly statusCallbackFor?: (providerId: string) => string | undefined;
  /** Told about every attempt and the outcome. */
  readonly onEvent?: (event: DeliveryEvent) => void;
  /** Extra fields for each attempt's log line (e.g. the destination country). */
  readonly logFields?: Readonly<Record<string, unknown>>;
  /**
   * The code or temporary password the message carries. Every error a provider throws is
   * scrubbed of it (as is, URL-encoded, HTML- and JSON-escaped: message, fields, cause chain)
   * before it is logged, counted or rethrown, whatever the adapter's own redaction missed.
   */
  readonly secret?: Secret;
  readonly clock?: Clock;
  /** Source of jitter in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
}

/**
 * Sends through the first provider of the chain, retrying and failing over by the policy:
 *
 * - a permanent failure (invalid number, opted out, bad credentials) stops at once: another
 *   provider would refuse it too, or the operator must act;
 * - a failure that proves the provider did not take the message (`notAccepted`: 429,
 *   connection refused) is retried on the same provider, up to `maxRetries`, after an
 *   exponential backoff with full jitter or the provider's `Retry-After` (capped), then fails over;
 * - an ambiguous failure (timeout, 5xx) follows `onAmbiguousError`;
 * - every attempt gets its own `AbortSignal`, bounded by the attempt timeout and by the Lambda's
 *   remaining time minus the safety margin, so the whole send ends before the Lambda is stopped.
 *
 * Logs one line per attempt (provider, attempt, masked number, outcome, decision, duration).
 * A provider's error is scrubbed of `secret` before anything reads it.
 *
 * @throws {ProviderError} the last provider's error.
 * @throws {DeliveryTimeoutError} when no time is left for another attempt.
 * @example `await deliver([twilio, sns], message, { policy: DEFAULT_DELIVERY_POLICY, remainingTimeMs: () => context.getRemainingTimeInMillis(), logger })`
 */
export async function deliver(providers: readonly SmsProvider[], message: SmsMessage, options: DeliverOptions): Promise<SendReceipt> {
  const { policy, logger } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const emit = options.onEvent ?? (() => {});
  const to = maskPhoneNumber(message.to);
  const started = clock.now();
  const budgetLeft = () => options.remainingTimeMs() - policy.safetyMarginMs;
  let attempt = 0;
  let lastError: ProviderError | undefined;
  const secretTexts = options.secret ? secretForms(options.secret.reveal()) : [];

  const failure = <E extends CognitoSmsError>(error: E, provider?: string): E => {
    emit({ type: 'failed', errorCode: error.code, durationMs: Math.round(clock.now() - started), ...(provider ? { provider } : {}) });
    return error;
  };

  if (providers.length === 0) throw new TypeError('deliver needs at least one provider');
  for (const [index, provider] of providers.entries()) {
    const next = providers[index + 1];
    const sender = options.senderFor?.(provider.id);
    const statusCallbackUrl = options.statusCallbackFor?.(provider.id);
    const outgoing: SmsMessage =
      sender === undefined && statusCallbackUrl === undefined
        ? message
        : { ...message, ...(sender === undefined ? {} : { sender }), ...(statusCallbackUrl === undefined ? {} : { statusCallbackUrl }) };
    for (let retries = 0; ; retries++) {
      const budgetMs = Math.min(policy.attemptTimeoutMs, budgetLeft());
      if (budgetMs <= 0) {
        throw failure(
          new DeliveryTimeoutError(
            `no time left to try ${provider.id} (Lambda remaining time minus the ${policy.safetyMarginMs} ms margin)`,
            { cause: lastError },
          ),
          lastError?.provider,
        );
      }
      attempt += 1;
      const attemptStarted = clock.now();
      try {
        const receipt = await provider.send(outgoing, { signal: clock.timeout(budgetMs) });
        const durationMs = Math.round(clock.now() - attemptStarted);
        logger.info('SMS sent', {
          ...options.logFields,
          provider: provider.id,
          attempt,
          trigger: message.trigger,
          to,
          messageId: receipt.messageId,
          segments: receipt.segments ?? message.segments,
          encoding: message.encoding,
          sender,
          durationMs,
        });
        emit({ type: 'attempt', provider: provider.id, attempt, outcome: 'sent', durationMs });
        const segments = receipt.segments ?? message.segments;
        emit({
          type: 'sent',
          provider: provider.id,
          attempts: attempt,
          durationMs: Math.round(clock.now() - started),
          ...(segments === undefined ? {} : { segments }),
        });
        return receipt;
      } catch (thrown) {
        const error = scrubSecret(asProviderError(provider.id, thrown), secretTexts);
        lastError = error;
        const durationMs = Math.round(clock.now() - attemptStarted);
        const decision = decide(error, { retries, hasNext: next !== undefined, policy, random, budgetLeft });
        logger.warn('SMS attempt failed', {
          ...options.logFields,
          provider: provider.id,
          attempt,
          trigger: message.trigger,
          to,
          errorCode: error.code,
          retryable: error.retryable,
          ambiguous: isAmbiguous(error),
          status: error.status,
          error: error.message,
          durationMs,
          next: decision.next,
          ...(decision.next === 'retry' ? { delayMs: decision.delayMs } : {}),
          ...(decision.next === 'failover' ? { nextProvider: next?.id } : {}),
          ...(decision.reason ? { reason: decision.reason } : {}),
        });
        emit({
          type: 'attempt',
          provider: provider.id,
          attempt,
          outcome: 'failed',
          durationMs,
          errorCode: error.code,
          next: decision.next,
        });
        if (decision.next === 'stop') throw failure(error, provider.id);
        if (decision.next === 'failover') break;
        await clock.sleep(decision.delayMs);
      }
    }
  }
  // Only reached when the last provider failed over to nothing, which decide() never chooses.
  throw failure(lastError ?? new DeliveryTimeoutError('no provider accepted the message'));
}

/** A retryable error that does not prove the provider left the message alone. */
const isAmbiguous = (error: ProviderError): boolean => error.retryable && !error.notAccepted;

type Decision =
  | { next: 'retry'; delayMs: number; reason?: string }
  | { next: 'failover'; reason?: string }
  | { next: 'stop'; reason?: string };

function decide(
  error: ProviderError,
  state: {
    retries: number;
    hasNext: boolean;
    policy: DeliveryPolicy;
    random: () => number;
    budgetLeft: () => number;
  },
): Decision {
  const { policy } = state;
  if (!error.retryable) return { next: 'stop', reason: 'permanent error' };
  const ambiguous = isAmbiguous(error);
  if (ambiguous && policy.onAmbiguousError === 'stop') return { next: 'stop', reason: 'ambiguous error, SMS_ON_AMBIGUOUS_ERROR=stop' };
  const mayRetry = !ambiguous || policy.onAmbiguousError === 'retry';
  const moveOn = (reason: string): Decision => (state.hasNext ? { next: 'failover', reason } : { next: 'stop', reason });
  if (!mayRetry) return moveOn('ambiguous error: not retried on the same provider');
  if (state.retries >= policy.maxRetries) return moveOn(`${policy.maxRetries} retries used`);
  let delayMs: number;
  if (error.retryAfterMs !== undefined) {
    // Honoured, never shortened: a provider that asks for more than the cap is left alone.
    if (error.retryAfterMs > policy.retryMaxDelayMs) {
      return moveOn(`Retry-After ${error.retryAfterMs} ms exceeds the ${policy.retryMaxDelayMs} ms cap`);
    }
    delayMs = Math.ceil(error.retryAfterMs);
  } else {
    const ceiling = Math.min(policy.retryMaxDelayMs, policy.retryBaseDelayMs * 2 ** state.retries);
    delayMs = Math.round(state.random() * ceiling);
  }
  if (state.budgetLeft() - delayMs <= 0) return moveOn('no time left to wait for a retry');
  return { next: 'retry', delayMs };
}

/** An adapter that throws something other than a ProviderError is still classified. */
function asProviderError(provider: string, error: unknown): ProviderError {
  if (isProviderError(error)) return error;
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    // The request may have reached the provider: ambiguous.
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

/**
 * Reads an HTTP `Retry-After` header (seconds or an HTTP date) as milliseconds, for
 * `ProviderError.retryAfterMs`. Undefined when absent or unreadable.
 *
 * @example `parseRetryAfter(response.headers.get('retry-after')) // 2000 for "2"`
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
