// A loopback emulator of Twilio's send-SMS endpoint, written from Twilio's public API reference:
// - the OpenAPI description of the 2010-04-01 API (twilio/twilio-oai, spec/json/twilio_api_v2010.json,
//   kept in shared/specs): operation CreateMessage, `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`,
//   form-encoded `To` (required), `From` or `MessagingServiceSid`, `Body`; HTTP Basic auth
//   (security scheme `accountSid_authToken`); `201` with the `api.v2010.account.message` resource;
// - "Twilio API responses" (twilio.com/docs/usage/twilios-response) and the Error and Warning
//   Dictionary (twilio.com/docs/api/errors): an error is `{ code, message, more_info, status }`
//   with the HTTP status repeated in `status`.
//   Status callbacks follow "Track outbound message status" (twilio.com/docs/messaging/guides/track-outbound-message-status):
//   a form POST to the message's `StatusCallback` per status change (`sent`, then `delivered`,
//   `undelivered` or `failed` with `ErrorCode`), signed as "Webhooks security" describes
//   (twilio.com/docs/usage/webhooks/webhooks-security): `X-Twilio-Signature` = base64 HMAC-SHA1
//   with the auth token over the URL followed by each parameter's name and value, sorted by name.
import { createHmac, randomBytes } from 'node:crypto';
import { smsSegments } from '@cognito-sms/core/provider';
import {
  type CallbackSender,
  createCallbackSender,
  type DeliveryOutcome,
  type OutcomeByDestination,
  type SentCallback,
} from '../callbacks.js';
import { type Emulator, type RecordedRequest, type ScriptedResponse, startEmulator } from '../emulator.js';

/** Credentials the emulator accepts; each defaults to {@link TWILIO_EMULATOR_CREDENTIALS}. */
export interface TwilioEmulatorOptions {
  readonly accountSid?: string;
  readonly authToken?: string;
  /** An API key (SK…) that may authenticate for `accountSid`, with its secret. */
  readonly apiKeySid?: string;
  readonly apiKeySecret?: string;
  /** Where each message with a `StatusCallback` ends up (default: delivered). */
  readonly outcome?: OutcomeByDestination;
}

export interface TwilioEmulator extends Emulator {
  readonly accountSid: string;
  readonly authToken: string;
  readonly apiKeySid: string;
  readonly apiKeySecret: string;
  /** Waits for the status callbacks sent so far and returns them with the receiver's answers. */
  receipts(): Promise<readonly SentCallback[]>;
}

/** The Message resource as `POST …/Messages.json` returns it (schema `api.v2010.account.message`). */
export interface TwilioMessageResource {
  account_sid: string;
  api_version: string;
  body: string;
  date_created: string;
  date_sent: string | null;
  date_updated: string;
  direction: 'outbound-api';
  error_code: number | null;
  error_message: string | null;
  from: string | null;
  messaging_service_sid: string | null;
  num_media: string;
  num_segments: string;
  price: string | null;
  price_unit: string | null;
  sid: string;
  status: 'queued';
  subresource_uris: { media: string };
  to: string;
  uri: string;
}

/** Twilio's error body. */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

/** The error codes the emulator and {@link twilioError} know, with their HTTP status. */
export const TWILIO_ERRORS = {
  20003: { status: 401, message: () => 'Authenticate' },
  20004: { status: 405, message: () => 'Method not allowed' },
  20404: { status: 404, message: (d: Details) => `The requested resource ${d.path ?? ''} was not found` },
  20429: { status: 429, message: () => 'Too Many Requests' },
  20500: { status: 500, message: () => 'An internal server error has occurred' },
  21211: { status: 400, message: (d: Details) => `The 'To' number ${d.to ?? ''} is not a valid phone number.` },
  21408: {
    status: 400,
    message: (d: Details) => `Permission to send an SMS has not been enabled for the region indicated by the 'To' number: ${d.to ?? ''}.`,
  },
  21602: { status: 400, message: () => 'Message body is required.' },
  21603: { status: 400, message: () => "A 'From' phone number is required." },
  21604: { status: 400, message: () => "A 'To' phone number is required." },
  21606: {
    status: 400,
    message: (d: Details) =>
      `The 'From' phone number provided (${d.from ?? ''}) is not a valid message-capable Twilio phone number for this destination.`,
  },
  21608: {
    status: 400,
    message: (d: Details) =>
      `The number ${d.to ?? ''} is unverified. Trial accounts cannot send messages to unverified numbers; verify ${d.to ?? ''} at twilio.com/user/account/phone-numbers/verified, or purchase a Twilio number to send messages to unverified numbers`,
  },
  21610: { status: 400, message: () => 'Attempt to send to unsubscribed recipient' },
  21614: { status: 400, message: (d: Details) => `'To' number ${d.to ?? ''} is not a valid mobile number` },
  21617: { status: 400, message: () => 'The concatenated message body exceeds the 1600 character limit' },
  21701: { status: 400, message: (d: Details) => `The Messaging Service Sid ${d.messagingServiceSid ?? ''} is invalid.` },
} as const;

export type TwilioErrorCode = keyof typeof TWILIO_ERRORS;

/** Values some error messages quote, as Twilio's do (the full numbers: adapters must mask them). */
interface Details {
  readonly to?: string;
  readonly from?: string;
  readonly path?: string;
  readonly messagingServiceSid?: string;
}

/**
 * A scripted response carrying Twilio's documented error body for `code`.
 *
 * @example
 * ```ts
 * emulator.enqueue(twilioError(21211, { to: '+447700900123' }));
 * emulator.enqueue({ ...twilioError(20429), headers: { 'retry-after': '1' } });
 * ```
 */
export function twilioError(code: TwilioErrorCode, details: Details & { readonly status?: number } = {}): ScriptedResponse {
  const known = TWILIO_ERRORS[code];
  const status = details.status ?? known.status;
  const body: TwilioErrorBody = {
    code,
    message: known.message(details),
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  };
  // Twilio challenges failed Basic auth like any HTTP server would.
  return { status, body, ...(status === 401 ? { headers: { 'www-authenticate': 'Basic realm="Twilio API"' } } : {}) };
}

/**
 * The credentials an emulator accepts unless given others: fixed and obviously fake.
 *
 * @example `const { accountSid, authToken } = TWILIO_EMULATOR_CREDENTIALS`
 */
export const TWILIO_EMULATOR_CREDENTIALS: Readonly<Required<Omit<TwilioEmulatorOptions, 'outcome'>>> = {
  accountSid: 'AC0123456789abcdef0123456789abcdef',
  authToken: 'emulator-auth-token-0123456789ab',
  apiKeySid: 'SK0123456789abcdef0123456789abcdef',
  apiKeySecret: 'emulator-api-key-secret-0123456',
};

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
// `To` is E.164 for SMS, or a channel address such as `whatsapp:+15552229999`.
const TO_ADDRESS = /^(?:[a-z]+:)?\+[1-9]\d{1,14}$/;
const MESSAGING_SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;
const MAX_BODY_CHARACTERS = 1600;

/**
 * Starts a loopback Twilio: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` with Basic auth
 * (account SID + auth token, or API key SID + secret), the documented validation errors, and a
 * `201` Message resource whose `num_segments` follows Twilio's GSM-7 / UCS-2 segmenting.
 *
 * @example
 * ```ts
 * const twilio = await startTwilioEmulator();
 * const env = { TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_AUTH_TOKEN: twilio.authToken, TWILIO_BASE_URL: twilio.baseUrl };
 * ```
 */
export async function startTwilioEmulator(options: TwilioEmulatorOptions = {}): Promise<TwilioEmulator> {
  const { outcome = () => 'delivered', ...given } = options;
  const credentials = { ...TWILIO_EMULATOR_CREDENTIALS, ...given };
  const callbacks = createCallbackSender();
  const emulator = await startEmulator((request) => {
    const response = createMessage(request, credentials);
    const statusCallback = request.form?.get('StatusCallback');
    if (response.status === 201 && statusCallback) {
      reportStatus(callbacks, statusCallback, response.body as TwilioMessageResource, outcome, credentials.authToken);
    }
    return response;
  });
  return Object.assign(emulator, credentials, { receipts: () => callbacks.settled() });
}

// The final status and error code Twilio reports for each outcome (Error Dictionary: 30003
// "Unreachable destination handset", 30008 "Unknown error", 30036 "Validity Period Expired").
const FINAL_STATUS: Record<DeliveryOutcome, { status: string; errorCode?: string }> = {
  delivered: { status: 'delivered' },
  undelivered: { status: 'undelivered', errorCode: '30003' },
  failed: { status: 'failed', errorCode: '30008' },
  expired: { status: 'failed', errorCode: '30036' },
};

/** Queues the `sent` and final callbacks of an accepted message, signed with the auth token. */
function reportStatus(
  callbacks: CallbackSender,
  url: string,
  message: TwilioMessageResource,
  outcome: OutcomeByDestination,
  authToken: string,
): void {
  const final = FINAL_STATUS[outcome(message.to)];
  for (const [status, errorCode, delayMs] of [
    ['sent', undefined, 20],
    [final.status, final.errorCode, 20],
  ] as const) {
    const params: Record<string, string> = {
      AccountSid: message.account_sid,
      ApiVersion: message.api_version,
      From: message.from ?? '',
      MessageSid: message.sid,
      MessageStatus: status,
      SmsSid: message.sid,
      SmsStatus: status,
      To: message.to,
      ...(errorCode ? { ErrorCode: errorCode } : {}),
    };
    const signed = Object.keys(params)
      .sort()
      .reduce((text, name) => text + name + params[name], url);
    callbacks.send({
      url,
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': createHmac('sha1', authToken).update(signed).digest('base64'),
        'i-twilio-idempotency-token': randomBytes(16).toString('hex'),
      },
      body: new URLSearchParams(params).toString(),
      delayMs,
    });
  }
}

function createMessage(request: RecordedRequest, credentials: Required<Omit<TwilioEmulatorOptions, 'outcome'>>): ScriptedResponse {
  // Authentication comes first: Twilio answers 401 on any path when the credentials are wrong.
  if (!basicAuthUser(request.headers.authorization, credentials)) return twilioError(20003);
  const match = MESSAGES_PATH.exec(request.path);
  if (!match) return twilioError(20404, { path: request.path });
  // Credentials of one account do not open another account's resources.
  if (match[1] !== credentials.accountSid) return twilioError(20003);
  if (request.method !== 'POST') return twilioError(20004);

  const form = request.form ?? new URLSearchParams();
  const to = form.get('To');
  const from = form.get('From');
  const messagingServiceSid = form.get('MessagingServiceSid');
  const body = form.get('Body');
  if (!to) return twilioError(21604);
  if (!from && !messagingServiceSid) return twilioError(21603);
  if (messagingServiceSid && !MESSAGING_SERVICE_SID.test(messagingServiceSid)) return twilioError(21701, { messagingServiceSid });
  if (!body && !form.has('MediaUrl') && !form.has('ContentSid')) return twilioError(21602);
  if (!TO_ADDRESS.test(to)) return twilioError(21211, { to });
  if (body && [...body].length > MAX_BODY_CHARACTERS) return twilioError(21617);

  const sid = `SM${randomBytes(16).toString('hex')}`;
  const now = rfc2822(new Date());
  const uri = `/2010-04-01/Accounts/${credentials.accountSid}/Messages/${sid}.json`;
  const resource: TwilioMessageResource = {
    account_sid: credentials.accountSid,
    api_version: '2010-04-01',
    body: body ?? '',
    date_created: now,
    date_sent: null,
    date_updated: now,
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: from ?? null,
    messaging_service_sid: messagingServiceSid ?? null,
    num_media: String(form.getAll('MediaUrl').length),
    // The API reference (Body): more than 160 GSM-7 characters, or 70 UCS-2, are segmented.
    num_segments: String(smsSegments(body ?? '').segments),
    price: null,
    price_unit: 'USD',
    sid,
    status: 'queued',
    subresource_uris: { media: uri.replace(/\.json$/, '/Media.json') },
    to,
    uri,
  };
  return { status: 201, body: resource };
}

/** The account or API key SID that authenticated, or undefined. */
function basicAuthUser(header: string | undefined, credentials: Required<Omit<TwilioEmulatorOptions, 'outcome'>>): string | undefined {
  const encoded = /^Basic (.+)$/i.exec(header ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const [user, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  if (user === credentials.accountSid && password === credentials.authToken) return user;
  if (user === credentials.apiKeySid && password === credentials.apiKeySecret) return user;
  return undefined;
}

/** `Thu, 24 Aug 2023 05:01:45 +0000`, as the resource's dates are written. */
const rfc2822 = (date: Date): string => date.toUTCString().replace('GMT', '+0000');
