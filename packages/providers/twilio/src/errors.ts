import {
  ProviderError,
  parseRetryAfter,
  redactProviderText,
  type SmsMessage,
  socketErrorCode,
  type TransportErrorOptions,
  transportError,
} from '@cognito-sms/core/provider';

const PROVIDER = 'twilio';

/**
 * Twilio error codes with a fixed meaning for a send (Error and Warning Dictionary,
 * twilio.com/docs/api/errors). Codes not listed are classified by HTTP status: 429 and 5xx are
 * retryable, any other status is permanent.
 *
 * @example `TWILIO_ERROR_CODES[21610] // 'permanent': the recipient replied STOP`
 */
export const TWILIO_ERROR_CODES: Readonly<Record<number, 'throttled' | 'permanent'>> = {
  20003: 'permanent', // Authenticate: wrong account SID, auth token or API key
  20429: 'throttled', // Too Many Requests
  21211: 'permanent', // Invalid 'To' phone number
  21408: 'permanent', // Permission to send to this region not enabled (Messaging Geo Permissions)
  21606: 'permanent', // 'From' number is not a message-capable Twilio number for this destination
  21608: 'permanent', // 'To' number unverified: trial accounts send only to verified numbers
  21610: 'permanent', // Recipient unsubscribed (replied STOP)
  21614: 'permanent', // 'To' number is not a mobile number
};

/** What the SDK throws for a non-2xx answer: `RestException` or, for RFC 9457 bodies, `TwilioServiceException`. */
interface TwilioHttpError {
  readonly status: number;
  readonly code?: number;
  readonly message?: string;
  /** RFC 9457 bodies (TwilioServiceException) put the explanation here. */
  readonly detail?: string;
}

const isTwilioHttpError = (error: unknown): error is TwilioHttpError =>
  error instanceof Error && typeof (error as { status?: unknown }).status === 'number';

// How a send that got no HTTP answer is reported (`transportError` in core): a network failure
// keeps the socket code as its code (`ECONNREFUSED`, `ECONNRESET`).
const TRANSPORT: TransportErrorOptions = {
  networkCode: 'socket',
  wording: {
    timeout: 'no answer from Twilio before the attempt was aborted',
    network: (code) => `network error before Twilio answered (${code})`,
  },
};

/**
 * Turns anything a send threw into a {@link ProviderError}. Twilio's code and message are kept,
 * with phone numbers masked and anything taken from the SMS text removed.
 *
 * @example
 * ```ts
 * catch (error) { throw toProviderError(error, { message, signal }) }
 * ```
 */
export function toProviderError(
  error: unknown,
  context: { readonly message: SmsMessage; readonly signal: AbortSignal; readonly retryAfter?: string | undefined },
): ProviderError {
  // An aborted attempt may have reached Twilio: retryable, but not proof that nothing was sent.
  if (context.signal.aborted) return transportError(PROVIDER, error, { ...TRANSPORT, signal: context.signal });
  if (isTwilioHttpError(error)) return fromHttpError(error, context.message, context.retryAfter);
  if (error instanceof SyntaxError) {
    // A 2xx whose body is not JSON: Twilio may well have queued the message, so no retry.
    return new ProviderError({ provider: PROVIDER, code: 'InvalidResponse', message: 'Twilio answered with a body that is not JSON', retryable: false });
  }
  // Retryable; `notAccepted` only when no connection was made.
  if (socketErrorCode(error) !== undefined) return transportError(PROVIDER, error, TRANSPORT);
  return new ProviderError({
    provider: PROVIDER,
    code: 'UnexpectedError',
    message: `the send failed unexpectedly (${error instanceof Error ? error.name : typeof error})`,
    retryable: false,
    cause: error,
  });
}

function fromHttpError(error: TwilioHttpError, message: SmsMessage, retryAfter: string | undefined): ProviderError {
  const { status, code } = error;
  const known = code === undefined ? undefined : TWILIO_ERROR_CODES[code];
  const throttled = known === 'throttled' || (known === undefined && status === 429);
  const retryable = throttled || (known === undefined && status >= 500);
  // Twilio's messages quote numbers in full ("The 'To' number +4477… is not a valid phone number.").
  const text = redactProviderText(error.detail ?? error.message ?? '', message) || `HTTP ${status}`;
  const retryAfterMs = retryable ? parseRetryAfter(retryAfter) : undefined;
  const reference = code === undefined ? `HTTP ${status}` : `error ${code}, HTTP ${status}, https://www.twilio.com/docs/errors/${code}`;
  return new ProviderError({
    provider: PROVIDER,
    code: code === undefined ? `HTTP_${status}` : String(code),
    message: `${text} (${reference})`,
    retryable,
    status,
    // Twilio creates a Message only when it answers 2xx: a 4xx proves nothing was queued. A 5xx
    // is ambiguous. The raw SDK error is not kept as `cause`: its message quotes the full number.
    notAccepted: status >= 400 && status < 500,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}
