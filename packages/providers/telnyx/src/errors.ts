import {
  apiTransportWording,
  invalidResponseError,
  ProviderError,
  parseRetryAfter,
  type SmsMessage,
  scrubProviderText,
  transportError,
} from '@cognito-sms/core/provider';

/** How the adapter treats one Telnyx error code. */
export interface TelnyxCodeClass {
  /** Telnyx's title for the code. */
  readonly title: string;
  readonly retryable: boolean;
  /** Telnyx certainly did not take the message, so a retry cannot send a second SMS. */
  readonly notAccepted: boolean;
}

const permanent = (title: string): TelnyxCodeClass => ({ title, retryable: false, notAccepted: true });

/**
 * Telnyx error codes (`errors[].code`, a string) and their classes. Titles are Telnyx's, from
 * "API error codes" (https://developers.telnyx.com/development/api-fundamentals/api-errors) for
 * 1xxxx and 2xxxx, and "Messaging Error Code Reference"
 * (https://developers.telnyx.com/docs/messaging/messages/error-codes) with the support article
 * "Telnyx Messaging Error Codes" (https://support.telnyx.com/en/articles/6505121) for 4xxxx.
 *
 * Only throttling, time-outs, internal errors, a full queue and an unavailable recipient server
 * are retryable; everything else needs the operator (credentials, account, sender, profile) or
 * can never succeed for this destination (invalid number, opted out with STOP, blocked region).
 * Codes 40001–40018 are delivery errors, normally reported by webhook after `POST /messages`
 * succeeded; they are listed so that a synchronous answer carrying one is still classified.
 */
export const TELNYX_ERROR_CODES: Readonly<Record<string, TelnyxCodeClass>> = Object.freeze({
  // Request errors (1xxxx).
  '10001': permanent('Inactive phone number'),
  '10002': permanent('Invalid phone number'),
  '10003': permanent('Invalid URL'),
  '10004': permanent('Missing required parameter'),
  '10005': permanent('Resource not found'),
  '10006': permanent('Invalid ID'),
  // May come after Telnyx took the message: retryable, not proven unsent.
  '10007': { title: 'Unexpected error', retryable: true, notAccepted: false },
  '10008': { title: 'Request timeout', retryable: true, notAccepted: false },
  '10009': permanent('Authentication failed'),
  '10010': permanent('Authorization failed'),
  '10011': { title: 'Too many requests', retryable: true, notAccepted: true },
  '10015': permanent('Bad Request'),
  '10016': permanent('Phone number must be in +E.164 format'),
  '10017': permanent('Associated resource does not exist'),
  // Account errors (2xxxx).
  '20002': permanent('API Key revoked'),
  '20006': permanent('Expired access token'),
  '20012': permanent('Account inactive'),
  '20013': permanent('Account blocked'),
  '20014': permanent('Account unverified'),
  '20015': permanent('Feature not enabled'),
  '20016': permanent('Account not Level 1 verified'),
  '20017': permanent('Account not Level 2 verified'),
  '20100': permanent('Insufficient funds'),
  // Delivery errors (4000x–4001x), normally asynchronous.
  '40001': permanent('Not routable'),
  '40002': permanent('Blocked as spam - temporary'),
  '40003': permanent('Blocked as spam - permanent'),
  '40004': permanent('Rejected by destination'),
  '40005': permanent('Message expired during transmission'),
  '40006': { title: 'Recipient server unavailable', retryable: true, notAccepted: false },
  '40008': permanent('Undeliverable'),
  '40009': permanent('Invalid message body'),
  '40010': permanent('Unregistered 10DLC message'),
  '40011': { title: 'Too many requests (upstream rate limit exceeded)', retryable: true, notAccepted: false },
  '40012': permanent('Invalid messaging destination number'),
  '40013': permanent('Invalid messaging source number'),
  '40014': permanent('Message expired in queue'),
  '40015': permanent('Blocked as spam - internal'),
  '40016': permanent('T-Mobile 10DLC sending limit reached'),
  '40017': permanent('AT&T 10DLC spam message rejected'),
  '40018': permanent('AT&T 10DLC sending limit reached'),
  // Messaging request and configuration errors (401xx, 403xx), answered to the send request.
  '40100': permanent('Number not messaging enabled'),
  '40150': permanent('Toll-free number not in voice registry'),
  '40151': permanent('Message enablement pending with other provider'),
  '40300': permanent('Blocked due to STOP message'),
  '40301': permanent("Unsupported message type for the 'to' address"),
  '40302': permanent('Message too large'),
  '40304': permanent('Invalid combination of message content arguments'),
  '40305': permanent("Invalid 'from' address"),
  '40306': permanent('Alpha sender not configured'),
  '40308': permanent("Invalid 'from' address for MMS"),
  '40309': permanent('Invalid destination region (not whitelisted)'),
  '40310': permanent("Invalid 'to' address"),
  '40311': permanent('Invalid messaging profile secret'),
  '40312': permanent('Messaging profile is disabled'),
  '40313': permanent('Missing messaging profile secret'),
  '40314': permanent('Messaging disabled on account'),
  '40315': permanent("Unhealthy 'from' address"),
  '40316': permanent('No content provided for message'),
  '40317': permanent('Invalid MMS content'),
  '40318': { title: 'Message queue full', retryable: true, notAccepted: true },
  '40319': permanent("Incompatible message type for the 'to' address"),
  '40320': permanent("Temporarily unusable 'from' address"),
  '40321': permanent('No usable numbers on messaging profile'),
  '40322': permanent('Blocked due to content'),
  '40328': permanent('SMS exceeds recommended size'),
  '40329': permanent('Toll-free number not yet verified'),
});

/** One entry of a Telnyx `errors` array. */
interface TelnyxErrorObject {
  readonly code?: unknown;
  readonly title?: unknown;
  readonly detail?: unknown;
  readonly source?: { readonly pointer?: unknown; readonly parameter?: unknown };
}

/** Values that must never reach an error message: the text (it holds the code) and the number. */
export type Scrub = Pick<SmsMessage, 'body' | 'to'>;

/**
 * Text from a Telnyx answer, made safe to log: the message text and the destination (with and
 * without `+`) are removed, as is any run of five or more digits, and the length is capped at
 * 120 (`scrubProviderText` in core).
 *
 * @example `scrubText('+447700900461 is not a valid number', scrub) // '[redacted] is not a valid number'`
 */
export function scrubText(text: unknown, scrub: Scrub): string | undefined {
  return scrubProviderText(text, scrub, 120);
}

/** The first `errors[]` entry of a body (Telnyx lists the cause first). */
export function firstTelnyxError(body: unknown): TelnyxErrorObject | undefined {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return undefined;
  const first: unknown = errors.find((entry) => typeof entry === 'object' && entry !== null);
  return first as TelnyxErrorObject | undefined;
}

/**
 * Turns an HTTP answer that is not a success into a classified ProviderError: by the Telnyx code
 * when the adapter knows it, otherwise by status (429 and 5xx retryable, any other permanent).
 * The message names the code, Telnyx's title and the offending field (`source.pointer`); it never
 * holds Telnyx's `detail`, which may echo the number.
 *
 * @example `throw telnyxHttpError(400, { errors: [{ code: '40310', title: "Invalid 'to' address" }] }, null, scrub)`
 */
export function telnyxHttpError(status: number, body: unknown, retryAfter: string | null, scrub: Scrub): ProviderError {
  const error = firstTelnyxError(body);
  const rawCode = error?.code;
  const telnyxCode = typeof rawCode === 'string' || typeof rawCode === 'number' ? String(rawCode) : undefined;
  const known = telnyxCode === undefined ? undefined : TELNYX_ERROR_CODES[telnyxCode];
  const byStatus = status === 429 || status >= 500;
  const retryable = known?.retryable ?? byStatus;
  const notAccepted = known?.notAccepted ?? (status === 429 || (status >= 400 && status < 500));
  const title = known?.title ?? scrubText(error?.title, scrub);
  const pointer = scrubText(error?.source?.pointer ?? error?.source?.parameter, scrub);
  const what = telnyxCode === undefined ? '' : `, error ${telnyxCode}${title ? ` (${title})` : ''}`;
  const field = pointer ? ` at ${pointer}` : '';
  const retryAfterMs = retryable ? parseRetryAfter(retryAfter) : undefined;
  return new ProviderError({
    provider: 'telnyx',
    code: telnyxCode ?? `HTTP_${status}`,
    message: `the Messaging API answered HTTP ${status}${what}${field}${hint(telnyxCode, status)}`,
    retryable,
    status,
    notAccepted,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** What the operator should check, for the answers only configuration can fix. */
function hint(code: string | undefined, status: number): string {
  if (code === '10009' || code === '20002' || code === '20006' || (code === undefined && status === 401)) return ': check TELNYX_API_KEY';
  if (code === '40305' || code === '40306' || code === '40321') return ': check TELNYX_FROM and TELNYX_MESSAGING_PROFILE_ID';
  if (code === '10005' || (code === undefined && status === 404)) return ': check TELNYX_BASE_URL';
  return '';
}

/** A 2xx answer without `data.id`: the message may have been taken, so not retryable. */
export function telnyxInvalidResponseError(status: number, detail: string): ProviderError {
  return invalidResponseError('telnyx', `unexpected answer from the Messaging API (HTTP ${status}, ${detail})`, status);
}

const WORDING = apiTransportWording('Messaging API');

/**
 * A request that got no answer: refused, reset, DNS. Always retryable; `notAccepted` only when
 * no connection was made. Keeps only the cause's name and socket code.
 */
export function telnyxNetworkError(cause: unknown): ProviderError {
  return transportError('telnyx', cause, { wording: WORDING });
}

/** The attempt's AbortSignal fired. `sent`: the request may have left, so it is ambiguous. */
export function telnyxTimeoutError(cause: unknown, sent: boolean): ProviderError {
  return transportError('telnyx', cause, { timedOut: true, sentNothing: !sent, wording: WORDING });
}
