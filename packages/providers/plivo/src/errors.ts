import {
  apiTransportWording,
  invalidResponseError,
  ProviderError,
  parseRetryAfter,
  type SmsMessage,
  scrubProviderText,
  transportError,
} from '@cognito-sms/core/provider';

/** How the adapter treats one kind of Plivo answer. */
export interface PlivoErrorClass {
  /** The adapter's stable code for it (Plivo's own name where the reference gives one). */
  readonly code: string;
  /** What it means, for the error message and the README. */
  readonly meaning: string;
  readonly retryable: boolean;
  /** Plivo certainly did not take the message, so a retry cannot send a second SMS. */
  readonly notAccepted: boolean;
}

/**
 * Plivo's Message API documents its errors by HTTP status, with a free-text `error` in a
 * `{ "api_id", "error" }` body ("Response" page of the Messaging API reference:
 * https://docs.plivo.com/docs/messaging/api/response). The names are Plivo's where it gives
 * one (`invalid_parameter`, `authentication_failed`, `not_found`, `rate_limit_exceeded`).
 * A 403 on `POST …/Message/` is Plivo's geo-permission block (the official SDK raises
 * `GeoPermissionError` for exactly that; https://plivo.com/docs/messaging/concepts/geo-permissions:
 * "Messages to countries not enabled … are blocked immediately at the API level").
 */
export const PLIVO_STATUS_CLASSES: Readonly<Record<number, PlivoErrorClass>> = Object.freeze({
  400: { code: 'invalid_parameter', meaning: 'a parameter is missing or invalid', retryable: false, notAccepted: true },
  401: {
    code: 'authentication_failed',
    meaning: 'invalid Auth ID or Auth Token: check PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN',
    retryable: false,
    notAccepted: true,
  },
  403: {
    code: 'geo_permission_denied',
    meaning: "the destination country is not enabled in the account's SMS geo permissions",
    retryable: false,
    notAccepted: true,
  },
  404: {
    code: 'not_found',
    meaning: 'no such account or endpoint: check PLIVO_AUTH_ID and PLIVO_BASE_URL',
    retryable: false,
    notAccepted: true,
  },
  405: { code: 'method_not_allowed', meaning: 'HTTP method not allowed: check PLIVO_BASE_URL', retryable: false, notAccepted: true },
  429: { code: 'rate_limit_exceeded', meaning: 'too many requests', retryable: true, notAccepted: true },
  // A 5xx may come after Plivo queued the message: retryable, but not proven unsent.
  500: { code: 'server_error', meaning: 'Plivo server error', retryable: true, notAccepted: false },
});

/**
 * A 4xx body's free-text `error` names the cause more precisely than the status; these are the
 * causes the reference and Plivo's support pages describe for sending ("'…' is not a valid phone
 * number.", "This caller ID is not allowed for outbound message", `InsufficientCredit`).
 */
const TEXT_CLASSES: readonly (readonly [RegExp, PlivoErrorClass])[] = [
  [
    /not a valid (phone )?number|invalid (destination|dst)|no valid destination|dst .*invalid/i,
    { code: 'invalid_number', meaning: 'the destination number is not valid', retryable: false, notAccepted: true },
  ],
  [
    /insufficient ?(credit|balance|fund)/i,
    { code: 'insufficient_credit', meaning: 'the Plivo account has not enough credit', retryable: false, notAccepted: true },
  ],
  [
    /caller ?id|\bsrc\b|sender|powerpack/i,
    {
      code: 'invalid_sender',
      meaning: 'the sender (src or powerpack_uuid) is not allowed: check PLIVO_FROM or PLIVO_POWERPACK_UUID',
      retryable: false,
      notAccepted: true,
    },
  ],
];

/** Values that must never reach an error message: the text (it holds the code) and the number. */
export type Scrub = Pick<SmsMessage, 'body' | 'to'>;

/**
 * Plivo's `error` text, made safe to log: the message text and the destination (with and
 * without `+`) are removed, as is any run of five or more digits (a number or a code echoed in
 * another form, e.g. "'447700900461' is not a valid phone number."), and the length is capped
 * at 160 (`scrubProviderText` in core).
 *
 * @example `scrubErrorText("'447700900461' is not a valid phone number.", scrub) // "'[redacted]' is not a valid phone number."`
 */
export function scrubErrorText(text: unknown, scrub: Scrub): string | undefined {
  return scrubProviderText(text, scrub);
}

/**
 * The class of an HTTP answer that is not a success: by the free-text cause for a 4xx when it
 * is one Plivo documents, else by status; an unknown 4xx is permanent and an unknown 5xx
 * retryable.
 */
export function classifyPlivoStatus(status: number, errorText: unknown): PlivoErrorClass {
  if (status >= 400 && status < 500 && status !== 401 && status !== 429 && typeof errorText === 'string') {
    for (const [pattern, known] of TEXT_CLASSES) if (pattern.test(errorText)) return known;
  }
  const known = PLIVO_STATUS_CLASSES[status];
  if (known) return known;
  if (status >= 500) return { code: `HTTP_${status}`, meaning: 'Plivo server error', retryable: true, notAccepted: false };
  return { code: `HTTP_${status}`, meaning: 'request rejected', retryable: false, notAccepted: status >= 400 && status < 500 };
}

/**
 * Turns an HTTP answer that is not a success into a classified ProviderError. The message holds
 * Plivo's cause with the text, the number and digit runs removed; never the request.
 *
 * @example `throw plivoHttpError(429, { api_id: '…', error: 'rate_limit_exceeded' }, null, scrub)`
 */
export function plivoHttpError(status: number, body: unknown, retryAfter: string | null, scrub: Scrub): ProviderError {
  const errorText = (body as { error?: unknown } | undefined)?.error;
  const known = classifyPlivoStatus(status, errorText);
  const said = scrubErrorText(errorText, scrub);
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(retryAfter) : undefined;
  return new ProviderError({
    provider: 'plivo',
    code: known.code,
    message: `the Message API answered HTTP ${status}, ${known.meaning}${said ? `: "${said}"` : ''}`,
    retryable: known.retryable,
    status,
    notAccepted: known.notAccepted,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/**
 * A 2xx answer in which Plivo queued nothing for the one destination: its `invalid_number`
 * list names it (bulk-messaging reference: "The list of invalid destination numbers is returned
 * in the invalid_number parameter").
 */
export function plivoInvalidNumberError(status: number): ProviderError {
  return new ProviderError({
    provider: 'plivo',
    code: 'invalid_number',
    message: `the Message API answered HTTP ${status} but queued nothing: the destination number is not valid`,
    retryable: false,
    status,
    notAccepted: true,
  });
}

/** A 2xx answer without a message UUID: the message may have been queued, so not retryable. */
export function plivoInvalidResponseError(status: number, detail: string): ProviderError {
  return invalidResponseError('plivo', `unexpected answer from the Message API (HTTP ${status}, ${detail})`, status);
}

const WORDING = apiTransportWording('Message API');

/**
 * A request that got no answer: refused, reset, DNS. Always retryable; `notAccepted` only when
 * no connection was made. Keeps only the cause's name and socket code.
 */
export function plivoNetworkError(cause: unknown): ProviderError {
  return transportError('plivo', cause, { wording: WORDING });
}

/** The attempt's AbortSignal fired. `sent`: the request may have left, so it is ambiguous. */
export function plivoTimeoutError(cause: unknown, sent: boolean): ProviderError {
  return transportError('plivo', cause, { timedOut: true, sentNothing: !sent, wording: WORDING });
}
