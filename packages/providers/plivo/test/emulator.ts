import { createHmac, randomInt, randomUUID } from 'node:crypto';
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
 * A loopback emulator of Plivo's Send a Message endpoint, written from Plivo's public reference:
 *
 * - "Send a Message" (https://docs.plivo.com/docs/messaging/api/message/send-a-message, and the
 *   older https://www.plivo.com/docs/sms/detailed-reference/api/message/send-a-message/):
 *   `POST https://api.plivo.com/v1/Account/{auth_id}/Message/`; arguments `src` or
 *   `powerpack_uuid` (one of them, not both), `dst` (required; `/ - . + ( )` and spaces are
 *   stripped, then it must start with the country code and be at most 14 characters; several
 *   numbers joined by `<`), `text` (required for SMS; at most 1600 GSM characters or 737 UCS-2
 *   characters), `type` (`sms` by default).
 * - "Overview" (https://docs.plivo.com/docs/messaging/api/overview): HTTP Basic auth, user = Auth
 *   ID, password = Auth Token; JSON request bodies.
 * - "Response" (https://docs.plivo.com/docs/messaging/api/response): success `{ api_id, message:
 *   "message(s) queued", message_uuid: [ … ] }` (HTTP 202 for a send), errors `{ api_id, error }`
 *   with 400 invalid_parameter, 401 authentication_failed, 404 not_found, 405, 429
 *   rate_limit_exceeded, 500.
 * - Bulk messaging (https://docs.plivo.com/docs/messaging/api/message/bulk-messaging): invalid
 *   destinations are listed in `invalid_number`, valid ones get one `message_uuid` each.
 * - A single invalid destination answers 400 with "'<number>' is not a valid phone number."
 *   (as reported in plivo/plivo-node#222); a blocked country answers 403 (geo permissions, the
 *   SDK's `GeoPermissionError`); an empty balance answers `{ "api_id", "error": "InsufficientCredit" }`
 *   (micrypt/go-plivo#8; the status is not given there, 400 is assumed); a US/Canada send from a
 *   sender that is not a Plivo number answers "This caller ID is not allowed for outbound message"
 *   (Plivo support, "Country-wise restrictions and features").
 * - "Message Status Callbacks" (https://docs.plivo.com/docs/messaging/api/message/message-status-callbacks):
 *   for a message sent with `url`, each status change is sent there as form data (POST) or query
 *   parameters (GET): MessageUUID, To, From, Type, Status, Units, TotalRate, TotalAmount, MCC,
 *   MNC, ErrorCode (failed and undelivered only), Sequence, MessageTime, QueuedTime, SentTime,
 *   DeliveryReportTime (`YYYY-mm-dd HH:MM:SS.SSSSSS`); signed with X-Plivo-Signature-V3 (HMAC-SHA256
 *   with the auth token over the URL, the sorted parameters and the nonce, base64) and
 *   X-Plivo-Signature-V3-Nonce, as the SDKs' validateV3Signature checks it.
 */

export const PLIVO_TEST_AUTH_ID = 'MAZDQ1ZJIYMDZHNTBKNW';
export const PLIVO_TEST_AUTH_TOKEN = 'test-auth-token-plivo-0123456789';

/** One message the emulator queued. */
export interface PlivoDelivery {
  readonly messageUuids: string[];
  /** Sanitized destinations that were accepted. */
  readonly dst: string[];
  readonly invalidNumbers: string[];
  readonly src: string | undefined;
  readonly powerpackUuid: string | undefined;
  readonly text: string;
  readonly type: string;
  readonly segments: number;
}

export interface PlivoEmulator extends Emulator {
  /** Messages queued since the last reset, in order. */
  readonly delivered: PlivoDelivery[];
  /** Waits for the status callbacks sent so far and returns them with the receiver's answers. */
  receipts(): Promise<readonly SentCallback[]>;
}

export interface PlivoEmulatorOptions {
  readonly authId?: string;
  readonly authToken?: string;
  /** Where each message with a `url` ends up (default: delivered). */
  readonly outcome?: OutcomeByDestination;
}

const apiId = () => randomUUID();

/**
 * An error answer as Plivo documents it: `{ api_id, error }` with the status.
 *
 * @example `emulator.enqueue(plivoError(429, 'rate_limit_exceeded'))`
 */
export const plivoError = (status: number, error: string, headers?: Record<string, string>): ScriptedResponse => ({
  status,
  body: { api_id: apiId(), error },
  ...(headers ? { headers } : {}),
});

/** The documented answers, ready to enqueue. */
export const plivoErrors = {
  invalidParameter: (detail = 'invalid_parameter') => plivoError(400, detail),
  invalidNumber: (dst: string) => plivoError(400, `'${dst}' is not a valid phone number.`),
  callerIdNotAllowed: () => plivoError(400, 'This caller ID is not allowed for outbound message'),
  insufficientCredit: () => plivoError(400, 'InsufficientCredit'),
  authenticationFailed: () => plivoError(401, 'authentication_failed'),
  geoPermission: () => plivoError(403, 'destination country is not enabled in your geo permissions'),
  notFound: () => plivoError(404, 'not found'),
  rateLimited: (retryAfterSeconds?: number) =>
    plivoError(429, 'rate_limit_exceeded', retryAfterSeconds === undefined ? undefined : { 'retry-after': String(retryAfterSeconds) }),
  serverError: () => plivoError(500, 'server error'),
} as const;

/** A 202 that queued nothing: every destination was invalid (bulk form of the answer). */
export const plivoAllInvalid = (dst: string): ScriptedResponse => ({
  status: 202,
  body: { api_id: apiId(), message: 'message(s) queued', message_uuid: [], invalid_number: [dst] },
});

// `dst` sanitization from the reference: these characters are stripped before validation.
const sanitizeNumber = (value: string) => value.replace(/[/\-.+()\s]/g, '');
const isValidNumber = (value: string) => /^[1-9]\d{6,13}$/.test(value);

/**
 * Starts the emulator. Its route checks method, path, Basic auth (the Auth ID in the path must
 * be the Basic user), the JSON body and the documented argument rules, and queues valid
 * messages with a fresh UUID each.
 *
 * @example
 * ```ts
 * const plivo = await startPlivoEmulator();
 * plivo.enqueue(plivoErrors.rateLimited(1));
 * ```
 */
export async function startPlivoEmulator(options: PlivoEmulatorOptions = {}): Promise<PlivoEmulator> {
  const authId = options.authId ?? PLIVO_TEST_AUTH_ID;
  const authToken = options.authToken ?? PLIVO_TEST_AUTH_TOKEN;
  const outcome = options.outcome ?? (() => 'delivered');
  const callbacks = createCallbackSender();
  const delivered: PlivoDelivery[] = [];
  const route = (request: RecordedRequest): ScriptedResponse => {
    const match = /^\/v1\/Account\/([^/]+)\/Message\/$/.exec(request.path);
    if (!match) return plivoError(404, 'not found');
    if (request.method !== 'POST') return plivoError(405, 'method not allowed');
    const expected = `Basic ${Buffer.from(`${authId}:${authToken}`).toString('base64')}`;
    if (request.headers.authorization !== expected || decodeURIComponent(match[1] ?? '') !== authId) {
      return plivoError(401, 'authentication_failed');
    }
    if (!String(request.headers['content-type'] ?? '').includes('application/json')) {
      return plivoError(400, 'invalid_parameter: the request body must be JSON');
    }
    const body = request.json;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return plivoError(400, 'invalid_parameter: the request body is not valid JSON');
    const { src, powerpack_uuid: powerpackUuid, dst, text, type = 'sms' } = body as Record<string, unknown>;
    if (src === undefined && powerpackUuid === undefined) {
      return plivoError(400, 'Neither of src or powerpack uuid present, either one is required');
    }
    if (src !== undefined && powerpackUuid !== undefined) {
      return plivoError(400, 'Either of src or powerpack uuid, both of them are present');
    }
    if (typeof dst !== 'string' || dst === '') return plivoError(400, 'invalid_parameter: dst is required');
    if (type !== 'sms' && type !== 'mms' && type !== 'whatsapp')
      return plivoError(400, 'invalid_parameter: type must be sms, mms or whatsapp');
    if (typeof text !== 'string' || text === '') return plivoError(400, 'invalid_parameter: text is required');
    const info = smsSegments(text);
    if ((info.encoding === 'GSM-7' && info.units > 1600) || (info.encoding === 'UCS-2' && Array.from(text).length > 737)) {
      return plivoError(400, 'invalid_parameter: text is too long');
    }
    const numbers = dst.split('<').map(sanitizeNumber);
    const valid = [...new Set(numbers.filter(isValidNumber))];
    const invalid = numbers.filter((number) => !isValidNumber(number));
    if (valid.length === 0) return plivoError(400, `'${dst.split('<')[0]}' is not a valid phone number.`);
    const messageUuids = valid.map(() => randomUUID());
    delivered.push({
      messageUuids,
      dst: valid,
      invalidNumbers: invalid,
      src: typeof src === 'string' ? src : undefined,
      powerpackUuid: typeof powerpackUuid === 'string' ? powerpackUuid : undefined,
      text,
      type: String(type),
      segments: info.segments,
    });
    const { url, method = 'POST' } = body as { url?: unknown; method?: unknown };
    if (typeof url === 'string' && url !== '') {
      messageUuids.forEach((uuid, i) => {
        const message = { uuid, to: valid[i] as string, from: typeof src === 'string' ? src : '', units: info.segments };
        reportStatus(callbacks, url, method === 'GET' ? 'GET' : 'POST', message, outcome, authToken);
      });
    }
    return {
      status: 202,
      body: {
        api_id: apiId(),
        message: 'message(s) queued',
        message_uuid: messageUuids,
        ...(invalid.length > 0 ? { invalid_number: invalid } : {}),
      },
    };
  };
  const emulator = await startEmulator(route);
  return {
    ...emulator,
    delivered,
    receipts: () => callbacks.settled(),
    reset: () => {
      emulator.reset();
      callbacks.reset();
      delivered.length = 0;
    },
  };
}

// The final Status and ErrorCode Plivo reports for each outcome (error codes: 80 "Destination
// temporarily unavailable", 90 "No route available"); Plivo has no expiry status, so an expired
// message is undelivered.
const FINAL_STATUS: Record<DeliveryOutcome, { status: string; errorCode: string }> = {
  delivered: { status: 'delivered', errorCode: '' },
  undelivered: { status: 'undelivered', errorCode: '80' },
  failed: { status: 'failed', errorCode: '90' },
  expired: { status: 'undelivered', errorCode: '80' },
};

/** Queues the `sent` and the outcome's final callback of one message, signed with V3. */
function reportStatus(
  callbacks: CallbackSender,
  url: string,
  method: 'GET' | 'POST',
  message: { readonly uuid: string; readonly to: string; readonly from: string; readonly units: number },
  outcome: OutcomeByDestination,
  authToken: string,
): void {
  const messageTime = plivoTime(new Date());
  const final = FINAL_STATUS[outcome(`+${message.to}`)];
  [{ status: 'sent', errorCode: '' }, final].forEach(({ status, errorCode }, i) => {
    const params: Record<string, string> = {
      MessageUUID: message.uuid,
      To: message.to,
      From: message.from,
      Type: 'sms',
      Status: status,
      Units: String(message.units),
      TotalRate: '0.00350',
      TotalAmount: (0.0035 * message.units).toFixed(5),
      MCC: '234',
      MNC: '10',
      ErrorCode: errorCode,
      ParentMessageUUID: message.uuid,
      PartInfo: '',
      Sequence: String(i + 1),
      MessageTime: messageTime,
      QueuedTime: messageTime,
      SentTime: plivoTime(new Date()),
      DeliveryReportTime: i === 0 ? '' : plivoTime(new Date()),
      PowerpackUUID: '',
    };
    const query = new URLSearchParams(params);
    const target = method === 'GET' ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url;
    const nonce = String(randomInt(10 ** 11, 10 ** 12)) + String(randomInt(10 ** 7, 10 ** 8));
    callbacks.send({
      url: target,
      method,
      headers: {
        ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        'x-plivo-signature-v3': createHmac('sha256', authToken)
          .update(`${signedUrl(method, target, params)}.${nonce}`)
          .digest('base64'),
        'x-plivo-signature-v3-nonce': nonce,
      },
      body: method === 'POST' ? query.toString() : '',
      delayMs: 20,
    });
  });
}

/** URL, sorted query, then (POST) `.` and the sorted `namevalue` pairs, as Plivo signs them. */
function signedUrl(method: 'GET' | 'POST', target: string, params: Record<string, string>): string {
  const parsed = new URL(target);
  const base = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  const byName = (pairs: [string, string][]) => pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = byName([...parsed.searchParams])
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  if (method === 'GET') return query ? `${base}?${query}` : base;
  const form = byName(Object.entries(params))
    .map(([name, value]) => name + value)
    .join('');
  return `${base}?${query ? `${query}.` : ''}${form}`;
}

/** `2026-12-07 06:00:00.123000`, the callbacks' time format (UTC). */
const plivoTime = (date: Date): string => `${date.toISOString().replace('T', ' ').replace('Z', '')}000`;
