import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { smsSegments } from '@cognito-sms/core/provider';
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

/*
 * A loopback emulator of Telnyx's Send a message endpoint, written from Telnyx's public reference:
 *
 * - API reference, "Send a message" (https://developers.telnyx.com/api-reference/messages/send-a-message;
 *   base URL https://api.telnyx.com/v2): `POST /v2/messages`, `Authorization: Bearer <API key>`,
 *   JSON body with `to` (required, +E.164 or short code), `from` (required with a number, short
 *   code or alphanumeric sender ID), `messaging_profile_id` (required for a number pool or an
 *   alphanumeric sender ID), `text` (required for SMS), `type` (`SMS` or `MMS`). Success: HTTP 200
 *   `{ "data": { "record_type": "message", "direction": "outbound", "id", "type", "from": {…},
 *   "to": [{ "phone_number", "status": "queued", … }], "text", "encoding", "parts", … } }`.
 * - "API error codes" (https://developers.telnyx.com/development/api-fundamentals/api-errors) and
 *   the per-code pages (https://developers.telnyx.com/api/errors/<code>): errors are
 *   `{ "errors": [{ "code": "<string>", "title", "detail", "source": { "pointer" } }] }`; the
 *   SDK types it as `MessagingError { code: string; title: string; detail?; source?: { pointer?,
 *   parameter? }; meta? }`. 40310 "Invalid 'to' address" is documented as HTTP 400 ("The 'to'
 *   address should be a single valid number."), 10035 as 403.
 * - "Messaging Error Code Reference" (https://developers.telnyx.com/docs/messaging/messages/error-codes)
 *   and support article 6505121: 10xxx request errors, 20xxx account errors (20100 Insufficient
 *   funds), 40xxx messaging errors (40300 Blocked due to STOP message, 40305 Invalid 'from'
 *   address, 40316 No content provided for message, …).
 *
 * - "Receiving Webhooks for Messaging" (https://developers.telnyx.com/docs/messaging/messages/receiving-webhooks)
 *   and the deliveryUpdate callback reference (https://developers.telnyx.com/api-reference/callbacks/delivery-update):
 *   for a message sent with `webhook_url`, a JSON POST per status change, `message.sent` (to[].status
 *   `sent`) then `message.finalized` (`delivered`, `delivery_failed`, `sending_failed`, `expired`, …,
 *   with `errors[]` on failure), body `{ data: { record_type: 'event', id, event_type, occurred_at,
 *   payload: <the message> }, meta: { attempt, delivered_to } }`, headers `telnyx-timestamp` (Unix
 *   seconds) and `telnyx-signature-ed25519` = base64 Ed25519 signature of `${timestamp}|${body}`
 *   with the account's key (its public half is Mission Control's "Public Key").
 *
 * HTTP statuses the reference does not give per code follow the code's family: 400 for request
 * and messaging errors, 401 for authentication (10009), 403 for authorization and account state
 * (10010, 2xxxx), 404 for 10005, 429 for 10011, 500 for 10007. The adapter classifies by code
 * first, so the status matters only for codes it does not know.
 */

export const TELNYX_TEST_API_KEY = 'KEY0123456789ABCDEF_testTelnyxSecret';

/** Titles and statuses the emulator answers with; titles are Telnyx's. */
export const TELNYX_DOCUMENTED_ERRORS: Readonly<Record<string, { status: number; title: string; detail: string }>> = {
  '10002': { status: 400, title: 'Invalid phone number', detail: 'The phone number is invalid.' },
  '10004': { status: 400, title: 'Missing required parameter', detail: 'A required parameter was missing.' },
  '10005': { status: 404, title: 'Resource not found', detail: 'The requested resource or URL could not be found.' },
  '10007': { status: 500, title: 'Unexpected error', detail: 'An unexpected error occured.' },
  '10009': {
    status: 401,
    title: 'Authentication failed',
    detail: 'The required authentication headers were either invalid or not included in the request.',
  },
  '10010': {
    status: 403,
    title: 'Authorization failed',
    detail: 'You do not have permission to perform the requested action on the specified resource or resources.',
  },
  '10011': { status: 429, title: 'Too many requests', detail: 'You have exceeded the maximum number of allowed requests.' },
  '10015': { status: 400, title: 'Bad Request', detail: 'The request failed because it was not well-formed.' },
  '10016': {
    status: 400,
    title: 'Phone number must be in +E.164 format',
    detail: 'The specified phone number parameter must be in +E.164 format.',
  },
  // The reference gives no detail text for these; the title is repeated.
  '20100': { status: 403, title: 'Insufficient funds', detail: 'Insufficient funds.' },
  '40300': { status: 400, title: 'Blocked due to STOP message', detail: 'Blocked due to STOP message.' },
  '40305': { status: 400, title: "Invalid 'from' address", detail: "Invalid 'from' address." },
  '40309': { status: 400, title: 'Invalid destination region', detail: 'Invalid destination region (not whitelisted).' },
  '40310': { status: 400, title: "Invalid 'to' address", detail: "The 'to' address should be a single valid number." },
  '40316': { status: 400, title: 'No content provided for message', detail: 'No content provided for message.' },
  '40318': { status: 400, title: 'Message queue full', detail: 'Message queue full.' },
};

/**
 * An error answer as Telnyx documents it: `{ errors: [{ code, title, detail, source? }] }`.
 *
 * @example `emulator.enqueue(telnyxError('40300'))`
 */
export function telnyxError(
  code: string,
  options: { status?: number; title?: string; detail?: string; pointer?: string; headers?: Record<string, string> } = {},
): ScriptedResponse {
  const documented = TELNYX_DOCUMENTED_ERRORS[code];
  const status = options.status ?? documented?.status ?? 400;
  const error = {
    code,
    title: options.title ?? documented?.title ?? 'Error',
    detail: options.detail ?? documented?.detail ?? '',
    ...(options.pointer ? { source: { pointer: options.pointer } } : {}),
    meta: { url: `https://developers.telnyx.com/docs/overview/errors/${code}` },
  };
  return { status, body: { errors: [error] }, ...(options.headers ? { headers: options.headers } : {}) };
}

/** One message the emulator accepted. */
export interface TelnyxDelivery {
  readonly id: string;
  readonly to: string;
  readonly from: string | undefined;
  readonly messagingProfileId: string | undefined;
  readonly text: string;
  readonly encoding: 'GSM-7' | 'UCS-2';
  readonly parts: number;
}

export interface TelnyxEmulator extends Emulator {
  /** Messages accepted since the last reset, in order. */
  readonly delivered: TelnyxDelivery[];
  /** The signing key's public half, base64 of the raw 32 bytes, as Mission Control shows it: TELNYX_PUBLIC_KEY. */
  readonly publicKey: string;
  /** Waits for the delivery webhooks sent so far and returns them with the receiver's answers. */
  receipts(): Promise<readonly SentCallback[]>;
}

export interface TelnyxEmulatorOptions {
  readonly apiKey?: string;
  /** Where each message with a `webhook_url` ends up (default: delivered). */
  readonly outcome?: OutcomeByDestination;
}

const E164 = /^\+[1-9]\d{1,14}$/;
const SHORT_CODE = /^\d{3,8}$/;
const ALPHANUMERIC = /^(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

/**
 * Starts the emulator. Its route checks method and path (`POST /v2/messages`), the Bearer key,
 * the JSON body and the documented field rules, and accepts valid messages with a fresh id,
 * answering the documented `{ data: … }` body.
 *
 * @example
 * ```ts
 * const telnyx = await startTelnyxEmulator();
 * createTelnyxProvider({ apiKey, from, baseUrl: `${telnyx.baseUrl}/v2` });
 * ```
 */
export async function startTelnyxEmulator(options: TelnyxEmulatorOptions = {}): Promise<TelnyxEmulator> {
  const apiKey = options.apiKey ?? TELNYX_TEST_API_KEY;
  const outcome = options.outcome ?? (() => 'delivered');
  const delivered: TelnyxDelivery[] = [];
  // Each emulator signs with a fresh account key, as each Telnyx account has its own.
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const callbacks = createCallbackSender();
  const route = (request: RecordedRequest): ScriptedResponse => {
    if (request.path !== '/v2/messages') return telnyxError('10005');
    if (request.method !== 'POST') return telnyxError('10015', { status: 405, detail: 'Method not allowed.' });
    if (request.headers.authorization !== `Bearer ${apiKey}`) return telnyxError('10009');
    const body = request.json;
    if (
      !String(request.headers['content-type'] ?? '').includes('application/json') ||
      typeof body !== 'object' ||
      body === null ||
      Array.isArray(body)
    ) {
      return telnyxError('10015');
    }
    const { to, from, messaging_profile_id: profile, text, type = 'SMS', webhook_url: webhookUrl } = body as Record<string, unknown>;
    if (to === undefined) return telnyxError('10004', { detail: "The 'to' parameter is required.", pointer: '/to' });
    if (typeof to !== 'string' || !(E164.test(to) || SHORT_CODE.test(to))) return telnyxError('40310', { pointer: '/to' });
    if (from === undefined && profile === undefined) {
      return telnyxError('10004', { detail: "Either 'from' or 'messaging_profile_id' is required.", pointer: '/from' });
    }
    if (from !== undefined && (typeof from !== 'string' || !(E164.test(from) || SHORT_CODE.test(from) || ALPHANUMERIC.test(from)))) {
      return telnyxError('40305', { pointer: '/from' });
    }
    if (typeof from === 'string' && ALPHANUMERIC.test(from) && profile === undefined) {
      return telnyxError('10004', {
        detail: "'messaging_profile_id' is required with an alphanumeric sender ID.",
        pointer: '/messaging_profile_id',
      });
    }
    if (type !== 'SMS' && type !== 'MMS') return telnyxError('10015', { detail: "'type' must be SMS or MMS.", pointer: '/type' });
    if (typeof text !== 'string' || text === '') return telnyxError('40316', { pointer: '/text' });
    const info = smsSegments(text);
    const delivery: TelnyxDelivery = {
      id: randomUUID(),
      to,
      from: typeof from === 'string' ? from : undefined,
      messagingProfileId: typeof profile === 'string' ? profile : undefined,
      text,
      encoding: info.encoding,
      parts: info.segments,
    };
    delivered.push(delivery);
    const data = { ...successData(delivery), webhook_url: typeof webhookUrl === 'string' ? webhookUrl : null };
    if (typeof webhookUrl === 'string' && webhookUrl !== '') reportStatus(callbacks, webhookUrl, data, outcome(to), privateKey);
    return { status: 200, body: { data } };
  };
  const emulator = await startEmulator(route);
  return {
    ...emulator,
    delivered,
    publicKey: Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('base64'),
    receipts: () => callbacks.settled(),
    reset: () => {
      emulator.reset();
      callbacks.reset();
      delivered.length = 0;
    },
  };
}

// The final `to[].status` and messaging error Telnyx reports for each outcome (Messaging Error
// Code Reference: 40008 Undeliverable, 40001 Not routable, 40014 Message expired in queue).
const FINAL_STATUS: Record<DeliveryOutcome, { status: string; error?: { code: string; title: string } }> = {
  delivered: { status: 'delivered' },
  undelivered: { status: 'delivery_failed', error: { code: '40008', title: 'Undeliverable' } },
  failed: { status: 'sending_failed', error: { code: '40001', title: 'Not routable' } },
  expired: { status: 'expired', error: { code: '40014', title: 'Message expired in queue' } },
};

/** Queues `message.sent` and `message.finalized` for an accepted message, signed as Telnyx signs them. */
function reportStatus(
  callbacks: CallbackSender,
  url: string,
  message: ReturnType<typeof successData>,
  outcome: DeliveryOutcome,
  key: KeyObject,
): void {
  const final = FINAL_STATUS[outcome];
  const sentAt = new Date().toISOString();
  for (const [eventType, status, error] of [
    ['message.sent', 'sent', undefined],
    ['message.finalized', final.status, final.error],
  ] as const) {
    const occurredAt = new Date().toISOString();
    const payload = {
      ...message,
      to: message.to.map((recipient) => ({ ...recipient, status })),
      sent_at: sentAt,
      completed_at: eventType === 'message.finalized' ? occurredAt : null,
      errors: error ? [{ ...error, detail: error.title }] : [],
    };
    const body = JSON.stringify({
      data: { record_type: 'event', id: randomUUID(), event_type: eventType, occurred_at: occurredAt, payload },
      meta: { attempt: 1, delivered_to: url },
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    callbacks.send({
      url,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'telnyx-timestamp': timestamp,
        'telnyx-signature-ed25519': sign(null, Buffer.from(`${timestamp}|${body}`), key).toString('base64'),
      },
      body,
      delayMs: 20,
    });
  }
}

/** The documented `OutboundMessagePayload` for an accepted SMS. */
function successData(delivery: TelnyxDelivery) {
  return {
    record_type: 'message',
    direction: 'outbound',
    id: delivery.id,
    type: 'SMS',
    messaging_profile_id: delivery.messagingProfileId ?? '4000eba1-a0c0-4563-9925-b25e842a7cb6',
    organization_id: 'b448f9cc-a842-4784-98e9-03c1a5872950',
    from: { phone_number: delivery.from ?? '+18445550001', carrier: 'TELNYX LLC', line_type: 'VoIP' },
    to: [{ phone_number: delivery.to, status: 'queued', carrier: 'T-MOBILE USA, INC.', line_type: 'Wireless' }],
    cc: [],
    text: delivery.text,
    subject: null,
    media: [],
    webhook_url: null as string | null,
    webhook_failover_url: null,
    encoding: delivery.encoding,
    parts: delivery.parts,
    tags: [],
    cost: null,
    cost_breakdown: null,
    tcr_campaign_id: null,
    tcr_campaign_billable: false,
    tcr_campaign_registered: null,
    received_at: new Date().toISOString(),
    sent_at: null,
    completed_at: null,
    valid_until: null,
    errors: [],
    wait_seconds: 0,
  };
}
