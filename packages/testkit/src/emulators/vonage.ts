// A loopback emulator of Vonage's SMS API send endpoint, written from Vonage's public reference:
// - SMS API reference, https://developer.vonage.com/en/api/sms (OpenAPI description mirrored in
//   ballerina-platform/openapi-connectors, openapi/vonage.sms/openapi.yml: `POST /sms/{format}`,
//   the NewMessage fields, and the `x-errors` table of status codes used below). On the wire
//   the response keys are hyphenated (`message-count`, `message-id`, `error-text`,
//   `remaining-balance`, `message-price`), as Vonage's guides show and as @vonage/sms reads them.
// - Concatenation and encoding, https://developer.vonage.com/en/messaging/sms/guides/concatenation-and-encoding
//   (`type` text = GSM-7, 160 characters or 153 per part; unicode = UCS-2, 70 or 67 per part).
// - Authentication: the API key and secret as HTTP Basic, or `api_key`/`api_secret` parameters.
// Errors come back inside HTTP 200 as `messages[].status` != "0".
// - Delivery receipts, https://developer.vonage.com/messaging/sms/guides/delivery-receipts and the
//   DeliveryReceipt schema of Nexmo/api-specification definitions/sms.yml: one DLR per billed part
//   to the message's `callback`, by GET, form POST or JSON POST (the dashboard's webhook method);
//   signed as "Signing Messages" describes (developer.vonage.com/getting-started/concepts/signing-messages):
//   `timestamp` and `nonce` added, every parameter sorted by name as `&name=value` with `&` and `=`
//   in values replaced by `_`, then md5(that + secret) or an HMAC keyed with the secret, hex, as `sig`.
import { Buffer } from 'node:buffer';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import {
  type CallbackSender,
  createCallbackSender,
  type DeliveryOutcome,
  type OutcomeByDestination,
  type SentCallback,
} from '../callbacks.js';
import { type Emulator, type RecordedRequest, type ScriptedResponse, startEmulator } from '../emulator.js';

/** Vonage's documented send statuses (the reference's `x-errors`), status → meaning. @example `VONAGE_STATUS_MEANINGS['7'] // 'Number Barred'` */
export const VONAGE_STATUS_MEANINGS: Readonly<Record<string, string>> = Object.freeze({
  '1': 'Throttled',
  '2': 'Missing Parameters',
  '3': 'Invalid Parameters',
  '4': 'Invalid Credentials',
  '5': 'Internal Error',
  '6': 'Invalid Message',
  '7': 'Number Barred',
  '8': 'Partner Account Barred',
  '9': 'Partner Quota Violation',
  '10': 'Too Many Existing Binds',
  '11': 'Account Not Enabled For HTTP',
  '12': 'Message Too Long',
  '14': 'Invalid Signature',
  '15': 'Invalid Sender Address',
  '22': 'Invalid Network Code',
  '23': 'Invalid Callback Url',
  '29': 'Non-Whitelisted Destination',
  '32': 'Signature And API Secret Disallowed',
  '33': 'Number De-activated',
});

/** One entry of a send response's `messages` array, as Vonage writes it. */
export interface VonageMessageEntry {
  readonly status: string;
  readonly 'error-text'?: string;
  readonly to?: string;
  readonly 'message-id'?: string;
  readonly 'remaining-balance'?: string;
  readonly 'message-price'?: string;
  readonly network?: string;
}

/** A message the emulator accepted, and how the handset would show it. */
export interface VonageDelivery {
  readonly to: string;
  readonly from: string;
  readonly type: 'text' | 'unicode';
  /** The text as it arrives: with `type=text`, characters outside GSM-7 become `?`. */
  readonly text: string;
  readonly segments: number;
  readonly messageIds: readonly string[];
}

export interface VonageEmulatorOptions {
  /** The API key the emulator accepts. Default `abcd1234` (the reference's example). */
  readonly apiKey?: string;
  /** The API secret the emulator accepts. Default `abcdef0123456789` (the reference's example). */
  readonly apiSecret?: string;
  /** The signature secret DLRs are signed with. Default {@link VONAGE_EMULATOR_SIGNATURE_SECRET}. */
  readonly signatureSecret?: string;
  /** The dashboard's signature method. Default `md5hash` (Vonage's default). */
  readonly signatureMethod?: 'md5hash' | 'md5' | 'sha1' | 'sha256' | 'sha512';
  /** The dashboard's webhook method for DLRs. Default `POST-JSON`. */
  readonly dlrMethod?: 'GET' | 'POST' | 'POST-JSON';
  /** Where each message with a `callback` ends up (default: delivered). */
  readonly outcome?: OutcomeByDestination;
}

export interface VonageEmulator extends Emulator {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly signatureSecret: string;
  /** Messages the route accepted (scripted responses deliver nothing). */
  readonly delivered: VonageDelivery[];
  /** Waits for the DLRs sent so far and returns them with the receiver's answers. */
  receipts(): Promise<readonly SentCallback[]>;
}

/** The signature secret an emulator signs DLRs with unless given another: obviously fake. */
export const VONAGE_EMULATOR_SIGNATURE_SECRET = 'emulator-signature-secret-0123456789';

/**
 * A send response with these `messages` entries, in HTTP 200 as Vonage answers.
 *
 * @example `emulator.enqueue(vonageResponse([{ status: '0', 'message-id': 'A1' }, { status: '1', 'error-text': 'Throttled' }]))`
 */
export const vonageResponse = (messages: readonly VonageMessageEntry[]): ScriptedResponse => ({
  status: 200,
  body: { 'message-count': String(messages.length), messages },
});

/**
 * Vonage's documented error body for one status, inside HTTP 200.
 *
 * @example `emulator.enqueue(vonageError(1))  // throttled`
 */
export const vonageError = (status: number | string, errorText?: string): ScriptedResponse =>
  vonageResponse([{ status: String(status), 'error-text': errorText ?? VONAGE_STATUS_MEANINGS[String(status)] ?? 'Unknown error' }]);

/**
 * An HTTP-level failure (401, 429, 5xx) with Vonage's common API error body
 * (`type`/`title`/`detail`, application/problem+json style).
 *
 * @example `emulator.enqueue(vonageHttpError(429))`
 */
export const vonageHttpError = (status: number, headers: Readonly<Record<string, string>> = {}): ScriptedResponse => {
  const titles: Record<number, [string, string]> = {
    401: ['unauthorized', 'Unauthorized'],
    429: ['throttled', 'Too Many Requests'],
    500: ['internal-error', 'Internal Server Error'],
    502: ['bad-gateway', 'Bad Gateway'],
    503: ['unavailable', 'Service Unavailable'],
  };
  const [slug, title] = titles[status] ?? ['error', `HTTP ${status}`];
  return {
    status,
    headers,
    body: {
      type: `https://developer.nexmo.com/api-errors#${slug}`,
      title,
      detail: status === 401 ? 'You did not provide correct credentials.' : title,
      instance: '00000000-0000-4000-8000-000000000000',
    },
  };
};

// GSM 03.38 basic table and extension table (extension characters take two septets).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENDED = new Set('\f^{}\\[~]|€');

/**
 * How many SMS parts Vonage bills for `text` sent with `type`.
 *
 * @example `vonageSegments('Код 123456', 'unicode') // 1`
 */
export function vonageSegments(text: string, type: 'text' | 'unicode'): number {
  if (type === 'unicode') {
    const units = text.length; // UTF-16 code units = UCS-2 characters (an emoji counts two)
    return units <= 70 ? 1 : Math.ceil(units / 67);
  }
  let septets = 0;
  for (const char of text) septets += GSM_EXTENDED.has(char) ? 2 : 1;
  return septets <= 160 ? 1 : Math.ceil(septets / 153);
}

/** What a handset shows for `text` sent as GSM-7: anything outside the tables is lost. */
const asGsm = (text: string): string => Array.from(text, (char) => (GSM_BASIC.has(char) || GSM_EXTENDED.has(char) ? char : '?')).join('');

/** Request parameters from wherever the client put them: JSON body, form body or query. */
function parameters(request: RecordedRequest): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of request.query) result[key] = value;
  if (request.form) for (const [key, value] of request.form) result[key] = value;
  if (request.json && typeof request.json === 'object') {
    for (const [key, value] of Object.entries(request.json as Record<string, unknown>)) {
      if (value !== undefined && value !== null) result[key] = String(value);
    }
  }
  return result;
}

function credentials(request: RecordedRequest, params: Record<string, string>): { key?: string; secret?: string } {
  const header = String(request.headers.authorization ?? '');
  if (header.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? { key: decoded } : { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }
  return { key: params.api_key, secret: params.api_secret };
}

/**
 * Starts the emulator. `POST /sms/json` checks the credentials (Basic or `api_key`/`api_secret`),
 * validates `from`, `to`, `text` and `type` as the reference documents, and answers with one
 * `messages[]` entry per billed part, each with its own `message-id`.
 *
 * @example
 * ```ts
 * const vonage = await startVonageEmulator();
 * const provider = createVonageProvider({ apiKey: new Secret(vonage.apiKey), apiSecret: new Secret(vonage.apiSecret), from: 'AcmeInc', type: 'auto', baseUrl: vonage.baseUrl }, deps);
 * vonage.enqueue(vonageError(1)); // the next send is throttled
 * ```
 */
export async function startVonageEmulator(options: VonageEmulatorOptions = {}): Promise<VonageEmulator> {
  const apiKey = options.apiKey ?? 'abcd1234';
  const apiSecret = options.apiSecret ?? 'abcdef0123456789';
  const signing: DlrSigning = {
    apiKey,
    secret: options.signatureSecret ?? VONAGE_EMULATOR_SIGNATURE_SECRET,
    method: options.signatureMethod ?? 'md5hash',
    dlrMethod: options.dlrMethod ?? 'POST-JSON',
  };
  const outcome = options.outcome ?? (() => 'delivered');
  const callbacks = createCallbackSender();
  const delivered: VonageDelivery[] = [];
  let nextId = 0x123abcd0;

  const emulator = await startEmulator((request) => {
    if (request.path !== '/sms/json' && request.path !== '/sms/xml') {
      return { status: 404, body: 'Not Found' };
    }
    if (request.method !== 'POST' && request.method !== 'GET') return { status: 405, body: 'Method Not Allowed' };
    if (request.path === '/sms/xml') return { status: 415, body: 'only /sms/json is emulated' };
    const params = parameters(request);
    const { key, secret } = credentials(request, params);
    if (!key) return vonageError(2, 'Missing api_key');
    if (!secret && !params.sig) return vonageError(2, 'Missing api_secret');
    if (key !== apiKey || secret !== apiSecret) return vonageError(4, 'Bad Credentials');
    if (!params.from) return vonageError(2, 'Missing from param');
    if (!params.to) return vonageError(2, 'Missing to param');
    if (!/^\d{7,15}$/.test(params.to)) return vonageError(3, 'Invalid to param');
    const type = params.type ?? 'text';
    if (type !== 'text' && type !== 'unicode') return vonageError(3, `Invalid type param (${type} is not emulated)`);
    if (!params.text) return vonageError(2, 'Missing text param');
    const segments = vonageSegments(params.text, type);
    const messageIds = Array.from({ length: segments }, () => `0A0000000${(nextId++).toString(16).toUpperCase()}`);
    delivered.push({
      to: params.to,
      from: params.from,
      type,
      text: type === 'text' ? asGsm(params.text) : params.text,
      segments,
      messageIds,
    });
    if (params.callback && params['status-report-req'] !== 'false') {
      for (const messageId of messageIds)
        reportStatus(callbacks, params.callback, { messageId, msisdn: params.to, from: params.from }, outcome, signing);
    }
    return vonageResponse(
      messageIds.map((id) => ({
        to: params.to as string,
        'message-id': id,
        status: '0',
        'remaining-balance': '3.14159265',
        'message-price': '0.03330000',
        network: '23410',
      })),
    );
  });

  return {
    ...emulator,
    apiKey,
    apiSecret,
    signatureSecret: signing.secret,
    delivered,
    receipts: () => callbacks.settled(),
    reset: () => {
      emulator.reset();
      callbacks.reset();
      delivered.length = 0;
    },
  };
}

interface DlrSigning {
  readonly apiKey: string;
  readonly secret: string;
  readonly method: NonNullable<VonageEmulatorOptions['signatureMethod']>;
  readonly dlrMethod: NonNullable<VonageEmulatorOptions['dlrMethod']>;
}

// The DLR status and `err-code` Vonage reports for each outcome (the delivery receipts guide's
// error codes: 2 "Absent Subscriber - Temporary", 6 "Anti-Spam Rejection", 1 "Unknown").
const FINAL_DLR: Record<DeliveryOutcome, { status: string; errCode: string }> = {
  delivered: { status: 'delivered', errCode: '0' },
  undelivered: { status: 'failed', errCode: '2' },
  failed: { status: 'rejected', errCode: '6' },
  expired: { status: 'expired', errCode: '1' },
};

/** Queues `accepted`, then the outcome's final DLR, for one part, signed as the account is set up. */
function reportStatus(
  callbacks: CallbackSender,
  url: string,
  part: { readonly messageId: string; readonly msisdn: string; readonly from: string },
  outcome: OutcomeByDestination,
  signing: DlrSigning,
): void {
  const final = FINAL_DLR[outcome(`+${part.msisdn}`)];
  for (const { status, errCode } of [{ status: 'accepted', errCode: '0' }, final]) {
    const now = new Date();
    const params: Record<string, string> = {
      msisdn: part.msisdn,
      to: part.from,
      'network-code': '23410',
      messageId: part.messageId,
      price: '0.03330000',
      status,
      scts: now.toISOString().replace(/\D/g, '').slice(2, 12),
      'err-code': errCode,
      'api-key': signing.apiKey,
      'message-timestamp': now.toISOString().slice(0, 19).replace('T', ' '),
      timestamp: String(Math.floor(now.getTime() / 1000)),
      nonce: randomUUID(),
    };
    params.sig = dlrSignature(params, signing);
    const form = new URLSearchParams(params).toString();
    if (signing.dlrMethod === 'GET') {
      callbacks.send({ url: `${url}${url.includes('?') ? '&' : '?'}${form}`, method: 'GET', headers: {}, body: '', delayMs: 20 });
    } else {
      const json = signing.dlrMethod === 'POST-JSON';
      callbacks.send({
        url,
        method: 'POST',
        headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
        body: json ? JSON.stringify(params) : form,
        delayMs: 20,
      });
    }
  }
}

function dlrSignature(params: Record<string, string>, signing: DlrSigning): string {
  const signed = Object.keys(params)
    .sort()
    .map((name) => `&${name}=${(params[name] ?? '').replace(/[&=]/g, '_')}`)
    .join('');
  const digest =
    signing.method === 'md5hash'
      ? createHash('md5').update(signed + signing.secret)
      : createHmac(signing.method, signing.secret).update(signed);
  // Vonage writes md5hash signatures in lower case and HMACs in upper case (the SDK's vectors).
  return signing.method === 'md5hash' ? digest.digest('hex') : digest.digest('hex').toUpperCase();
}
