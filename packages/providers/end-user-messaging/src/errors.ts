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

const PROVIDER = 'end-user-messaging';

/** What an End User Messaging answer means for delivery: whether to retry, and whether AWS certainly did not take the message. */
export type EndUserMessagingErrorClass = AwsErrorClass;

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
  ThrottlingException: AWS_THROTTLED,
  Throttling: AWS_THROTTLED,
  TooManyRequestsException: AWS_THROTTLED,
  ServiceQuotaExceededException: AWS_THROTTLED,
  InternalServerException: AWS_SERVER_ERROR,
  InternalFailure: AWS_SERVER_ERROR,
  ServiceUnavailable: AWS_SERVER_ERROR,
  ServiceUnavailableException: AWS_SERVER_ERROR,
  ValidationException: AWS_PERMANENT,
  ConflictException: AWS_PERMANENT,
  ResourceNotFoundException: AWS_PERMANENT,
  AccessDeniedException: AWS_PERMANENT,
  UnrecognizedClientException: AWS_PERMANENT,
  InvalidSignatureException: AWS_PERMANENT,
  MissingAuthenticationTokenException: AWS_PERMANENT,
  IncompleteSignatureException: AWS_PERMANENT,
  ExpiredTokenException: AWS_PERMANENT,
  InvalidClientTokenId: AWS_PERMANENT,
  NotAuthorized: AWS_PERMANENT,
  OptInRequired: AWS_PERMANENT,
  UnknownOperationException: AWS_PERMANENT,
  SerializationException: AWS_PERMANENT,
};

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
  return awsProviderError(PROVIDER, error, {
    ...context,
    operation: 'SendTextMessage',
    service: 'End User Messaging',
    answer: (e, name) => {
      // Only an enum-like reason is kept: it is safe to log, free text might not be.
      const reason = typeof e.Reason === 'string' && /^[A-Z0-9_]+$/.test(e.Reason) ? e.Reason : undefined;
      return { known: END_USER_MESSAGING_ERRORS[name], label: `${name}${reason ? ` (${reason})` : ''}`, details: { reason } };
    },
  });
}
