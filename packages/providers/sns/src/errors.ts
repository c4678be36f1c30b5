import { isNeverConnected, ProviderError, redactProviderText, type SmsMessage, transportError } from '@cognito-sms/core/provider';

// Part of this adapter's exports since before it moved to core.
export { redactProviderText };

const PROVIDER = 'sns';

/** What an SNS answer means for delivery. */
export interface SnsErrorClass {
  /** Trying again (or the next provider) may deliver the message. */
  readonly retryable: boolean;
  /** SNS certainly did not take the message, so a retry cannot send it twice. */
  readonly notAccepted: boolean;
}

const THROTTLED: SnsErrorClass = { retryable: true, notAccepted: true };
const SERVER: SnsErrorClass = { retryable: true, notAccepted: false };
const PERMANENT: SnsErrorClass = { retryable: false, notAccepted: false };

/**
 * The errors Publish and the AWS Query protocol document, by the name the SDK gives them
 * (`error.name`: the modeled exception name such as `InvalidParameterException`, or the wire
 * `Code` for unmodeled common errors such as `Throttling`). Wire codes are listed too, for
 * answers the SDK could not match to a model.
 *
 * Sources: SNS API reference, Publish "Errors" and "Common Errors"; the SDK's error schemas
 * (`@aws-sdk/client-sns` schemas_0, `awsQueryError` traits).
 *
 * @example `SNS_ERRORS.Throttling // { retryable: true, notAccepted: true }`
 */
export const SNS_ERRORS: Readonly<Record<string, SnsErrorClass>> = {
  // Rate limits: SNS refused the request before doing anything with it.
  Throttling: THROTTLED,
  ThrottlingException: THROTTLED,
  Throttled: THROTTLED,
  ThrottledException: THROTTLED,
  KMSThrottling: THROTTLED,
  KMSThrottlingException: THROTTLED,
  RequestLimitExceeded: THROTTLED,
  TooManyRequestsException: THROTTLED,
  // Server side: may or may not have been processed.
  InternalError: SERVER,
  InternalErrorException: SERVER,
  InternalFailure: SERVER,
  ServiceUnavailable: SERVER,
  ServiceUnavailableException: SERVER,
  // The request, the number or the account is wrong: another try gives the same answer.
  InvalidParameter: PERMANENT,
  InvalidParameterException: PERMANENT,
  InvalidParameterValue: PERMANENT,
  ParameterValueInvalid: PERMANENT,
  InvalidParameterValueException: PERMANENT,
  ValidationError: PERMANENT,
  ValidationException: PERMANENT,
  OptedOut: PERMANENT,
  OptedOutException: PERMANENT,
  EndpointDisabled: PERMANENT,
  EndpointDisabledException: PERMANENT,
  NotFound: PERMANENT,
  NotFoundException: PERMANENT,
  ResourceNotFound: PERMANENT,
  ResourceNotFoundException: PERMANENT,
  PlatformApplicationDisabled: PERMANENT,
  PlatformApplicationDisabledException: PERMANENT,
  // Credentials and permissions: the operator must act.
  AuthorizationError: PERMANENT,
  AuthorizationErrorException: PERMANENT,
  AccessDenied: PERMANENT,
  AccessDeniedException: PERMANENT,
  InvalidSecurity: PERMANENT,
  InvalidSecurityException: PERMANENT,
  InvalidClientTokenId: PERMANENT,
  SignatureDoesNotMatch: PERMANENT,
  MissingAuthenticationToken: PERMANENT,
  IncompleteSignature: PERMANENT,
  UnrecognizedClientException: PERMANENT,
  ExpiredToken: PERMANENT,
  ExpiredTokenException: PERMANENT,
  KMSAccessDenied: PERMANENT,
  KMSAccessDeniedException: PERMANENT,
  KMSDisabled: PERMANENT,
  KMSDisabledException: PERMANENT,
  KMSInvalidState: PERMANENT,
  KMSInvalidStateException: PERMANENT,
  KMSNotFound: PERMANENT,
  KMSNotFoundException: PERMANENT,
  KMSOptInRequired: PERMANENT,
};

/**
 * Socket errors after the request may have left: retry, but a duplicate is possible. Those where
 * the connection was never made (the message cannot have reached SNS) are core's `isNeverConnected`.
 */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'UND_ERR_SOCKET']);

interface AwsServiceErrorShape {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  RequestId?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/**
 * Turns whatever `SNSClient.send(PublishCommand)` threw into a {@link ProviderError}.
 *
 * - `code` is the AWS error name (`error.name`), e.g. `InvalidParameterException`, `Throttling`;
 *   `ECONNREFUSED`-style codes for network errors; `Timeout` when the attempt's signal fired.
 * - The message keeps AWS's text with the destination number masked and any echo of the SMS
 *   body removed; the raw SDK error is not kept as `cause` because its message may echo them.
 *
 * @example
 * ```ts
 * try { await client.send(command, { abortSignal: signal }) }
 * catch (error) { throw toSnsProviderError(error, { signal, message }) }
 * ```
 */
export function toSnsProviderError(error: unknown, context: { signal: AbortSignal; message: Pick<SmsMessage, 'to' | 'body'> }): ProviderError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as AwsServiceErrorShape;
  const name = typeof e.name === 'string' && e.name !== '' ? e.name : 'Error';

  if (context.signal.aborted) {
    return transportError(PROVIDER, error, {
      signal: context.signal,
      wording: { timeout: 'Publish got no answer within the attempt time budget (it may still have been delivered)' },
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
          `could not ${isNeverConnected(code) ? 'connect to' : 'finish the request to'} SNS (${String(e.message ?? code)})`,
      },
    });
  }

  // The SDK names socket errors `TimeoutError` too (ECONNRESET above); what is left is its own
  // request or connection timeout.
  if (name === 'AbortError' || name === 'TimeoutError') {
    return transportError(PROVIDER, error, {
      timedOut: true,
      wording: { timeout: `Publish timed out (${String(e.message ?? name)}); it may still have been delivered` },
    });
  }

  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number') {
    const wireCode = e.Code ?? name;
    const known = SNS_ERRORS[name] ?? SNS_ERRORS[wireCode];
    const verdict = known ?? (status === 429 ? THROTTLED : status >= 500 ? SERVER : PERMANENT);
    const requestId = e.$metadata?.requestId ?? e.RequestId;
    return new ProviderError({
      provider: PROVIDER,
      code: name,
      status,
      retryable: verdict.retryable,
      notAccepted: verdict.notAccepted,
      message:
        `Publish refused with HTTP ${status} ${wireCode}: ${redactProviderText(String(e.message ?? ''), context.message)}` +
        (requestId ? ` (request id ${requestId})` : ''),
      // The SDK error's own message may echo the number; keep only what is safe to log.
      cause: { name, code: wireCode, status, requestId, fault: e.$fault },
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

  // Anything else failed before or outside HTTP (bad endpoint URL, region, SDK bug): not retried,
  // because nothing proves SNS did not take the message.
  return new ProviderError({
    provider: PROVIDER,
    code: name,
    message: `Publish failed: ${redactProviderText(String(e.message ?? name), context.message)}`,
    retryable: false,
    cause: error,
  });
}
