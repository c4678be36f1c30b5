import {
  apiTransportWording,
  isProviderError,
  ProviderError,
  type SmsMessage,
  scrubProviderText,
  socketErrorCode,
  transportErrorInit,
} from '@cognito-sms/core/provider';

/** How one Vonage send status is treated. */
export interface VonageStatusClass {
  /** Vonage's name for the status (SMS API reference, `x-errors`). */
  readonly meaning: string;
  /** Trying again later may succeed. */
  readonly retryable: boolean;
}

/**
 * Vonage SMS API send statuses (`messages[].status`, inside HTTP 200) and their classes.
 * Only throttling, internal errors and too many binds are retryable; everything else needs the
 * operator (credentials, account, sender) or can never succeed for this message.
 *
 * @example `VONAGE_STATUSES['1'] // { meaning: 'Throttled: …', retryable: true }`
 */
export const VONAGE_STATUSES: Readonly<Record<string, VonageStatusClass>> = Object.freeze({
  '1': { meaning: 'Throttled: sending faster than the account limit', retryable: true },
  '2': { meaning: 'Missing Parameters', retryable: false },
  '3': { meaning: 'Invalid Parameters', retryable: false },
  '4': { meaning: 'Invalid Credentials: API key or secret incorrect, invalid or disabled', retryable: false },
  '5': { meaning: 'Internal Error in the Vonage platform', retryable: true },
  '6': { meaning: 'Invalid Message: the platform could not process it (e.g. unrecognised number prefix)', retryable: false },
  '7': { meaning: 'Number Barred: the destination may not receive messages', retryable: false },
  '8': { meaning: 'Partner Account Barred: the Vonage account is suspended', retryable: false },
  '9': { meaning: 'Partner Quota Violation: not enough credit', retryable: false },
  '10': { meaning: 'Too Many Existing Binds: more simultaneous connections than the account allows', retryable: true },
  '11': { meaning: 'Account Not Enabled For HTTP: the account is not provisioned for the SMS API', retryable: false },
  '12': { meaning: 'Message Too Long', retryable: false },
  '14': { meaning: 'Invalid Signature', retryable: false },
  '15': { meaning: 'Invalid Sender Address: the sender ID in "from" is not authorised', retryable: false },
  '22': { meaning: 'Invalid Network Code', retryable: false },
  '23': { meaning: 'Invalid Callback Url', retryable: false },
  '29': { meaning: 'Non-Whitelisted Destination: the account is in demo mode', retryable: false },
  '32': { meaning: 'Signature And API Secret Disallowed', retryable: false },
  '33': { meaning: 'Number De-activated: the destination may not receive messages', retryable: false },
});

/**
 * A {@link ProviderError} that also keeps what Vonage said: its send status and `error-text`.
 * The name stays `ProviderError` so `isProviderError` recognises it from any copy of core.
 *
 * @example `if (isVonageSmsError(e)) metrics.add(e.vonageStatus)`
 */
export class VonageSmsError extends ProviderError {
  /** Vonage's `messages[].status`, when the failure is a send status. */
  readonly vonageStatus: string | undefined;
  /** Vonage's `error-text`, with anything that could be the message or the number removed. */
  readonly errorText: string | undefined;

  constructor(init: ConstructorParameters<typeof ProviderError>[0] & { vonageStatus?: string; errorText?: string }) {
    const { vonageStatus, errorText, ...rest } = init;
    super(rest);
    this.vonageStatus = vonageStatus;
    this.errorText = errorText;
  }
}

/** @example `isVonageSmsError(e) && e.vonageStatus === '1'` */
export const isVonageSmsError = (error: unknown): error is VonageSmsError =>
  error instanceof VonageSmsError || (isProviderError(error) && error.provider === 'vonage' && 'vonageStatus' in error);

/** Values that must never reach an error message: the text (it holds the code) and the number. */
export type Scrub = Pick<SmsMessage, 'body' | 'to'>;

/**
 * The error for a send that Vonage answered with a non-zero status.
 *
 * @param accepted how many parts of the message Vonage accepted (status 0) before or besides the failure.
 */
export function statusError(status: string, errorText: unknown, parts: { accepted: number; total: number }, scrub: Scrub): VonageSmsError {
  const known = VONAGE_STATUSES[status];
  // Vonage's `error-text` without the message text, the destination or any run of 5+ digits.
  const safeText = scrubProviderText(errorText, scrub);
  const partial = parts.accepted > 0;
  const what = known ? known.meaning : 'unknown status';
  const said = safeText ? `: "${safeText}"` : '';
  const prefix = partial ? `Vonage accepted ${parts.accepted} of ${parts.total} parts, the rest failed with ` : '';
  return new VonageSmsError({
    provider: 'vonage',
    code: status,
    message: `${prefix}status ${status} (${what})${said}`,
    // Unknown statuses are permanent: nothing documents that waiting helps.
    retryable: known?.retryable ?? false,
    status: 200,
    // A non-zero status is a rejection; only status 5 (internal error) leaves doubt, and a
    // partly accepted message has already reached Vonage.
    notAccepted: !partial && status !== '5',
    vonageStatus: status,
    ...(safeText === undefined ? {} : { errorText: safeText }),
  });
}

/** The error for an HTTP status that is not 2xx (the body is never copied: it may echo the request). */
export function httpError(status: number): VonageSmsError {
  const retryable = status === 429 || status >= 500;
  const meaning =
    status === 429
      ? 'too many requests'
      : status === 401
        ? 'unauthorized: check VONAGE_API_KEY and VONAGE_API_SECRET'
        : status >= 500
          ? 'Vonage server error'
          : 'request rejected';
  return new VonageSmsError({
    provider: 'vonage',
    code: `HTTP_${status}`,
    message: `the SMS API answered HTTP ${status} (${meaning})`,
    retryable,
    status,
    notAccepted: status === 429,
  });
}

const WORDING = apiTransportWording('SMS API');

/**
 * The error for a failure below HTTP (refused, reset, DNS). Always retryable; `notAccepted` only
 * when no connection was made. Keeps only the cause's name and socket code.
 */
export function networkError(error: unknown): VonageSmsError {
  return new VonageSmsError(transportErrorInit('vonage', error, { wording: WORDING }));
}

/** The error for an attempt stopped by its AbortSignal. `sent`: the request may have left. */
export function timeoutError(cause: unknown, sent: boolean): VonageSmsError {
  return new VonageSmsError(transportErrorInit('vonage', cause, { timedOut: true, sentNothing: !sent, wording: WORDING }));
}

/** A 2xx answer that is not a send response this adapter understands. */
export function invalidResponseError(detail: string): VonageSmsError {
  return new VonageSmsError({
    provider: 'vonage',
    code: 'InvalidResponse',
    message: `unexpected answer from the SMS API (${detail})`,
    // The message may have been accepted: do not risk a second copy.
    retryable: false,
  });
}

/** True for what `node:http(s)` throws when the connection fails (ECONNREFUSED, ECONNRESET, ENOTFOUND, …). */
export const isNetworkFailure = (error: unknown): boolean => socketErrorCode(error) !== undefined;
