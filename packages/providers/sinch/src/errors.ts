import { invalidResponseError, ProviderError, type Redact, transportError } from '@cognito-sms/core/provider';

/** How one documented Sinch SMS REST error `code` is treated. */
export interface SinchCodeClass {
  /** HTTP status Sinch answers the code with. */
  readonly status: number;
  /** Sinch's meaning of the code. */
  readonly meaning: string;
  readonly retryable: boolean;
}

/**
 * The `code` values of Sinch's error body `{ code, text }` (sent with 400 and 403), from the SMS
 * REST API reference ("HTTP Status Codes": developers.sinch.com/docs/sms/api-reference/status-codes,
 * and the SDKs' `ApiError.Code`) and Sinch's "Common SMS HTTP Statuses and Codes Explained"
 * (community.sinch.com, article 14163). None is retryable: each describes a request that fails
 * the same way again.
 */
export const SINCH_ERROR_CODES: Readonly<Record<string, SinchCodeClass>> = Object.freeze({
  syntax_invalid_json: { status: 400, meaning: 'the JSON of the request is invalid', retryable: false },
  syntax_invalid_parameter_format: {
    status: 400,
    meaning: 'a field has an invalid format, e.g. a badly formatted phone number',
    retryable: false,
  },
  syntax_constraint_violation: {
    status: 400,
    meaning: 'the request breaks a constraint of the API, e.g. a required field is missing',
    retryable: false,
  },
  unknown_group: { status: 403, meaning: 'a referenced group id is unknown', retryable: false },
  unknown_campaign: { status: 403, meaning: 'the campaign id does not match the sender', retryable: false },
  missing_callback_url: { status: 403, meaning: 'a callback was requested but no URL is configured', retryable: false },
  blocked_account: { status: 403, meaning: 'the Sinch account is blocked', retryable: false },
  illegal_number_type: { status: 403, meaning: 'the destination number type is not allowed for this region', retryable: false },
});

/** How an HTTP status without a known `code` is treated (the reference's status table). */
interface StatusClass {
  readonly meaning: string;
  readonly retryable: boolean;
  /** Sinch cannot have processed the request, so trying again cannot duplicate the SMS. */
  readonly notAccepted: boolean;
}

const STATUSES: Readonly<Record<number, StatusClass>> = {
  400: { meaning: 'the request does not conform to the API', retryable: false, notAccepted: false },
  401: { meaning: 'the API token is invalid for this service plan', retryable: false, notAccepted: false },
  403: { meaning: 'the request is valid but cannot be performed', retryable: false, notAccepted: false },
  404: { meaning: 'the path is invalid: check SINCH_SERVICE_PLAN_ID and the base URL', retryable: false, notAccepted: false },
  405: { meaning: 'the path does not accept this method', retryable: false, notAccepted: false },
  415: { meaning: 'the Content-Type is missing or unsupported', retryable: false, notAccepted: false },
  429: { meaning: 'too many outstanding requests (rate limited)', retryable: true, notAccepted: true },
  // "An unexpected internal error occurred and the request was not processed."
  500: { meaning: 'internal error; the request was not processed', retryable: true, notAccepted: true },
  // "The service is unable to perform the request at this point."
  503: { meaning: 'service unavailable; the request was not performed', retryable: true, notAccepted: true },
};

/** Sinch's error bodies: `{ code, text }` (400, 403), or the gateway's `{ error: { code, message, status } }`. */
interface SinchErrorBody {
  readonly code?: unknown;
  readonly text?: unknown;
  readonly error?: { readonly code?: unknown; readonly message?: unknown; readonly status?: unknown };
}

/**
 * Turns an HTTP answer other than 2xx into a classified {@link ProviderError}: the code is Sinch's
 * `code` (or the gateway's `error.status`, else `HTTP_<status>`), the message Sinch's `text`,
 * redacted. A known code decides the class; otherwise the status does (429 and 5xx retryable,
 * other 4xx permanent).
 *
 * @example `throw classifySinchResponse(400, { code: 'syntax_invalid_parameter_format', text: 'Invalid MSISDN' }, redact)`
 */
export function classifySinchResponse(status: number, body: unknown, redact: Redact, retryAfterMs?: number): ProviderError {
  const parsed = (typeof body === 'object' && body !== null ? body : {}) as SinchErrorBody;
  const code =
    typeof parsed.code === 'string' && parsed.code !== ''
      ? parsed.code
      : typeof parsed.error?.status === 'string' && parsed.error.status !== ''
        ? parsed.error.status
        : `HTTP_${status}`;
  const text = typeof parsed.text === 'string' ? parsed.text : typeof parsed.error?.message === 'string' ? parsed.error.message : '';
  const known = SINCH_ERROR_CODES[code];
  const byStatus: StatusClass = STATUSES[status] ?? {
    meaning: status >= 500 ? 'server error' : 'client error',
    retryable: status >= 500,
    notAccepted: false,
  };
  // 429 proves the message was not taken, whatever the body says.
  const retryable = status === 429 || (known ? known.retryable : byStatus.retryable);
  const meaning = known?.meaning ?? byStatus.meaning;
  const detail = text === '' ? '' : `: ${redact(text)}`;
  return new ProviderError({
    provider: 'sinch',
    code,
    message: `Sinch answered HTTP ${status} ${code} (${meaning})${detail}`,
    status,
    retryable,
    notAccepted: byStatus.notAccepted,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/**
 * A 2xx answer that is not a batch with an `id`. Sinch may have queued the message, so it is not
 * retryable (a retry could send the code twice).
 *
 * @example `throw invalidSinchResponse(201, 'no batch id')`
 */
export function invalidSinchResponse(status: number, what: string): ProviderError {
  return invalidResponseError(
    'sinch',
    `Sinch answered HTTP ${status} without a usable batch (${what}); the message may have been queued`,
    status,
  );
}

/**
 * A request that got no HTTP answer: the signal fired (`Timeout`), or the connection failed.
 * All are retryable; only a refused/unresolvable connection or a signal that had fired before
 * the request left is `notAccepted`. The cause is kept only as its name and code: `fetch`
 * errors can carry the request. See `transportError` in core.
 *
 * @example `throw sinchTransportError(error, signal, false)`
 */
export function sinchTransportError(error: unknown, signal: AbortSignal, sentNothing: boolean): ProviderError {
  return transportError('sinch', error, { signal, sentNothing, providerName: 'Sinch' });
}
