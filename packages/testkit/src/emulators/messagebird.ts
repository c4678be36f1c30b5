// A loopback emulator of MessageBird's SMS REST API, `POST /messages`, written from public sources:
// - the SMS API reference, developers.messagebird.com/api/sms-messaging/ ("Send outbound SMS":
//   Authorization: AccessKey <key>; originator, recipients, body required; type sms|binary|flash;
//   datacoding plain|unicode|auto, "auto: we will then set unicode or plain depending on the body
//   content"; answer 201 with the Message object) and its "Errors" section (`errors[]` of
//   `{ code, description, parameter }`; codes 2, 9, 10, 20, 21, 25, 98, 99);
// - the official SDKs' fixtures: messagebird/go-rest-api internal/mbtest (401 + code 2 body),
//   sms/testdata/messageObject.json (Message object with `recipients.items[].messagePartCount`),
//   messagebird/messagebird-nodejs types/messages.d.ts (field meanings);
// - captured exchanges in SURFnet/messagebird-api-client-bundle docs/api/*.txt (201 answer;
//   422 with codes 9 "no (correct) recipients found" and 10 "originator is invalid").
// HTTP statuses for codes 20, 21, 25, 98 and 99 follow the reference's status table (404 not
// found, 422 resource couldn't be created, 5xx server side); they were not seen on the wire.
// Status reports follow "Handle a status report" (developers.messagebird.com/api/sms-messaging/):
// a GET to `reportUrl` per status, only for messages with a `reference`, the report in the query
// string; signed as "Verifying HTTP requests" (developers.messagebird.com/api/#verifying-http-requests)
// and the SDKs' webhook-signature-jwt describe: `MessageBird-Signature-JWT`, an HS256 JWT with the
// signing key, claims iss "MessageBird", nbf, exp (nbf + 60 s), jti, url_hash = SHA-256 of the URL.
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import {
  type CallbackSender,
  createCallbackSender,
  type DeliveryOutcome,
  type OutcomeByDestination,
  type SentCallback,
} from '../callbacks.js';
import { type Emulator, type RecordedRequest, type ScriptedResponse, startEmulator } from '../emulator.js';

/** A documented MessageBird REST error code. */
export type MessageBirdErrorCode = 2 | 9 | 10 | 20 | 21 | 25 | 98 | 99;

const ERRORS: Readonly<Record<MessageBirdErrorCode, { status: number; description: string; parameter: string | null }>> = {
  2: { status: 401, description: 'Request not allowed (incorrect access_key)', parameter: 'access_key' },
  9: { status: 422, description: 'no (correct) recipients found', parameter: 'recipient' },
  10: { status: 422, description: 'originator is invalid', parameter: 'originator' },
  20: { status: 404, description: 'message not found', parameter: null },
  21: { status: 422, description: 'Bad request', parameter: null },
  25: { status: 422, description: 'Not enough balance', parameter: null },
  98: { status: 404, description: 'API not found', parameter: null },
  99: { status: 500, description: 'Internal error', parameter: null },
};

/**
 * A documented MessageBird error answer, for `emulator.enqueue(...)`.
 *
 * @example `emulator.enqueue(messageBirdError(25))  // 422 {"errors":[{"code":25,"description":"Not enough balance","parameter":null}]}`
 */
export function messageBirdError(
  code: MessageBirdErrorCode,
  overrides: { status?: number; description?: string; parameter?: string | null } = {},
): ScriptedResponse {
  const known = ERRORS[code];
  return {
    status: overrides.status ?? known.status,
    body: {
      errors: [
        {
          code,
          description: overrides.description ?? known.description,
          parameter: overrides.parameter === undefined ? known.parameter : overrides.parameter,
        },
      ],
    },
  };
}

export interface MessageBirdEmulatorOptions {
  /** The access key the emulator accepts; `test_emulator_access_key` by default. */
  readonly accessKey?: string;
  /** The signing key status reports are signed with; {@link MESSAGEBIRD_EMULATOR_SIGNING_KEY} by default. */
  readonly signingKey?: string;
  /** Where each message with a `reportUrl` ends up (default: delivered). */
  readonly outcome?: OutcomeByDestination;
}

export interface MessageBirdEmulator extends Emulator {
  readonly accessKey: string;
  readonly signingKey: string;
  /** Waits for the status reports sent so far and returns them with the receiver's answers. */
  receipts(): Promise<readonly SentCallback[]>;
}

/** The signing key an emulator signs status reports with unless given another: obviously fake. */
export const MESSAGEBIRD_EMULATOR_SIGNING_KEY = 'emulator-signing-key-0123456789abcdef';

/**
 * Starts a loopback MessageBird: `POST /messages` checks `Authorization: AccessKey <key>`,
 * validates originator / recipients / body / datacoding / type as the reference does, and
 * answers 201 with a Message object (`datacoding` resolved from `auto`, `messagePartCount`
 * counted like an SMSC would). JSON and form bodies are both accepted, like the real API.
 *
 * @example
 * ```ts
 * const mb = await startMessageBirdEmulator();
 * // MESSAGEBIRD_BASE_URL=mb.baseUrl MESSAGEBIRD_ACCESS_KEY=mb.accessKey
 * mb.enqueue(messageBirdError(25));
 * ```
 */
export async function startMessageBirdEmulator(options: MessageBirdEmulatorOptions = {}): Promise<MessageBirdEmulator> {
  const accessKey = options.accessKey ?? 'test_emulator_access_key';
  const signingKey = options.signingKey ?? MESSAGEBIRD_EMULATOR_SIGNING_KEY;
  const outcome = options.outcome ?? (() => 'delivered');
  const callbacks = createCallbackSender();
  const emulator = await startEmulator((request) => {
    const response = route(request, accessKey);
    const fields = response.status === 201 ? readFields(request) : undefined;
    if (fields?.reportUrl && fields.reference)
      reportStatus(callbacks, fields.reportUrl, fields.reference, response.body as SentMessage, outcome, signingKey);
    return response;
  });
  const reset = emulator.reset;
  return Object.assign(emulator, {
    accessKey,
    signingKey,
    receipts: () => callbacks.settled(),
    reset: () => {
      reset();
      callbacks.reset();
    },
  });
}

/** The fields of the 201 answer a status report repeats. */
interface SentMessage {
  readonly id: string;
  readonly createdDatetime: string;
  readonly recipients: { readonly items: readonly { readonly recipient: number; readonly messagePartCount: number }[] };
}

// The final status and reason MessageBird reports for each outcome (the recipient statuses and
// the status reasons of "Handle a status report").
const FINAL_STATUS: Record<DeliveryOutcome, { status: string; statusReason: string }> = {
  delivered: { status: 'delivered', statusReason: 'successfully delivered' },
  undelivered: { status: 'delivery_failed', statusReason: 'unknown subscriber' },
  failed: { status: 'delivery_failed', statusReason: 'carrier rejected' },
  expired: { status: 'expired', statusReason: 'expired' },
};

/** Queues `sent`, then the outcome's final report, per recipient, each signed with the signing key. */
function reportStatus(
  callbacks: CallbackSender,
  reportUrl: string,
  reference: string,
  message: SentMessage,
  outcome: OutcomeByDestination,
  signingKey: string,
): void {
  for (const item of message.recipients.items) {
    const final = FINAL_STATUS[outcome(`+${item.recipient}`)];
    for (const { status, statusReason } of [{ status: 'sent', statusReason: 'pending DLR' }, final]) {
      const query = new URLSearchParams({
        id: message.id,
        reference,
        recipient: String(item.recipient),
        status,
        statusReason,
        statusDatetime: new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00'),
        createdDatetime: message.createdDatetime,
        mccmnc: '20408',
        ported: '0',
        'price[amount]': '0.070',
        'price[currency]': 'EUR',
        messagePartCount: String(item.messagePartCount),
      });
      const url = `${reportUrl}${reportUrl.includes('?') ? '&' : '?'}${query}`;
      callbacks.send({
        url,
        method: 'GET',
        headers: { 'messagebird-signature-jwt': signatureJwt(url, signingKey) },
        body: '',
        delayMs: 20,
      });
    }
  }
}

/** `MessageBird-Signature-JWT` for a request without a body. */
function signatureJwt(url: string, signingKey: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const nbf = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({
    iss: 'MessageBird',
    nbf,
    exp: nbf + 60,
    jti: randomUUID(),
    url_hash: createHash('sha256').update(url).digest('hex'),
  })}`;
  return `${unsigned}.${createHmac('sha256', signingKey).update(unsigned).digest('base64url')}`;
}

function route(request: RecordedRequest, accessKey: string): ScriptedResponse {
  if (request.headers.authorization !== `AccessKey ${accessKey}`) return messageBirdError(2);
  if (request.path !== '/messages') return messageBirdError(98);
  if (request.method !== 'POST')
    return { status: 405, body: { errors: [{ code: 21, description: 'Method not allowed', parameter: null }] } };

  const fields = readFields(request);
  if (!fields) return messageBirdError(21, { description: 'request body could not be parsed' });
  const errors: { code: number; description: string; parameter: string | null }[] = [];
  const missing = (name: string) => errors.push({ code: 9, description: `${name} is missing`, parameter: name });
  const invalid = (name: string) => errors.push({ code: 10, description: `${name} is invalid`, parameter: name });

  const recipients = fields.recipients.filter((value) => /^\+?\d{5,15}$/.test(value)).map((value) => value.replace(/^\+/, ''));
  if (fields.recipients.length === 0 || recipients.length !== fields.recipients.length) {
    errors.push({ code: 9, description: 'no (correct) recipients found', parameter: 'recipient' });
  }
  if (fields.originator === undefined || fields.originator === '') missing('originator');
  else if (!/^\+?\d{1,16}$/.test(fields.originator) && !/^[A-Za-z0-9 ]{1,11}$/.test(fields.originator)) invalid('originator');
  if (fields.body === undefined || fields.body === '') missing('body');
  const datacoding = fields.datacoding ?? 'plain';
  if (!['plain', 'unicode', 'auto'].includes(datacoding)) invalid('datacoding');
  const type = fields.type ?? 'sms';
  if (!['sms', 'binary', 'flash'].includes(type)) invalid('type');
  if (errors.length > 0) return { status: 422, body: { errors } };

  const body = fields.body as string;
  const coding = datacoding === 'auto' ? (isGsm7(body) ? 'plain' : 'unicode') : datacoding;
  const parts = countParts(body, coding === 'unicode');
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
  const id = randomBytes(16).toString('hex');
  return {
    status: 201,
    body: {
      id,
      href: `https://rest.messagebird.com/messages/${id}`,
      direction: 'mt',
      type,
      originator: fields.originator,
      body,
      reference: fields.reference ?? null,
      validity: null,
      gateway: 10,
      typeDetails: {},
      datacoding: coding,
      mclass: type === 'flash' ? 0 : 1,
      scheduledDatetime: null,
      createdDatetime: now,
      recipients: {
        totalCount: recipients.length,
        totalSentCount: recipients.length,
        totalDeliveredCount: 0,
        totalDeliveryFailedCount: 0,
        items: recipients.map((recipient) => ({
          recipient: Number(recipient),
          status: 'sent',
          statusDatetime: now,
          messagePartCount: parts,
        })),
      },
    },
  };
}

interface SendFields {
  originator?: string;
  body?: string;
  recipients: string[];
  datacoding?: string;
  type?: string;
  reference?: string;
  reportUrl?: string;
}

/** JSON (recipients an array or a comma-separated string) or a form, as the API takes both. */
function readFields(request: RecordedRequest): SendFields | undefined {
  const text = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);
  if (request.form) {
    const form = request.form;
    return {
      ...optional('originator', form.get('originator') ?? undefined),
      ...optional('body', form.get('body') ?? undefined),
      recipients: form.getAll('recipients').flatMap(splitRecipients),
      ...optional('datacoding', form.get('datacoding') ?? undefined),
      ...optional('type', form.get('type') ?? undefined),
      ...optional('reference', form.get('reference') ?? undefined),
      ...optional('reportUrl', form.get('reportUrl') ?? undefined),
    };
  }
  if (typeof request.json !== 'object' || request.json === null) return undefined;
  const json = request.json as Record<string, unknown>;
  const raw = json.recipients;
  const recipients = Array.isArray(raw)
    ? raw.map((value) => text(value) ?? '')
    : typeof raw === 'string' || typeof raw === 'number'
      ? splitRecipients(String(raw))
      : [];
  return {
    ...optional('originator', text(json.originator)),
    ...optional('body', text(json.body)),
    recipients,
    ...optional('datacoding', text(json.datacoding)),
    ...optional('type', text(json.type)),
    ...optional('reference', text(json.reference)),
    ...optional('reportUrl', text(json.reportUrl)),
  };
}

const optional = <K extends string>(key: K, value: string | undefined) =>
  value === undefined ? {} : ({ [key]: value } as Record<K, string>);
const splitRecipients = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

// GSM 03.38 default alphabet and its extension table (each extension character costs two septets).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENDED = new Set('^{}\\[~]|€\f');

function isGsm7(text: string): boolean {
  for (const char of text) if (!GSM_BASIC.has(char) && !GSM_EXTENDED.has(char)) return false;
  return true;
}

/** SMS parts: GSM-7 160 septets (153 per part when split), UCS-2 70 code units (67 when split). */
function countParts(text: string, unicode: boolean): number {
  if (unicode) return text.length <= 70 ? 1 : Math.ceil(text.length / 67);
  let septets = 0;
  for (const char of text) septets += GSM_EXTENDED.has(char) ? 2 : 1;
  return septets <= 160 ? 1 : Math.ceil(septets / 153);
}
