import {
  invalidResponseError as coreInvalidResponseError,
  ProviderError,
  parseRetryAfter,
  type Redact,
  transportError,
} from '@cognito-sms/core/provider';

const PROVIDER = 'messagebird';

/** One entry of MessageBird's `errors[]`: `{ code, description, parameter }`. */
export interface MessageBirdApiError {
  readonly code: number;
  readonly description: string;
  readonly parameter: string | null;
}

/** What a failed answer carried, kept as the ProviderError's `cause` (already redacted). */
export interface MessageBirdErrorDetail {
  readonly status: number;
  readonly errors: readonly MessageBirdApiError[];
}

/**
 * MessageBird's documented REST error codes (developers.messagebird.com/api, "Errors": the
 * `errors[].code` of an error body) and whether sending again could help. Everything but the
 * internal error says the request itself, the account or the key is wrong: the same request
 * fails again, through MessageBird or after a wait.
 */
export const MESSAGEBIRD_ERROR_CODES: Readonly<Record<number, { readonly meaning: string; readonly retryable: boolean }>> = {
  2: { meaning: 'request not allowed (incorrect access key)', retryable: false },
  9: { meaning: 'missing params', retryable: false },
  10: { meaning: 'invalid params', retryable: false },
  20: { meaning: 'not found', retryable: false },
  21: { meaning: 'bad request', retryable: false },
  25: { meaning: 'not enough balance', retryable: false },
  98: { meaning: 'API not found', retryable: false },
  99: { meaning: 'internal error', retryable: true },
};

/**
 * Turns a non-2xx answer into a ProviderError. The order is deliberate:
 * 1. HTTP 429: throttled, never processed → retryable and `notAccepted`, whatever the body says;
 * 2. documented `errors[].code` → the table above (the first error names the `code`; the
 *    answer is retryable only when every listed code is);
 * 3. no documented code → by status: 401 and other 4xx permanent, 5xx retryable.
 * A `Retry-After` header becomes `retryAfterMs` on retryable answers.
 *
 * @example `throw classifyErrorResponse(422, '{"errors":[{"code":10,…}]}', redact)`
 */
export function classifyErrorResponse(status: number, text: string, redact: Redact, retryAfter?: string | null): ProviderError {
  const errors = parseErrors(text, redact);
  const retryAfterMs = parseRetryAfter(retryAfter);
  const wait = retryAfterMs === undefined ? {} : { retryAfterMs };
  const first = errors[0];
  const detail: MessageBirdErrorDetail = { status, errors };
  const said = first ? `: ${describe(first)}` : '';

  if (status === 429) {
    return new ProviderError({
      provider: PROVIDER,
      code: first ? String(first.code) : 'HTTP_429',
      message: `throttled (HTTP 429)${said}`,
      retryable: true,
      notAccepted: true,
      status,
      ...wait,
      cause: detail,
    });
  }
  const known = errors.filter((error) => MESSAGEBIRD_ERROR_CODES[error.code] !== undefined);
  if (first && known.length === errors.length) {
    const retryable = errors.every((error) => MESSAGEBIRD_ERROR_CODES[error.code]?.retryable === true);
    return new ProviderError({
      provider: PROVIDER,
      code: String(first.code),
      message: `${MESSAGEBIRD_ERROR_CODES[first.code]?.meaning} (HTTP ${status})${said}`,
      retryable,
      status,
      ...(retryable ? wait : {}),
      cause: detail,
    });
  }
  const retryable = status >= 500;
  return new ProviderError({
    provider: PROVIDER,
    code: first ? String(first.code) : `HTTP_${status}`,
    message: `${status === 401 ? 'unauthorized' : retryable ? 'server error' : 'request rejected'} (HTTP ${status})${said}`,
    retryable,
    status,
    ...(retryable ? wait : {}),
    cause: detail,
  });
}

/** A 2xx answer this adapter cannot read: MessageBird may have sent the SMS, so never retried. */
export function invalidResponseError(status: number, why: string): ProviderError {
  return coreInvalidResponseError(PROVIDER, `HTTP ${status} answer could not be read (${why}); the SMS may have been sent`, status);
}

/**
 * The message was created but its only recipient is already `delivery_failed` or `expired`:
 * nothing went out, so another provider may try.
 */
export function recipientFailedError(status: number, recipientStatus: string, messageId: string): ProviderError {
  return new ProviderError({
    provider: PROVIDER,
    code: recipientStatus,
    message: `message ${messageId} was created but its recipient status is ${recipientStatus}`,
    retryable: true,
    status,
  });
}

/** The attempt's signal was aborted before anything was sent: a retry cannot duplicate it. */
export function noTimeLeftError(reason: unknown): ProviderError {
  return transportError(PROVIDER, reason, { timedOut: true, sentNothing: true });
}

/**
 * Classifies a failure of `fetch` itself or of reading the body: the signal running out (or an
 * `AbortError`/`TimeoutError`) is `Timeout`; anything else is a network error whose code is the
 * socket code (`ECONNREFUSED`, `UND_ERR_SOCKET`…) or `NetworkError`. All are retryable; only
 * failures before a connection existed are `notAccepted` (a reset after the request left may
 * follow a send). See `transportError` in core.
 *
 * @example `catch (error) { throw classifyTransportError(error, signal) }`
 */
export function classifyTransportError(error: unknown, signal: AbortSignal): ProviderError {
  return transportError(PROVIDER, error, {
    signal,
    timedOut: isAbort(error),
    networkCode: 'socket',
    wording: {
      timeout: 'no answer before the attempt timed out; the SMS may have been sent',
      network: (code) => `network error${code ? ` (${code})` : ''} talking to MessageBird`,
    },
  });
}

function isAbort(error: unknown): boolean {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  return name === 'AbortError' || name === 'TimeoutError';
}

function parseErrors(text: string, redact: Redact): MessageBirdApiError[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const list = (parsed as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry): MessageBirdApiError[] => {
    const { code, description, parameter } = (entry ?? {}) as Record<string, unknown>;
    const numeric = typeof code === 'number' ? code : typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : undefined;
    if (numeric === undefined) return [];
    return [
      {
        code: numeric,
        description: typeof description === 'string' ? redact(description).slice(0, 200) : '',
        parameter: typeof parameter === 'string' ? redact(parameter).slice(0, 60) : null,
      },
    ];
  });
}

function describe(error: MessageBirdApiError): string {
  const parts = [`code ${error.code}`, ...(error.parameter ? [`parameter ${error.parameter}`] : [])];
  return `${error.description || 'no description'} (${parts.join(', ')})`;
}
