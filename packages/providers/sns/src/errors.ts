import {
  AWS_PERMANENT,
  AWS_SERVER_ERROR,
  AWS_THROTTLED,
  type AwsErrorClass,
  awsProviderError,
  type ProviderError,
  redactProviderText,
  type SmsMessage,
} from '@cognito-sms/core/provider';

// Part of this adapter's exports since before it moved to core.
export { redactProviderText };

const PROVIDER = 'sns';

/** What an SNS answer means for delivery: whether to retry, and whether SNS certainly did not take the message. */
export type SnsErrorClass = AwsErrorClass;

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
  Throttling: AWS_THROTTLED,
  ThrottlingException: AWS_THROTTLED,
  Throttled: AWS_THROTTLED,
  ThrottledException: AWS_THROTTLED,
  KMSThrottling: AWS_THROTTLED,
  KMSThrottlingException: AWS_THROTTLED,
  RequestLimitExceeded: AWS_THROTTLED,
  TooManyRequestsException: AWS_THROTTLED,
  // Server side: may or may not have been processed.
  InternalError: AWS_SERVER_ERROR,
  InternalErrorException: AWS_SERVER_ERROR,
  InternalFailure: AWS_SERVER_ERROR,
  ServiceUnavailable: AWS_SERVER_ERROR,
  ServiceUnavailableException: AWS_SERVER_ERROR,
  // The request, the number or the account is wrong: another try gives the same answer.
  InvalidParameter: AWS_PERMANENT,
  InvalidParameterException: AWS_PERMANENT,
  InvalidParameterValue: AWS_PERMANENT,
  ParameterValueInvalid: AWS_PERMANENT,
  InvalidParameterValueException: AWS_PERMANENT,
  ValidationError: AWS_PERMANENT,
  ValidationException: AWS_PERMANENT,
  OptedOut: AWS_PERMANENT,
  OptedOutException: AWS_PERMANENT,
  EndpointDisabled: AWS_PERMANENT,
  EndpointDisabledException: AWS_PERMANENT,
  NotFound: AWS_PERMANENT,
  NotFoundException: AWS_PERMANENT,
  ResourceNotFound: AWS_PERMANENT,
  ResourceNotFoundException: AWS_PERMANENT,
  PlatformApplicationDisabled: AWS_PERMANENT,
  PlatformApplicationDisabledException: AWS_PERMANENT,
  // Credentials and permissions: the operator must act.
  AuthorizationError: AWS_PERMANENT,
  AuthorizationErrorException: AWS_PERMANENT,
  AccessDenied: AWS_PERMANENT,
  AccessDeniedException: AWS_PERMANENT,
  InvalidSecurity: AWS_PERMANENT,
  InvalidSecurityException: AWS_PERMANENT,
  InvalidClientTokenId: AWS_PERMANENT,
  SignatureDoesNotMatch: AWS_PERMANENT,
  MissingAuthenticationToken: AWS_PERMANENT,
  IncompleteSignature: AWS_PERMANENT,
  UnrecognizedClientException: AWS_PERMANENT,
  ExpiredToken: AWS_PERMANENT,
  ExpiredTokenException: AWS_PERMANENT,
  KMSAccessDenied: AWS_PERMANENT,
  KMSAccessDeniedException: AWS_PERMANENT,
  KMSDisabled: AWS_PERMANENT,
  KMSDisabledException: AWS_PERMANENT,
  KMSInvalidState: AWS_PERMANENT,
  KMSInvalidStateException: AWS_PERMANENT,
  KMSNotFound: AWS_PERMANENT,
  KMSNotFoundException: AWS_PERMANENT,
  KMSOptInRequired: AWS_PERMANENT,
};

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
export function toSnsProviderError(
  error: unknown,
  context: { signal: AbortSignal; message: Pick<SmsMessage, 'to' | 'body'> },
): ProviderError {
  return awsProviderError(PROVIDER, error, {
    ...context,
    operation: 'Publish',
    service: 'SNS',
    answer: (e, name) => {
      // The Query protocol's wire `Code`, for answers the SDK could not match to a model.
      const wireCode = typeof e.Code === 'string' ? e.Code : name;
      return {
        known: SNS_ERRORS[name] ?? SNS_ERRORS[wireCode],
        label: wireCode,
        requestId: typeof e.RequestId === 'string' ? e.RequestId : undefined,
        details: { code: wireCode },
      };
    },
  });
}
