import { ProviderError } from '@cognito-sms/core/provider';

// TODO(infobip): the provider's documented error codes. Retryable: the provider did not accept
// the message and may later (throttled, internal error). Permanent: the same request fails
// again (invalid number, opted out, blocked destination, bad credentials).
const RETRYABLE_CODES: ReadonlySet<string> = new Set(['throttled', 'internal_error']);
const PERMANENT_CODES: ReadonlySet<string> = new Set(['invalid_number', 'opted_out', 'unauthorized']);

/**
 * Turns an HTTP answer that is not a success into a classified ProviderError. Never copies
 * the request body (it holds the code) into the message.
 *
 * @example `throw classifyInfobipResponse(429, { error: { code: 'throttled' } })`
 */
export function classifyInfobipResponse(status: number, body: unknown): ProviderError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `HTTP${status}`;
  const text = typeof error?.message === 'string' ? error.message : `HTTP ${status}`;
  const retryable = RETRYABLE_CODES.has(code) || (!PERMANENT_CODES.has(code) && (status === 429 || status >= 500));
  return new ProviderError({ provider: 'infobip', code, message: text, status, retryable, notAccepted: status === 429 });
}

/** A request that never got an answer: refused, reset or timed out. All are retryable. */
export function infobipNetworkError(cause: unknown): ProviderError {
  const name = cause instanceof Error ? cause.name : '';
  const timedOut = name === 'TimeoutError' || name === 'AbortError';
  return new ProviderError({
    provider: 'infobip',
    code: timedOut ? 'Timeout' : 'NetworkError',
    message: timedOut ? 'no answer before the deadline' : 'the API could not be reached',
    retryable: true,
    cause,
  });
}
