// A loopback emulator of Infobip's SMS API send endpoint, written from Infobip's public reference:
// - "Send SMS message", `POST {baseUrl}/sms/2/text/advanced` (infobip.com/docs/api, SMS; the
//   request shape `{ messages: [{ from, destinations: [{ to }], text }] }` and the answer
//   `{ bulkId, messages: [{ messageId, status: { groupId, groupName, id, name, description }, to }] }`
//   as in the official Java client's tests, infobip/infobip-api-java-client
//   src/test/java/com/infobip/api/SmsApiTest.java + util/ResponseStatuses.java: PENDING group 1,
//   status 26 PENDING_ACCEPTED, "Message sent to next instance"). Destinations "must be in
//   international format (Example: 41793026727)".
// - "API authentication" (infobip.com/docs/developer-resources/authentication-and-access/api-authentication):
//   the account's Base URL `xxxxx.api.infobip.com` and `Authorization: App <API key>`.
// - HTTP errors: `{ requestError: { serviceException: { messageId, text, validationErrors? } } }`,
//   400 BAD_REQUEST "Bad request" and 500 GENERAL_ERROR (ApiErrorResponsesTest.java in the Java
//   client), 401 UNAUTHORIZED "Invalid login details" and 429 TOO_MANY_REQUESTS "Too many requests"
//   (infobip-community/infobip-api-go-sdk tests).
// - Message statuses: "Response status and error codes" (infobip.com/docs/essentials/api-essentials/
//   response-status-and-error-codes): groups 1 PENDING, 2 UNDELIVERABLE, 3 DELIVERED, 4 EXPIRED,
//   5 REJECTED; MISSING_TO (51) when `to` is empty, REJECTED_DESTINATION (52) when the number is
//   not valid. A send that Infobip rejects still answers HTTP 200, with a REJECTED status.
// - Delivery reports: "Receive outbound SMS message report" (infobip.com/docs/api/channels/sms/
//   sms-messaging/logs-and-status-reports/receive-outbound-sms-message-report) and "Delivery
//   reports on Notify URL": a message with `notifyUrl` has its final report POSTed there as
//   `{ results: [{ bulkId, messageId, to, sentAt, doneAt, smsCount, mccMnc, callbackData?, price,
//   status, error }] }` (times `yyyy-MM-dd'T'HH:mm:ss.SSSZ`), as `notifyContentType` says (JSON or
//   XML; only JSON is emulated). Infobip signs nothing: whatever token the URL carries comes back
//   as it was sent. Statuses: DELIVERED_TO_HANDSET (group 3, id 5), UNDELIVERABLE_NOT_DELIVERED
//   (2, 9), EXPIRED_EXPIRED (4, 15), REJECTED_NETWORK (5, 6); errors NO_ERROR (0) and
//   EC_ABSENT_SUBSCRIBER (HANDSET_ERRORS, 27).
import { randomUUID } from 'node:crypto';
import {
  type CallbackSender,
  createCallbackSender,
  type DeliveryOutcome,
  type Emulator,
  type OutcomeByDestination,
  type RecordedRequest,
  type ScriptedResponse,
  type SentCallback,
  startEmulator,
} from '@cognito-sms/testkit';

export const INFOBIP_TEST_API_KEY = 'test-api-key-infobip-9a7b3c';

/** An Infobip message status object. */
export interface InfobipStatus {
  readonly groupId: number;
  readonly groupName: string;
  readonly id: number;
  readonly name: string;
  readonly description: string;
}

/** The status of a message Infobip accepted. */
export const INFOBIP_PENDING: InfobipStatus = Object.freeze({
  groupId: 1,
  groupName: 'PENDING',
  id: 26,
  name: 'PENDING_ACCEPTED',
  description: 'Message sent to next instance',
});

/** REJECTED (group 5) statuses of the reference, name → id and description. */
export const INFOBIP_REJECTIONS: Readonly<Record<string, { readonly id: number; readonly description: string }>> = Object.freeze({
  // Descriptions: the first sentence of the reference's, shortened.
  REJECTED_NETWORK: { id: 6, description: 'Network is either out of coverage or not set up on your account' },
  REJECTED_PREFIX_MISSING: { id: 8, description: 'Number not recognized due to an incorrect number prefix or length' },
  REJECTED_DND: { id: 10, description: 'The user is subscribed to DND (Do Not Disturb) services' },
  REJECTED_SOURCE: { id: 11, description: 'The sender ID has not been registered on your account' },
  REJECTED_NOT_ENOUGH_CREDITS: { id: 12, description: 'Your account is out of credits for further submission' },
  REJECTED_SENDER: { id: 13, description: 'The sender ID has been blocklisted on your account' },
  REJECTED_DESTINATION_BLOCKLISTED: { id: 14, description: 'The destination address has been blocklisted' },
  REJECTED_PREPAID_PACKAGE_EXPIRED: { id: 17, description: 'Account credits are past their validity period' },
  REJECTED_DESTINATION_NOT_REGISTERED: { id: 18, description: 'Your account is set up for submission only to a single number' },
  REJECTED_ROUTE_NOT_AVAILABLE: { id: 19, description: 'No routes on your account are available for further submission' },
  REJECTED_FLOODING_FILTER: { id: 20, description: 'Rejected due to an anti-flooding mechanism' },
  REJECTED_SYSTEM_ERROR: { id: 21, description: 'Rejected due to an expected system error; retry the submission' },
  REJECTED_DUPLICATE_MESSAGE_ID: { id: 23, description: 'Duplicate message ID specified in the submit request' },
  REJECTED_INVALID_UDH: { id: 24, description: 'The message was formatted incorrectly (UDH)' },
  REJECTED_MESSAGE_TOO_LONG: { id: 25, description: 'The total message length is more than 25 parts or 4000 bytes' },
  MISSING_TO: { id: 51, description: 'The to parameter has not been set, or it is empty' },
  REJECTED_DESTINATION: { id: 52, description: 'The destination is invalid: the number prefix is incorrect' },
  SIGNALS_BLOCKED: { id: 87, description: 'Rejected due to an anti-fraud mechanism' },
  UNDELIVERABLE_REJECTED_PLATFORM: { id: 100, description: 'Invalid, malformed, or the service is temporarily unavailable' },
});

/** A message the emulator accepted. */
export interface InfobipDelivery {
  readonly messageId: string;
  readonly to: string;
  readonly from: string | undefined;
  readonly text: string;
}

export interface InfobipEmulatorOptions {
  readonly apiKey?: string;
  /** Where each message with a `notifyUrl` ends up (default: delivered). */
  readonly outcome?: OutcomeByDestination;
}

export interface InfobipEmulator extends Emulator {
  readonly apiKey: string;
  /** Messages the route accepted (scripted responses deliver nothing). */
  readonly delivered: InfobipDelivery[];
  /** Waits for the delivery reports sent so far and returns them with the receiver's answers. */
  receipts(): Promise<readonly SentCallback[]>;
}

/**
 * An HTTP error as the SMS API sends it.
 *
 * @example `emulator.enqueue(infobipError(401, 'UNAUTHORIZED', 'Invalid login details'))`
 */
export const infobipError = (
  status: number,
  messageId: string,
  text = messageId,
  validationErrors?: Readonly<Record<string, readonly string[]>>,
  headers: Readonly<Record<string, string>> = {},
): ScriptedResponse => ({
  status,
  headers,
  body: { requestError: { serviceException: { messageId, text, ...(validationErrors ? { validationErrors } : {}) } } },
});

/**
 * A send answered HTTP 200 with this status for the one message (e.g. a REJECTED status).
 *
 * @example `emulator.enqueue(infobipStatusResponse(infobipRejected('REJECTED_NOT_ENOUGH_CREDITS')))`
 */
export const infobipStatusResponse = (status: InfobipStatus, to = '447700900123'): ScriptedResponse => ({
  status: 200,
  body: { bulkId: randomUUID(), messages: [{ messageId: randomUUID(), status, to }] },
});

/**
 * The REJECTED (group 5) status object named `name`.
 *
 * @example `infobipRejected('REJECTED_DESTINATION') // { groupId: 5, groupName: 'REJECTED', id: 52, … }`
 */
export function infobipRejected(name: string): InfobipStatus {
  const known = INFOBIP_REJECTIONS[name];
  return { groupId: 5, groupName: 'REJECTED', id: known?.id ?? 0, name, description: known?.description ?? name };
}

const badRequest = (field: string, violation: string) => infobipError(400, 'BAD_REQUEST', 'Bad request', { [field]: [violation] });

/**
 * Starts the emulator. Its route checks the path, the `App` API key and the request fields, and
 * answers 200 with a PENDING status per destination (REJECTED for an invalid or missing number).
 *
 * @example
 * ```ts
 * const infobip = await startInfobipEmulator();
 * const provider = createInfobipProvider({ apiKey: new Secret(infobip.apiKey), baseUrl: infobip.baseUrl });
 * ```
 */
export async function startInfobipEmulator(options: InfobipEmulatorOptions = {}): Promise<InfobipEmulator> {
  const apiKey = options.apiKey ?? INFOBIP_TEST_API_KEY;
  const outcome = options.outcome ?? (() => 'delivered');
  const callbacks = createCallbackSender();
  const delivered: InfobipDelivery[] = [];

  const route = (request: RecordedRequest): ScriptedResponse => {
    if (request.path !== '/sms/2/text/advanced') return infobipError(404, 'NOT_FOUND', 'Not found');
    if (request.method !== 'POST') return infobipError(405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
    if (request.headers.authorization !== `App ${apiKey}`) return infobipError(401, 'UNAUTHORIZED', 'Invalid login details');
    const body = request.json as { messages?: unknown } | undefined;
    if (typeof body !== 'object' || body === null) return infobipError(400, 'BAD_REQUEST', 'Bad request');
    if (!Array.isArray(body.messages) || body.messages.length === 0) return badRequest('messages', 'must not be empty');
    const bulkId = randomUUID();
    const answers: unknown[] = [];
    for (const [index, entry] of (body.messages as unknown[]).entries()) {
      const message = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
      if (!Array.isArray(message.destinations) || message.destinations.length === 0) {
        return badRequest(`messages[${index}].destinations`, 'must not be empty');
      }
      if (typeof message.text !== 'string') return badRequest(`messages[${index}].text`, 'must not be null');
      if (message.from !== undefined && typeof message.from !== 'string') return badRequest(`messages[${index}].from`, 'must be a string');
      const { notifyUrl, notifyContentType = 'application/json', callbackData } = message;
      if (notifyUrl !== undefined && (typeof notifyUrl !== 'string' || !URL.canParse(notifyUrl))) {
        return badRequest(`messages[${index}].notifyUrl`, 'must be a valid URL');
      }
      if (notifyContentType !== 'application/json') {
        return badRequest(`messages[${index}].notifyContentType`, 'only application/json is emulated');
      }
      for (const destination of message.destinations as unknown[]) {
        const to = (destination as { to?: unknown } | null)?.to;
        const messageId = randomUUID();
        if (typeof to !== 'string' || to === '') {
          answers.push({ messageId, status: infobipRejected('MISSING_TO'), to: '' });
        } else if (!/^[1-9]\d{5,14}$/.test(to)) {
          answers.push({ messageId, status: infobipRejected('REJECTED_DESTINATION'), to });
        } else {
          delivered.push({ messageId, to, from: message.from as string | undefined, text: message.text });
          answers.push({ messageId, status: INFOBIP_PENDING, to });
          if (typeof notifyUrl === 'string') {
            const data = typeof callbackData === 'string' ? callbackData : undefined;
            reportDelivery(callbacks, { url: notifyUrl, bulkId, messageId, to, callbackData: data }, outcome);
          }
        }
      }
    }
    return { status: 200, body: { bulkId, messages: answers } };
  };

  const emulator = await startEmulator(route);
  return {
    ...emulator,
    apiKey,
    delivered,
    receipts: () => callbacks.settled(),
    reset: () => {
      emulator.reset();
      callbacks.reset();
      delivered.length = 0;
    },
  };
}

const NO_ERROR = { groupId: 0, groupName: 'OK', id: 0, name: 'NO_ERROR', description: 'No Error', permanent: false };

// The final report's status and error for each outcome.
const FINAL_REPORT: Record<DeliveryOutcome, { status: InfobipStatus; error: typeof NO_ERROR }> = {
  delivered: {
    status: { groupId: 3, groupName: 'DELIVERED', id: 5, name: 'DELIVERED_TO_HANDSET', description: 'Message delivered to handset' },
    error: NO_ERROR,
  },
  undelivered: {
    status: {
      groupId: 2,
      groupName: 'UNDELIVERABLE',
      id: 9,
      name: 'UNDELIVERABLE_NOT_DELIVERED',
      description: 'Message sent not delivered',
    },
    error: {
      groupId: 1,
      groupName: 'HANDSET_ERRORS',
      id: 27,
      name: 'EC_ABSENT_SUBSCRIBER',
      description: 'Absent Subscriber',
      permanent: false,
    },
  },
  failed: { status: infobipRejected('REJECTED_NETWORK'), error: NO_ERROR },
  expired: {
    status: { groupId: 4, groupName: 'EXPIRED', id: 15, name: 'EXPIRED_EXPIRED', description: 'Message expired' },
    error: NO_ERROR,
  },
};

/** `2019-11-09T16:00:00.000+0000`, the reports' time format (UTC). */
const infobipTime = (date: Date): string => date.toISOString().replace('Z', '+0000');

/** Queues the one final delivery report of a message, to its notifyUrl exactly as given. */
function reportDelivery(
  callbacks: CallbackSender,
  message: {
    readonly url: string;
    readonly bulkId: string;
    readonly messageId: string;
    readonly to: string;
    readonly callbackData: string | undefined;
  },
  outcome: OutcomeByDestination,
): void {
  const sentAt = infobipTime(new Date());
  const { status, error } = FINAL_REPORT[outcome(`+${message.to}`)];
  const result = {
    bulkId: message.bulkId,
    messageId: message.messageId,
    to: message.to,
    sentAt,
    doneAt: infobipTime(new Date()),
    smsCount: 1,
    mccMnc: '23410',
    ...(message.callbackData === undefined ? {} : { callbackData: message.callbackData }),
    price: { pricePerMessage: 0.01, currency: 'EUR' },
    status,
    error,
  };
  callbacks.send({
    url: message.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ results: [result] }),
    delayMs: 20,
  });
}
