// A loopback Amazon SNS that answers `Publish` to a phone number the way SNS does, written from
// the public references:
//  - Publish: https://docs.aws.amazon.com/sns/latest/api/API_Publish.html (parameters, the
//    sample XML response, errors with their HTTP status);
//  - Common errors / parameters: https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html;
//  - SMS attributes: https://docs.aws.amazon.com/sns/latest/dg/sms_publish-to-phone.html
//    (AWS.SNS.SMS.SMSType, SenderID, OriginationNumber, MaxPrice);
//  - the wire protocol the installed `@aws-sdk/client-sns` (3.1169) speaks: AWS Query
//    (`AwsQueryProtocol`: form-encoded `POST /`, `Action=Publish&Version=2010-03-31&…`, XML
//    answers, `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>` errors);
//  - Signature Version 4: https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
// Wording of messages the references do not spell out is the emulator's own.
//  - SMS delivery-status logs: https://docs.aws.amazon.com/sns/latest/dg/sms_stats_cloudwatch.html
//    (the log groups, the success and failure log examples, the failure reasons).
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { type CloudWatchLogsEvent, cloudWatchLogsEvent } from '../aws-events.js';
import type { DeliveryOutcome, OutcomeByDestination } from '../callbacks.js';
import { type Emulator, type RecordedRequest, type ScriptedResponse, startEmulator } from '../emulator.js';

/** Test credentials an emulator checks signatures against. */
export interface AwsTestCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Why a request's SigV4 `Authorization` was refused. */
export type SigV4Failure =
  | { readonly kind: 'missing'; readonly message: string }
  | { readonly kind: 'incomplete'; readonly message: string }
  | { readonly kind: 'scope'; readonly message: string }
  | { readonly kind: 'unknownKey'; readonly message: string }
  | { readonly kind: 'signature'; readonly message: string };

/** What a successful SigV4 check found in the `Authorization` header. */
export interface SigV4Credential {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
}

/**
 * Checks a request's AWS Signature Version 4: the header's shape, that its credential scope
 * names `service` (and `region`, when given) and, when `credentials` are given, the access key
 * and the signature itself (canonical request over the signed headers and the body).
 *
 * @example `const failure = verifyAwsSigV4(request, { service: 'sns', credentials }); if ('kind' in failure) …`
 */
export function verifyAwsSigV4(
  request: RecordedRequest,
  expected: { service: string; region?: string | undefined; credentials?: AwsTestCredentials | undefined },
): SigV4Failure | SigV4Credential {
  const authorization = String(request.headers.authorization ?? '');
  if (authorization === '') return { kind: 'missing', message: 'Request is missing Authentication Token' };
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match) {
    return {
      kind: 'incomplete',
      message: `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters (AWS4-HMAC-SHA256).`,
    };
  }
  const [, accessKeyId = '', date = '', region = '', service = '', signed = '', signature = ''] = match;
  if (service !== expected.service)
    return { kind: 'scope', message: `Credential should be scoped to correct service: '${expected.service}'. ` };
  if (expected.region !== undefined && region !== expected.region) {
    return { kind: 'scope', message: `Credential should be scoped to a valid region. ` };
  }
  const signedHeaders = signed.split(';');
  const credential: SigV4Credential = { accessKeyId, date, region, service, signedHeaders };
  if (!expected.credentials) return credential;
  if (accessKeyId !== expected.credentials.accessKeyId) {
    return { kind: 'unknownKey', message: 'The security token included in the request is invalid.' };
  }
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const bodyHash = sha256Hex(request.body);
  const declaredHash = request.headers['x-amz-content-sha256'];
  const mismatch = {
    kind: 'signature',
    message:
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  } as const;
  if (!amzDate.startsWith(date) || (declaredHash !== undefined && declaredHash !== bodyHash)) return mismatch;
  const canonicalHeaders = signedHeaders
    .map(
      (name) =>
        `${name}:${String(request.headers[name] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const canonicalQuery = [...request.query.entries()]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = [request.method, request.path, canonicalQuery, canonicalHeaders, signed, bodyHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${expected.credentials.secretAccessKey}`, date);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  return hmac(key, stringToSign).toString('hex') === signature ? credential : mismatch;
}

const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');
const hmac = (key: string | Buffer, value: string): Buffer => createHmac('sha256', key).update(value, 'utf8').digest();
const rfc3986 = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

// ---------------------------------------------------------------------------------------------

/** HTTP status and fault type of the SNS error codes tests need (Publish errors + common errors). */
const SNS_ERROR_CODES: Readonly<Record<string, { status: number; type: 'Sender' | 'Receiver'; message: string }>> = {
  InvalidParameter: { status: 400, type: 'Sender', message: 'Invalid parameter' },
  ParameterValueInvalid: { status: 400, type: 'Sender', message: 'Invalid parameter value' },
  ValidationError: { status: 400, type: 'Sender', message: '1 validation error detected' },
  ValidationException: { status: 400, type: 'Sender', message: 'Invalid request' },
  AuthorizationError: { status: 403, type: 'Sender', message: 'User is not authorized to perform: SNS:Publish' },
  EndpointDisabled: { status: 400, type: 'Sender', message: 'Endpoint is disabled' },
  OptedOut: { status: 400, type: 'Sender', message: 'Phone number is opted out' },
  NotFound: { status: 404, type: 'Sender', message: 'Resource not found' },
  InvalidSecurity: { status: 403, type: 'Sender', message: 'The request must be signed with Signature Version 4 over HTTPS' },
  KMSThrottling: { status: 400, type: 'Sender', message: 'KMS throttled the request' },
  Throttled: { status: 429, type: 'Sender', message: 'Rate exceeded' },
  Throttling: { status: 400, type: 'Sender', message: 'Rate exceeded' },
  InternalError: { status: 500, type: 'Receiver', message: 'Internal Error' },
  InternalFailure: {
    status: 500,
    type: 'Receiver',
    message: 'The request processing has failed because of an unknown error, exception or failure.',
  },
  ServiceUnavailable: { status: 503, type: 'Receiver', message: 'The request has failed due to a temporary failure of the server.' },
  MissingAuthenticationToken: { status: 403, type: 'Sender', message: 'Request is missing Authentication Token' },
  IncompleteSignature: { status: 400, type: 'Sender', message: 'The request signature does not conform to AWS standards.' },
  InvalidClientTokenId: { status: 403, type: 'Sender', message: 'The security token included in the request is invalid.' },
  SignatureDoesNotMatch: {
    status: 403,
    type: 'Sender',
    message: 'The request signature we calculated does not match the signature you provided.',
  },
  InvalidAction: { status: 400, type: 'Sender', message: 'The action or operation requested is invalid.' },
};

/** An SNS error code the emulator knows, or any other string (sent as a 400 `Sender` fault). */
export type SnsErrorCode = keyof typeof SNS_ERROR_CODES | (string & {});

/**
 * The answer SNS gives for an error: the Query-protocol `ErrorResponse` XML with the code's
 * documented HTTP status, and the `x-amzn-RequestId` header.
 *
 * @example `emulator.enqueue(snsError('Throttling'))`
 */
export function snsError(code: SnsErrorCode, message?: string, options: { status?: number; requestId?: string } = {}): ScriptedResponse {
  const known = SNS_ERROR_CODES[code];
  const requestId = options.requestId ?? randomUUID();
  return {
    status: options.status ?? known?.status ?? 400,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body:
      `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">\n` +
      `  <Error>\n    <Type>${known?.type ?? 'Sender'}</Type>\n    <Code>${xml(code)}</Code>\n    <Message>${xml(message ?? known?.message ?? code)}</Message>\n  </Error>\n` +
      `  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`,
  };
}

/**
 * The success body of `Publish`, as in the reference's sample response.
 *
 * @example `emulator.enqueue({ ...snsPublishResponse('fixed-id'), delayMs: 2000 })`
 */
export function snsPublishResponse(messageId: string = randomUUID(), requestId: string = randomUUID()): ScriptedResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body:
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">\n` +
      `  <PublishResult>\n    <MessageId>${xml(messageId)}</MessageId>\n  </PublishResult>\n` +
      `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</PublishResponse>\n`,
  };
}

/** A `Publish` request decoded from its form body. */
export interface SnsPublishInput {
  readonly action: string | null;
  readonly version: string | null;
  readonly phoneNumber: string | null;
  readonly topicArn: string | null;
  readonly targetArn: string | null;
  readonly message: string | null;
  /** `MessageAttributes.entry.N.*`, by name. */
  readonly attributes: Readonly<Record<string, { readonly dataType: string | null; readonly stringValue: string | null }>>;
}

/**
 * Decodes a recorded request's form (`Action`, `PhoneNumber`, `Message`,
 * `MessageAttributes.entry.N.Name/Value.DataType/Value.StringValue`).
 *
 * @example `expect(publishInput(emulator.requests[0]).attributes['AWS.SNS.SMS.SMSType']?.stringValue).toBe('Transactional')`
 */
export function publishInput(request: RecordedRequest): SnsPublishInput {
  const form = request.form ?? new URLSearchParams(request.body);
  const attributes: Record<string, { dataType: string | null; stringValue: string | null }> = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const prefix = `MessageAttributes.entry.${n}`;
    attributes[form.get(`${prefix}.Name`) ?? ''] = {
      dataType: form.get(`${prefix}.Value.DataType`),
      stringValue: form.get(`${prefix}.Value.StringValue`),
    };
  }
  return {
    action: form.get('Action'),
    version: form.get('Version'),
    phoneNumber: form.get('PhoneNumber'),
    topicArn: form.get('TopicArn'),
    targetArn: form.get('TargetArn'),
    message: form.get('Message'),
    attributes,
  };
}

export interface SnsEmulatorOptions {
  /** Only accept signatures scoped to this region. Default: any region. */
  readonly region?: string;
  /** Verify the access key and the SigV4 signature against these. Default: check the header's shape and service only. */
  readonly credentials?: AwsTestCredentials;
  /** Where each accepted SMS ends up, as its delivery-status log tells (default: delivered). */
  readonly outcome?: OutcomeByDestination;
  /** The account in the log group names. Default `123456789012`. */
  readonly accountId?: string;
}

export interface SnsEmulator extends Emulator {
  /**
   * The CloudWatch Logs subscription events SNS would deliver for every SMS accepted so far
   * (delivery-status logging on, success sample rate 100 %): one event for the
   * `sns/<region>/<account>/DirectPublishToPhoneNumber` group with the successes, one for
   * `…/Failure` with the failures, each present only when it has a log.
   */
  receiptEvents(): CloudWatchLogsEvent[];
}

/** An SMS the emulator accepted, kept to write its delivery-status log. */
interface AcceptedSms {
  readonly messageId: string;
  readonly to: string;
  readonly smsType: string;
  readonly region: string;
  readonly publishedAt: number;
}

// Each outcome as a log says it: status and `providerResponse` from the guide's list. SNS
// documents no expiry reason, so an expired SMS gets the reason for an unanswered attempt.
const LOGGED_OUTCOME: Record<DeliveryOutcome, { status: 'SUCCESS' | 'FAILURE'; providerResponse: string }> = {
  delivered: { status: 'SUCCESS', providerResponse: 'Message has been accepted by phone carrier' },
  undelivered: { status: 'FAILURE', providerResponse: 'Phone is currently unreachable/unavailable' },
  failed: { status: 'FAILURE', providerResponse: 'Invalid phone number' },
  expired: { status: 'FAILURE', providerResponse: 'Unknown error attempting to reach phone' },
};

/**
 * The delivery-status log SNS writes for one SMS, as in the guide's examples (the destination
 * is there in full, as in real logs: readers must not log it).
 *
 * @example `JSON.parse(snsDeliveryLog({ messageId, to: '+14155550100' }, 'undelivered')).status // 'FAILURE'`
 */
export function snsDeliveryLog(
  sms: { readonly messageId: string; readonly to: string; readonly smsType?: string; readonly publishedAt?: number },
  outcome: DeliveryOutcome,
): string {
  const { status, providerResponse } = LOGGED_OUTCOME[outcome];
  const timestamp = new Date(sms.publishedAt ?? Date.now()).toISOString().replace('T', ' ').replace('Z', '');
  return JSON.stringify({
    notification: { messageId: sms.messageId, timestamp },
    delivery: {
      mnc: 0,
      destination: sms.to,
      priceInUSD: 0.00645,
      smsType: sms.smsType ?? 'Transactional',
      mcc: 0,
      providerResponse,
      dwellTimeMs: 599,
      dwellTimeMsUntilDeviceAck: 1344,
    },
    status,
  });
}

const E164 = /^\+[1-9]\d{1,14}$/;
const SENDER_ID = /^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/;
const DATA_TYPES = /^(String|Number|Binary|String\.Array)(\..+)?$/;

/**
 * Starts a loopback SNS for `Publish` to a phone number. Point the SDK at it with
 * `AWS_ENDPOINT_URL_SNS=emulator.baseUrl`. Requests must be SigV4-signed for service `sns`
 * (403 `MissingAuthenticationToken` / `SignatureDoesNotMatch` / `InvalidClientTokenId`
 * otherwise); `PhoneNumber` must be E.164, `Message` non-empty and at most 1,600 characters, and
 * the SMS attributes valid (400 `InvalidParameter`); a valid request gets a fresh `MessageId`.
 *
 * @example
 * ```ts
 * const sns = await startSnsEmulator({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' } });
 * vi.stubEnv('AWS_ENDPOINT_URL_SNS', sns.baseUrl);
 * sns.enqueue(snsError('Throttling'));
 * ```
 */
export async function startSnsEmulator(options: SnsEmulatorOptions = {}): Promise<SnsEmulator> {
  const { outcome = () => 'delivered', accountId = '123456789012' } = options;
  let accepted: AcceptedSms[] = [];
  const emulator = await startEmulator((request) => {
    const auth = verifyAwsSigV4(request, { service: 'sns', region: options.region, credentials: options.credentials });
    if ('kind' in auth) {
      const code = {
        missing: 'MissingAuthenticationToken',
        incomplete: 'IncompleteSignature',
        scope: 'SignatureDoesNotMatch',
        unknownKey: 'InvalidClientTokenId',
        signature: 'SignatureDoesNotMatch',
      }[auth.kind];
      return snsError(code, auth.message);
    }
    if (request.method !== 'POST' || request.path !== '/' || !request.form) {
      return snsError('InvalidAction', 'The emulator serves form-encoded POST / requests only.');
    }
    const input = publishInput(request);
    if (input.action !== 'Publish')
      return snsError('InvalidAction', `The action ${input.action ?? '(none)'} is not valid for this endpoint.`);
    if (input.version !== '2010-03-31') return snsError('InvalidAction', `Version ${input.version ?? '(none)'} is not supported.`);
    if (input.topicArn || input.targetArn) return snsError('NotFound', 'Topic does not exist');
    if (!input.phoneNumber)
      return snsError('InvalidParameter', 'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
    if (!E164.test(input.phoneNumber)) {
      // SNS echoes the number here, which is why adapters must not log AWS messages verbatim.
      return snsError('InvalidParameter', `Invalid parameter: PhoneNumber Reason: ${input.phoneNumber} is not valid to publish to`);
    }
    if (!input.message) return snsError('InvalidParameter', 'Invalid parameter: Empty message');
    if ([...input.message].length > 1600) return snsError('InvalidParameter', 'Invalid parameter: Message too long');
    for (const [name, value] of Object.entries(input.attributes)) {
      if (!value.dataType || !DATA_TYPES.test(value.dataType) || value.stringValue === null) {
        return snsError(
          'ParameterValueInvalid',
          `The message attribute '${name}' must contain a non-empty value of a supported data type.`,
        );
      }
    }
    const attribute = (name: string) => input.attributes[`AWS.SNS.SMS.${name}`];
    const smsType = attribute('SMSType');
    if (smsType && !['Promotional', 'Transactional'].includes(smsType.stringValue ?? '')) {
      return snsError(
        'InvalidParameter',
        'Invalid parameter: MessageAttributes Reason: AWS.SNS.SMS.SMSType must be Promotional or Transactional',
      );
    }
    const senderId = attribute('SenderID');
    if (senderId && !SENDER_ID.test(senderId.stringValue ?? '')) {
      return snsError(
        'InvalidParameter',
        'Invalid parameter: MessageAttributes Reason: AWS.SNS.SMS.SenderID must be 1-11 alphanumeric characters with at least one letter',
      );
    }
    const origination = attribute('OriginationNumber');
    if (origination && !/^\+?[1-9]\d{2,14}$/.test(origination.stringValue ?? '')) {
      return snsError(
        'InvalidParameter',
        'Invalid parameter: MessageAttributes Reason: AWS.SNS.SMS.OriginationNumber is not a valid phone number',
      );
    }
    const maxPrice = attribute('MaxPrice');
    if (maxPrice && (maxPrice.dataType !== 'Number' || !Number.isFinite(Number(maxPrice.stringValue)))) {
      return snsError('InvalidParameter', 'Invalid parameter: MessageAttributes Reason: AWS.SNS.SMS.MaxPrice must be a Number');
    }
    const messageId = randomUUID();
    accepted.push({
      messageId,
      to: input.phoneNumber,
      smsType: smsType?.stringValue ?? 'Transactional',
      region: auth.region,
      publishedAt: Date.now(),
    });
    return snsPublishResponse(messageId);
  });
  const reset = emulator.reset.bind(emulator);
  return Object.assign(emulator, {
    reset() {
      reset();
      accepted = [];
    },
    receiptEvents() {
      const groups = new Map<string, string[]>();
      for (const sms of accepted) {
        const result = outcome(sms.to);
        const group = `sns/${sms.region}/${accountId}/DirectPublishToPhoneNumber${result === 'delivered' ? '' : '/Failure'}`;
        groups.set(group, [...(groups.get(group) ?? []), snsDeliveryLog(sms, result)]);
      }
      return [...groups].map(([group, logs]) => cloudWatchLogsEvent(group, logs));
    },
  });
}

const xml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
