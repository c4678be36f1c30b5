import { isNeverConnected, ProviderError, redactProviderText, type SmsMessage, transportError } from '@cognito-sms/core/provider';

// Part of this adapter's exports since before it moved to core.
export { redactProviderText };

const PROVIDER = 'end-user-messaging';

/** What an End User Messaging answer means for delivery. */
export interface EndUserMessagingErrorClass {
  /** Trying again (or the next provider) may deliver the message. */
  readonly retryable: boolean;
  /** AWS certainly did not take the message, so a retry cannot send it twice. */
  readonly notAccepted: boolean;
}

const THROTTLED: EndUserMessagingErrorClass = { retryable: true, notAccepted: true };
const SERVER: EndUserMessagingErrorClass = { retryable: true, notAccepted: false };
const PERMANENT: EndUserMessagingErrorClass = { retryable: false, notAccepted: false };

/**
 * The errors `SendTextMessage` documents (all seven exceptions of the pinpoint-sms-voice-v2
 * model) plus the AWS JSON protocol's common errors, by error name (`__type` without its
 * namespace, which is also the SDK's `error.name`).
 *
 * `ServiceQuotaExceededException` is retryable and not accepted: its reasons (monthly spend
 * limit reached, daily per-destination limit, …) are limits of this AWS account, not faults
 * of the message or the number, and AWS refused before sending. The core policy treats
 * "retryable" as "fail over to the next provider", which is what helps the waiting user;
 * with a single provider the invocation fails and the operator sees the reason.
 *
 * Sources: https://docs.aws.amazon.com/pinpoint/latest/apireference_smsvoicev2/API_SendTextMessage.html
 * ("Errors"), https://docs.aws.amazon.com/pinpoint/latest/apireference_smsvoicev2/CommonErrors.html.
 *
 * @example `END_USER_MESSAGING_ERRORS.ServiceQuotaExceededException // { retryable: true, notAccepted: true }`
 */
export const END_USER_MESSAGING_ERRORS: Readonly<Record<string, EndUserMessagingErrorClass>> = {
  ThrottlingException: THROTTLED,
  Throttling: THROTTLED,
  TooManyRequestsException: THROTTLED,
  ServiceQuotaExceededException: THROTTLED,
  InternalServerException: SERVER,
  InternalFailure: SERVER,
  ServiceUnavailable: SERVER,
  ServiceUnavailableException: SERVER,
  ValidationException: PERMANENT,
  ConflictException: PERMANENT,
  ResourceNotFoundException: PERMANENT,
  AccessDeniedException: PERMANENT,
  UnrecognizedClientException: PERMANENT,
  InvalidSignatureException: PERMANENT,
  MissingAuthenticationTokenException: PERMANENT,
  IncompleteSignatureException: PERMANENT,
  ExpiredTokenException: PERMANENT,
  InvalidClientTokenId: PERMANENT,
  NotAuthorized: PERMANENT,
  OptInRequired: PERMANENT,
  UnknownOperationException: PERMANENT,
  SerializationException: PERMANENT,
};

/** Socket errors after the request may have left (`isNeverConnected` in core: those before it could). */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'UND_ERR_SOCKET']);

interface AwsServiceErrorShape {
  name?: string;
  message?: string;
  code?: string;
  Reason?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/**
 * Turns whatever `PinpointSMSVoiceV2Client.send(SendTextMessageCommand)` threw into a
 * {@link ProviderError}: `code` is the AWS error name (`ValidationException`, …), the `Reason`
 * the service gives (`DESTINATION_COUNTRY_BLOCKED`, `MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT`, …)
 * goes into the message, `Timeout` when the attempt's signal fired, `ECONNREFUSED`-style codes
 * for network errors. AWS's text is kept with the number masked and any echo of the body
 * removed; the raw SDK error is not kept as `cause` because its message may echo them.
 *
 * @example
 * ```ts
 * try { await client.send(command, { abortSignal: signal }) }
 * catch (error) { throw toEndUserMessagingProviderError(error, { signal, message }) }
 * ```
 */
export function toEndUserMessagingProviderError(
  error: unknown,
  context: { signal: AbortSignal; message: Pick<SmsMessage, 'to' | 'body'> },
): ProviderError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as AwsServiceErrorShape;
  const name = typeof e.name === 'string' && e.name !== '' ? e.name : 'Error';

  if (context.signal.aborted) {
    return transportError(PROVIDER, error, {
      signal: context.signal,
      wording: { timeout: 'SendTextMessage got no answer within the attempt time budget (it may still have been delivered)' },
    });
  }

  // Checked before the name: the SDK renames ECONNRESET and friends to `TimeoutError`.
  const socketCode = typeof e.code === 'string' ? e.code : undefined;
  if (socketCode && (isNeverConnected(socketCode) || CONNECTION_LOST.has(socketCode))) {
    return transportError(PROVIDER, error, {
      networkCode: 'socket',
      // Node's socket messages name only the host and port.
      wording: {
        network: (code) =>
          `could not ${isNeverConnected(code) ? 'connect to' : 'finish the request to'} End User Messaging (${String(e.message ?? code)})`,
      },
    });
  }

  if (name === 'AbortError' || name === 'TimeoutError') {
    return transportError(PROVIDER, error, {
      timedOut: true,
      wording: { timeout: `SendTextMessage timed out (${String(e.message ?? name)}); it may still have been delivered` },
    });
  }

  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number') {
    const verdict = END_USER_MESSAGING_ERRORS[name] ?? (status === 429 ? THROTTLED : status >= 500 ? SERVER : PERMANENT);
    const reason = typeof e.Reason === 'string' && /^[A-Z0-9_]+$/.test(e.Reason) ? e.Reason : undefined;
    const requestId = e.$metadata?.requestId;
    return new ProviderError({
      provider: PROVIDER,
      code: name,
      status,
      retryable: verdict.retryable,
      notAccepted: verdict.notAccepted,
      message:
        `SendTextMessage refused with HTTP ${status} ${name}${reason ? ` (${reason})` : ''}: ` +
        redactProviderText(String(e.message ?? ''), context.message) +
        (requestId ? ` (request id ${requestId})` : ''),
      cause: { name, reason, status, requestId, fault: e.$fault },
    });
  }

  if (name === 'CredentialsProviderError') {
    return new ProviderError({
      provider: PROVIDER,
      code: name,
      message: 'no AWS credentials could be loaded (environment, profile or the function role)',
      retryable: false,
      notAccepted: true,
      cause: error,
    });
  }

  return new ProviderError({
    provider: PROVIDER,
    code: name,
    message: `SendTextMessage failed: ${redactProviderText(String(e.message ?? name), context.message)}`,
    retryable: false,
    cause: error,
  });
}
