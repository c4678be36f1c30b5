// A loopback AWS End User Messaging SMS (pinpoint-sms-voice-v2) that answers `SendTextMessage`
// the way the service does, written from the public references:
//  - SendTextMessage: https://docs.aws.amazon.com/pinpoint/latest/apireference_smsvoicev2/API_SendTextMessage.html
//    (request fields and their length/pattern constraints, `{ "MessageId" }` response, the
//    seven errors: AccessDenied, Conflict, InternalServer (500), ResourceNotFound,
//    ServiceQuotaExceeded, Throttling, Validation — HTTP 400 unless noted);
//  - the error shapes and reason enums of the service model (botocore
//    `pinpoint-sms-voice-v2/2022-03-31/service-2.json`, the SDK's schemas and enums);
//  - AWS JSON 1.0 protocol: `POST /`, `Content-Type: application/x-amz-json-1.0`,
//    `X-Amz-Target: PinpointSMSVoiceV2.SendTextMessage`, errors as `{"__type", "Message", …}`
//    with `x-amzn-ErrorType`; SigV4 signing name `sms-voice`;
//  - Common errors: https://docs.aws.amazon.com/pinpoint/latest/apireference_smsvoicev2/CommonErrors.html
//  - event destinations: "Event types for SMS, MMS, and voice" and "Example AWS End User
//    Messaging SMS event data" (docs.aws.amazon.com/sms-voice/latest/userguide/
//    configuration-sets-event-types.html, configuration-sets-event-format.html): events flow
//    only for messages sent with a configuration set, as JSON with eventType, isFinal, ….
// Wording of messages the references do not spell out is the emulator's own.
import { randomUUID } from 'node:crypto';
import { loadDestinationInspector } from '@cognito-sms/core';
import { type SnsNotificationEvent, snsEvent } from '../aws-events.js';
import type { DeliveryOutcome, OutcomeByDestination } from '../callbacks.js';
import { type Emulator, type ScriptedResponse, startEmulator } from '../emulator.js';
import { type AwsTestCredentials, verifyAwsSigV4 } from './sns.js';

export type { AwsTestCredentials } from './sns.js';

const NAMESPACE = 'com.amazonaws.pinpointsmsvoicev2';
const CONTENT_TYPE = 'application/x-amz-json-1.0';

/** The modeled errors of SendTextMessage and the common ones, with their HTTP status. */
const ERROR_STATUS: Readonly<Record<string, number>> = {
  AccessDeniedException: 400,
  ConflictException: 400,
  InternalServerException: 500,
  ResourceNotFoundException: 400,
  ServiceQuotaExceededException: 400,
  ThrottlingException: 400,
  ValidationException: 400,
  // Common errors of AWS JSON services.
  UnrecognizedClientException: 400,
  InvalidSignatureException: 400,
  MissingAuthenticationTokenException: 400,
  IncompleteSignatureException: 400,
  UnknownOperationException: 400,
  SerializationException: 400,
  ServiceUnavailable: 503,
};
const MODELED = new Set([
  'AccessDeniedException',
  'ConflictException',
  'InternalServerException',
  'ResourceNotFoundException',
  'ServiceQuotaExceededException',
  'ThrottlingException',
  'ValidationException',
]);

export type EndUserMessagingErrorType = keyof typeof ERROR_STATUS | (string & {});

export interface EndUserMessagingErrorFields {
  readonly message?: string;
  /** `Reason` of AccessDenied, Conflict, ServiceQuotaExceeded and Validation errors. */
  readonly reason?: string;
  readonly resourceType?: string;
  readonly resourceId?: string;
  /** `Fields` of a ValidationException. */
  readonly fields?: readonly { readonly Name: string; readonly Message: string }[];
  readonly status?: number;
  readonly requestId?: string;
}

/**
 * The answer End User Messaging gives for an error: AWS JSON 1.0 body
 * `{"__type": …, "Message": …, "Reason": …}`, the `x-amzn-ErrorType` header and the documented
 * HTTP status (400, or 500 for InternalServerException).
 *
 * @example `emulator.enqueue(endUserMessagingError('ValidationException', { reason: 'DESTINATION_COUNTRY_BLOCKED' }))`
 */
export function endUserMessagingError(type: EndUserMessagingErrorType, fields: EndUserMessagingErrorFields = {}): ScriptedResponse {
  const requestId = fields.requestId ?? randomUUID();
  const modeled = MODELED.has(type);
  const body: Record<string, unknown> = {
    __type: modeled ? `${NAMESPACE}#${type}` : type,
    // Modeled errors carry `Message`; the protocol's common errors a lower-case `message`.
    [modeled ? 'Message' : 'message']: fields.message ?? defaultMessage(type),
  };
  if (fields.reason !== undefined) body.Reason = fields.reason;
  if (fields.resourceType !== undefined) body.ResourceType = fields.resourceType;
  if (fields.resourceId !== undefined) body.ResourceId = fields.resourceId;
  if (fields.fields !== undefined) body.Fields = fields.fields;
  if (type === 'InternalServerException') body.RequestId = requestId;
  return {
    status: fields.status ?? ERROR_STATUS[type] ?? 400,
    headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId, 'x-amzn-errortype': `${type}:` },
    body: JSON.stringify(body),
  };
}

function defaultMessage(type: string): string {
  switch (type) {
    case 'ThrottlingException':
      return 'Rate exceeded';
    case 'InternalServerException':
      return 'An internal error occurred';
    case 'AccessDeniedException':
      return 'You do not have sufficient access to perform this action.';
    case 'ServiceQuotaExceededException':
      return 'Service quota exceeded';
    default:
      return type;
  }
}

/**
 * The success body: `{"MessageId": "…"}`.
 *
 * @example `emulator.enqueue({ ...endUserMessagingSendResponse('fixed-id'), delayMs: 2000 })`
 */
export function endUserMessagingSendResponse(messageId: string = randomUUID(), requestId: string = randomUUID()): ScriptedResponse {
  return {
    status: 200,
    headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId },
    body: JSON.stringify({ MessageId: messageId }),
  };
}

export interface EndUserMessagingEmulatorOptions {
  /** Only accept signatures scoped to this region. Default: any region. */
  readonly region?: string;
  /** Verify the access key and the SigV4 signature against these. Default: check the header's shape and service only. */
  readonly credentials?: AwsTestCredentials;
  /** Origination identities the account owns; others get ResourceNotFoundException. Default: any. */
  readonly originationIdentities?: readonly string[];
  /** Configuration sets that exist; others get ResourceNotFoundException. Default: any. */
  readonly configurationSets?: readonly string[];
  /** Numbers on the opt-out list: ConflictException `DESTINATION_PHONE_NUMBER_OPTED_OUT`. */
  readonly optedOutNumbers?: readonly string[];
  /** Where each SMS sent with a configuration set ends up, as its events tell (default: delivered). */
  readonly outcome?: OutcomeByDestination;
  /** The SNS topic of the configuration set's event destination. Default `arn:aws:sns:us-east-1:123456789012:cognito-sms-events`. */
  readonly eventTopicArn?: string;
}

export interface EndUserMessagingEmulator extends Emulator {
  /**
   * The SNS notification events (one record each) the event destination would deliver for
   * every SMS accepted so far with a `ConfigurationSetName` (not a dry run), in order: an
   * intermediate `TEXT_PENDING`, then the outcome's final event.
   */
  receiptEvents(): SnsNotificationEvent[];
}

/** One SMS event as an event destination publishes it (the format page's fields). */
export interface EndUserMessagingEvent {
  readonly eventType: string;
  readonly eventVersion: '1.0';
  readonly eventTimestamp: number;
  readonly isFinal: boolean;
  readonly originationPhoneNumber?: string;
  readonly destinationPhoneNumber: string;
  readonly isInternationalSend: boolean;
  readonly isoCountryCode?: string;
  readonly messageId: string;
  readonly messageRequestTimestamp: number;
  readonly messageEncoding: 'GSM' | 'UCS2';
  readonly messageType: string;
  readonly messageStatus: string;
  readonly messageStatusDescription: string;
  readonly context?: Readonly<Record<string, string>>;
  readonly totalMessageParts: number;
  readonly totalMessagePrice: number;
  readonly totalCarrierFee: number;
}

// The final event of each outcome; descriptions the references do not give are the emulator's own.
const FINAL_EVENT: Record<DeliveryOutcome, { eventType: string; messageStatus: string; description: string }> = {
  delivered: { eventType: 'TEXT_DELIVERED', messageStatus: 'DELIVERED', description: 'Message has been accepted by phone' },
  undelivered: { eventType: 'TEXT_UNREACHABLE', messageStatus: 'UNREACHABLE', description: 'Phone is currently unreachable/unavailable' },
  failed: { eventType: 'TEXT_INVALID', messageStatus: 'INVALID', description: 'Invalid phone number' },
  expired: { eventType: 'TEXT_TTL_EXPIRED', messageStatus: 'TTL_EXPIRED', description: 'Message expired before it could be delivered' },
};

/**
 * The events AWS publishes for one SMS and its outcome: `TEXT_PENDING` (not final), then the
 * final one. The destination is there in full, as in real events: readers must not log it.
 *
 * @example `endUserMessagingEvents({ messageId, destinationPhoneNumber: '+14155550100', isoCountryCode: 'US', messageRequestTimestamp: Date.now() }, 'expired')[1]?.eventType // 'TEXT_TTL_EXPIRED'`
 */
export function endUserMessagingEvents(
  sms: Pick<EndUserMessagingEvent, 'messageId' | 'destinationPhoneNumber' | 'messageRequestTimestamp'> &
    Partial<Pick<EndUserMessagingEvent, 'isoCountryCode' | 'originationPhoneNumber' | 'messageType' | 'context'>>,
  outcome: DeliveryOutcome,
): EndUserMessagingEvent[] {
  const final = FINAL_EVENT[outcome];
  const base = {
    eventVersion: '1.0' as const,
    ...(sms.originationPhoneNumber ? { originationPhoneNumber: sms.originationPhoneNumber } : {}),
    destinationPhoneNumber: sms.destinationPhoneNumber,
    isInternationalSend: false,
    ...(sms.isoCountryCode ? { isoCountryCode: sms.isoCountryCode } : {}),
    messageId: sms.messageId,
    messageRequestTimestamp: sms.messageRequestTimestamp,
    messageEncoding: 'GSM' as const,
    messageType: sms.messageType ?? 'TRANSACTIONAL',
    ...(sms.context ? { context: sms.context } : {}),
    totalMessageParts: 1,
    totalMessagePrice: 0.00581,
    totalCarrierFee: 0,
  };
  const pending = {
    ...base,
    eventType: 'TEXT_PENDING',
    eventTimestamp: sms.messageRequestTimestamp + 300,
    isFinal: false,
    messageStatus: 'PENDING',
    messageStatusDescription: 'Message is pending delivery',
  };
  const last = {
    ...base,
    eventType: final.eventType,
    eventTimestamp: sms.messageRequestTimestamp + 1500,
    isFinal: true,
    messageStatus: final.messageStatus,
    messageStatusDescription: final.description,
  };
  // An invalid number is refused by AWS before any carrier sees it: no pending step.
  return outcome === 'failed' ? [last] : [pending, last];
}

// Constraints from the SendTextMessage reference.
const PHONE_NUMBER = /^\+?[1-9][0-9]{1,18}$/;
const ORIGINATION_IDENTITY = /^[A-Za-z0-9_:/+-]+$/;
const RESOURCE_ID = /^[A-Za-z0-9_:/-]+$/;
const MAX_PRICE = /^[0-9]{0,2}\.[0-9]{1,5}$/;

/**
 * Starts a loopback End User Messaging SMS for `SendTextMessage`. Point the SDK at it with
 * `AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2=emulator.baseUrl`. Requests must be SigV4-signed for
 * service `sms-voice` (400 `MissingAuthenticationTokenException` / `InvalidSignatureException`
 * / `UnrecognizedClientException` otherwise) and satisfy the documented constraints (400
 * `ValidationException` that echoes the offending value, as AWS validation messages do); a
 * valid request gets a fresh `MessageId`.
 *
 * @example
 * ```ts
 * const eum = await startEndUserMessagingEmulator({ originationIdentities: ['pool-123'] });
 * vi.stubEnv('AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2', eum.baseUrl);
 * ```
 */
export async function startEndUserMessagingEmulator(options: EndUserMessagingEmulatorOptions = {}): Promise<EndUserMessagingEmulator> {
  const { outcome = () => 'delivered', eventTopicArn = 'arn:aws:sns:us-east-1:123456789012:cognito-sms-events' } = options;
  const inspector = await loadDestinationInspector();
  let accepted: Parameters<typeof endUserMessagingEvents>[0][] = [];
  const emulator = await startEmulator((request) => {
    const auth = verifyAwsSigV4(request, { service: 'sms-voice', region: options.region, credentials: options.credentials });
    if ('kind' in auth) {
      const type = {
        missing: 'MissingAuthenticationTokenException',
        incomplete: 'IncompleteSignatureException',
        scope: 'InvalidSignatureException',
        unknownKey: 'UnrecognizedClientException',
        signature: 'InvalidSignatureException',
      }[auth.kind];
      return endUserMessagingError(type, { message: auth.message });
    }
    const target = String(request.headers['x-amz-target'] ?? '');
    if (request.method !== 'POST' || request.path !== '/' || target !== 'PinpointSMSVoiceV2.SendTextMessage') {
      return endUserMessagingError('UnknownOperationException', {
        message: `The emulator serves PinpointSMSVoiceV2.SendTextMessage only, not ${target || '(no target)'}`,
      });
    }
    if (
      !String(request.headers['content-type'] ?? '').startsWith(CONTENT_TYPE) ||
      typeof request.json !== 'object' ||
      request.json === null
    ) {
      return endUserMessagingError('SerializationException', { message: 'Expected an application/x-amz-json-1.0 object' });
    }
    const input = request.json as Record<string, unknown>;

    const invalid = (field: string, value: unknown, constraint: string) =>
      endUserMessagingError('ValidationException', {
        message: `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`,
        reason: 'FIELD_VALIDATION_FAILED',
        fields: [{ Name: field, Message: constraint }],
      });
    const string = (field: string) => (typeof input[field] === 'string' ? (input[field] as string) : undefined);

    const destination = input.DestinationPhoneNumber;
    if (destination === undefined || destination === null) {
      return endUserMessagingError('ValidationException', {
        message:
          "1 validation error detected: Value null at 'destinationPhoneNumber' failed to satisfy constraint: Member must not be null",
        reason: 'MISSING_PARAMETER',
        fields: [{ Name: 'destinationPhoneNumber', Message: 'Member must not be null' }],
      });
    }
    if (typeof destination !== 'string' || destination.length > 20 || !PHONE_NUMBER.test(destination)) {
      return invalid('destinationPhoneNumber', destination, 'Member must satisfy regular expression pattern: \\+?[1-9][0-9]{1,18}');
    }
    const body = string('MessageBody');
    if (body !== undefined && (body.length < 1 || body.length > 1600)) {
      return invalid('messageBody', body, 'Member must have length between 1 and 1600');
    }
    const messageType = input.MessageType;
    if (messageType !== undefined && messageType !== 'TRANSACTIONAL' && messageType !== 'PROMOTIONAL') {
      return invalid('messageType', messageType, 'Member must satisfy enum value set: [TRANSACTIONAL, PROMOTIONAL]');
    }
    const origination = string('OriginationIdentity');
    if (origination !== undefined && (origination.length > 256 || !ORIGINATION_IDENTITY.test(origination))) {
      return invalid('originationIdentity', origination, 'Member must satisfy regular expression pattern: [A-Za-z0-9_:/\\+-]+');
    }
    const configurationSet = string('ConfigurationSetName');
    if (configurationSet !== undefined && (configurationSet.length > 256 || !RESOURCE_ID.test(configurationSet))) {
      return invalid('configurationSetName', configurationSet, 'Member must satisfy regular expression pattern: [A-Za-z0-9_:/-]+');
    }
    const maxPrice = input.MaxPrice;
    if (maxPrice !== undefined && (typeof maxPrice !== 'string' || !MAX_PRICE.test(maxPrice))) {
      return invalid('maxPrice', maxPrice, 'Member must satisfy regular expression pattern: [0-9]{0,2}\\.[0-9]{1,5}');
    }
    const ttl = input.TimeToLive;
    if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 5 || ttl > 259200)) {
      return invalid('timeToLive', ttl, 'Member must have value between 5 and 259200');
    }
    const context = input.Context;
    if (context !== undefined) {
      const entries = typeof context === 'object' && context !== null ? Object.entries(context) : [];
      if (
        entries.length > 5 ||
        entries.some(([k, v]) => !/^\S{1,100}$/.test(k) || typeof v !== 'string' || v.length < 1 || v.length > 800 || v.trim() !== v)
      ) {
        return invalid('context', JSON.stringify(context), 'Map must have at most 5 entries of non-blank keys (1-100) and values (1-800)');
      }
    }
    if (input.DryRun !== undefined && typeof input.DryRun !== 'boolean') {
      return endUserMessagingError('SerializationException', { message: 'DryRun must be a boolean' });
    }

    if (origination !== undefined && options.originationIdentities && !options.originationIdentities.includes(origination)) {
      return endUserMessagingError('ResourceNotFoundException', {
        message: `The origination identity ${origination} does not exist`,
        resourceType: resourceTypeOf(origination),
        resourceId: origination,
      });
    }
    if (configurationSet !== undefined && options.configurationSets && !options.configurationSets.includes(configurationSet)) {
      return endUserMessagingError('ResourceNotFoundException', {
        message: `The configuration set ${configurationSet} does not exist`,
        resourceType: 'configuration-set',
        resourceId: configurationSet,
      });
    }
    if (options.optedOutNumbers?.includes(destination)) {
      return endUserMessagingError('ConflictException', {
        message: 'The destination phone number is opted out',
        reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT',
        resourceType: 'opted-out-number',
        resourceId: destination,
      });
    }
    const messageId = randomUUID();
    if (configurationSet !== undefined && input.DryRun !== true) {
      const context = input.Context !== null && typeof input.Context === 'object' ? (input.Context as Record<string, string>) : undefined;
      const country = inspector.inspect(destination.startsWith('+') ? destination : `+${destination}`).country;
      accepted.push({
        messageId,
        destinationPhoneNumber: destination,
        messageRequestTimestamp: Date.now(),
        ...(country ? { isoCountryCode: country } : {}),
        ...(origination?.startsWith('+') ? { originationPhoneNumber: origination } : {}),
        ...(typeof messageType === 'string' ? { messageType } : {}),
        ...(context ? { context } : {}),
      });
    }
    return endUserMessagingSendResponse(messageId);
  });
  const reset = emulator.reset.bind(emulator);
  return Object.assign(emulator, {
    reset() {
      reset();
      accepted = [];
    },
    receiptEvents() {
      return accepted.flatMap((sms) =>
        endUserMessagingEvents(sms, outcome(sms.destinationPhoneNumber)).map((event) => snsEvent(eventTopicArn, [JSON.stringify(event)])),
      );
    },
  });
}

/** The `ResourceType` for an origination identity, by its shape (ids and ARNs say what they are). */
function resourceTypeOf(identity: string): string {
  const fromArn = /^arn:[^:]+:sms-voice:[^:]*:[^:]*:([a-z-]+)\//.exec(identity)?.[1];
  if (fromArn) return fromArn;
  if (identity.startsWith('pool-')) return 'pool';
  if (identity.startsWith('phone-') || identity.startsWith('+')) return 'phone-number';
  return 'sender-id';
}
