import { invalidResponseError, ProviderError, type Redact, transportError } from '@cognito-sms/core/provider';

/** How one Infobip message status of group 5 (REJECTED) is treated. */
export interface InfobipStatusClass {
  /** Infobip's status id. */
  readonly id: number;
  /** Infobip's meaning, shortened. */
  readonly meaning: string;
  readonly retryable: boolean;
}

/**
 * The REJECTED (group 5) statuses of Infobip's "Response status and error codes" reference
 * (infobip.com/docs/essentials/api-essentials/response-status-and-error-codes, general status
 * codes) that a send can answer inside HTTP 200. Infobip took nothing: only a system error and a
 * temporarily unavailable platform may pass on a later try; every other one describes the
 * number, the sender, the account or the message, and fails again.
 */
export const INFOBIP_REJECTED_STATUSES: Readonly<Record<string, InfobipStatusClass>> = Object.freeze({
  REJECTED_NETWORK: { id: 6, meaning: 'the destination network is not covered or not set up on the account', retryable: false },
  REJECTED_PREFIX_MISSING: { id: 8, meaning: 'the number prefix or length is not recognised', retryable: false },
  REJECTED_DND: { id: 10, meaning: 'the recipient subscribes to Do Not Disturb', retryable: false },
  REJECTED_SOURCE: { id: 11, meaning: 'the sender id is not registered on the account', retryable: false },
  REJECTED_NOT_ENOUGH_CREDITS: { id: 12, meaning: 'the account is out of credits', retryable: false },
  REJECTED_SENDER: { id: 13, meaning: 'the sender id is blocklisted on the account', retryable: false },
  REJECTED_DESTINATION_BLOCKLISTED: { id: 14, meaning: 'the destination is blocklisted', retryable: false },
  REJECTED_PREPAID_PACKAGE_EXPIRED: { id: 17, meaning: 'the account credits have expired', retryable: false },
  REJECTED_DESTINATION_NOT_REGISTERED: { id: 18, meaning: 'the account may only send to its registered test number', retryable: false },
  REJECTED_ROUTE_NOT_AVAILABLE: { id: 19, meaning: 'no route is set up on the account for this destination', retryable: false },
  REJECTED_FLOODING_FILTER: { id: 20, meaning: 'the anti-flooding limit of this number is reached', retryable: false },
  REJECTED_SYSTEM_ERROR: { id: 21, meaning: 'a system error; Infobip advises to retry', retryable: true },
  REJECTED_DUPLICATE_MESSAGE_ID: { id: 23, meaning: 'the message id is a duplicate', retryable: false },
  REJECTED_INVALID_UDH: { id: 24, meaning: 'the user data header is invalid', retryable: false },
  REJECTED_MESSAGE_TOO_LONG: { id: 25, meaning: 'the message is longer than 25 parts or 4000 bytes', retryable: false },
  MISSING_TO: { id: 51, meaning: 'the destination is missing', retryable: false },
  REJECTED_DESTINATION: { id: 52, meaning: 'the destination is not a valid number', retryable: false },
  SIGNALS_BLOCKED: { id: 87, meaning: 'blocked by the anti-fraud mechanism', retryable: false },
  UNDELIVERABLE_REJECTED_PLATFORM: {
    id: 100,
    meaning: 'the request is invalid or the service is temporarily unavailable',
    retryable: true,
  },
});

/** `serviceException.messageId` values Infobip answers the SMS API's HTTP errors with. */
const REQUEST_ERRORS: Readonly<Record<string, string>> = {
  BAD_REQUEST: 'the request is invalid',
  UNAUTHORIZED: 'the API key is invalid',
  FORBIDDEN: 'the API key may not send SMS',
  NOT_FOUND: 'the path is invalid: check INFOBIP_BASE_URL',
  TOO_MANY_REQUESTS: 'rate limited',
  GENERAL_ERROR: 'internal error',
};

/**
 * Infobip's error bodies: the SMS API's `{ requestError: { serviceException: { messageId, text,
 * validationErrors } } }`, or the newer platform shape `{ errorCode, description }`.
 */
interface InfobipErrorBody {
  readonly requestError?: {
    readonly serviceException?: { readonly messageId?: unknown; readonly text?: unknown; readonly validationErrors?: unknown };
  };
  readonly errorCode?: unknown;
  readonly description?: unknown;
}

/**
 * Turns an HTTP answer other than 2xx into a classified {@link ProviderError}: code from
 * `serviceException.messageId` (else `errorCode`, else `HTTP_<status>`), message from its `text`
 * and the names of the fields in `validationErrors`, redacted. 429 is retryable and not accepted,
 * 5xx retryable, any other status permanent.
 *
 * @example `throw classifyInfobipResponse(401, { requestError: { serviceException: { messageId: 'UNAUTHORIZED', text: 'Invalid login details' } } }, redact)`
 */
export function classifyInfobipResponse(status: number, body: unknown, redact: Redact, retryAfterMs?: number): ProviderError {
  const parsed = (typeof body === 'object' && body !== null ? body : {}) as InfobipErrorBody;
  const exception = parsed.requestError?.serviceException;
  const code =
    typeof exception?.messageId === 'string' && exception.messageId !== ''
      ? exception.messageId
      : typeof parsed.errorCode === 'string' && parsed.errorCode !== ''
        ? parsed.errorCode
        : `HTTP_${status}`;
  const text = typeof exception?.text === 'string' ? exception.text : typeof parsed.description === 'string' ? parsed.description : '';
  const fields =
    typeof exception?.validationErrors === 'object' && exception.validationErrors !== null
      ? Object.keys(exception.validationErrors).slice(0, 5)
      : [];
  const meaning = REQUEST_ERRORS[code] ?? (status >= 500 ? 'server error' : 'client error');
  const detail = [text === '' ? '' : redact(text), fields.length > 0 ? `invalid: ${fields.map(redact).join(', ')}` : '']
    .filter((part) => part !== '')
    .join('; ');
  return new ProviderError({
    provider: 'infobip',
    code,
    message: `Infobip answered HTTP ${status} ${code} (${meaning})${detail === '' ? '' : `: ${detail}`}`,
    status,
    retryable: status === 429 || status >= 500,
    notAccepted: status === 429,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** The `status` object of one entry of a send response's `messages`. */
export interface InfobipMessageStatus {
  readonly groupId?: unknown;
  readonly groupName?: unknown;
  readonly id?: unknown;
  readonly name?: unknown;
  readonly description?: unknown;
}

/**
 * The status groups a send response may carry for a message Infobip took: 0 (the legacy
 * ACCEPTED), 1 PENDING and 3 DELIVERED.
 */
export const isAcceptedStatus = (status: InfobipMessageStatus | undefined): boolean =>
  status?.groupId === 0 || status?.groupId === 1 || status?.groupId === 3;

/**
 * A send answered HTTP 200 but the message's status is not an acceptance: group 5 REJECTED (a
 * permanent error unless the table says otherwise; Infobip took nothing, so `notAccepted`), or
 * group 2 UNDELIVERABLE / 4 EXPIRED (permanent). The code is the status `name`.
 *
 * @example `throw classifyInfobipStatus({ groupId: 5, groupName: 'REJECTED', id: 12, name: 'REJECTED_NOT_ENOUGH_CREDITS' }, redact)`
 */
export function classifyInfobipStatus(status: InfobipMessageStatus | undefined, redact: Redact): ProviderError {
  const name = typeof status?.name === 'string' && status.name !== '' ? status.name : `STATUS_${String(status?.id ?? 'unknown')}`;
  const group = typeof status?.groupName === 'string' ? status.groupName : `group ${String(status?.groupId ?? 'unknown')}`;
  const known = INFOBIP_REJECTED_STATUSES[name];
  const rejected = status?.groupId === 5;
  const description = typeof status?.description === 'string' && status.description !== '' ? `: ${redact(status.description)}` : '';
  return new ProviderError({
    provider: 'infobip',
    code: name,
    message: `Infobip did not accept the message, status ${group} ${name}${known ? ` (${known.meaning})` : ''}${description}`,
    status: 200,
    retryable: rejected && known?.retryable === true,
    notAccepted: rejected,
  });
}

/**
 * A 200 answer without a message id. Infobip may have taken the message, so it is not retryable
 * (a retry could send the code twice).
 *
 * @example `throw invalidInfobipResponse(200, 'no messageId')`
 */
export function invalidInfobipResponse(status: number, what: string): ProviderError {
  return invalidResponseError(
    'infobip',
    `Infobip answered HTTP ${status} without a usable message (${what}); the message may have been accepted`,
    status,
  );
}

/**
 * A request that got no HTTP answer: the signal fired (`Timeout`), or the connection failed.
 * All are retryable; only a refused/unresolvable connection or a signal that had fired before
 * the request left is `notAccepted`. The cause is kept only as its name and code: `fetch`
 * errors can carry the request. See `transportError` in core.
 *
 * @example `throw infobipTransportError(error, signal, false)`
 */
export function infobipTransportError(error: unknown, signal: AbortSignal, sentNothing: boolean): ProviderError {
  return transportError('infobip', error, { signal, sentNothing, providerName: 'Infobip' });
}
