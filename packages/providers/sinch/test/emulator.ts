// A loopback emulator of Sinch's SMS REST API send endpoint, written from Sinch's public reference:
// - "Send" (Batches), https://developers.sinch.com/docs/sms/api-reference/sms/batches:
//   `POST /xms/v1/{service_plan_id}/batches`, Bearer API token, JSON body with `to` (1..1000
//   MSISDNs, required), `body` (0..2000 characters, required), `from` (optional when an
//   Automatic Default Originator is configured), `type` (`mt_text` by default),
//   `delivery_report` (`none` by default; `summary`, `full`, `per_recipient`,
//   `per_recipient_final`), `callback_url` and `client_reference`; answer
//   201 Created with the batch (`id`, `to`, `from`, `canceled`, `body`, `type`, `created_at`,
//   `modified_at`, `delivery_report`, `expire_at`, …), shaped like the SDKs' contract fixture
//   sinch/sinch-sdk-java openapi-contracts/.../sms/v1/TextResponseDto.json.
// - "HTTP Status Codes", https://developers.sinch.com/docs/sms/api-reference/status-codes (and the
//   older REST reference's table): 400 and 403 carry `{ code, text }` with the codes
//   syntax_invalid_json / syntax_invalid_parameter_format / syntax_constraint_violation (400) and
//   unknown_group / unknown_campaign / missing_callback_url (403); 401 "Authentication token is
//   invalid for this service plan"; 404 invalid path; 405 wrong method; 415 missing or
//   unsupported Content-Type; 429 too many requests; 500; 503. Error body example:
//   sinch/sinch-sdk-java .../sms/v1/error-response.json. The reference documents no body for
//   401/404/405/415/429/5xx, so the emulator sends none.
// - Delivery reports ("Delivery report callbacks" of the Batches reference, and the SDKs'
//   DeliveryReportStatusEnum / DeliveryReceiptCodeEnum): with `per_recipient` a
//   `recipient_delivery_report_sms` (`type`, `batch_id`, `recipient`, `code`, `status`, `at`,
//   `operator_status_at`, `client_reference`) is posted as JSON for each status change,
//   `per_recipient_final` posts only the final one, `summary`/`full` post one
//   `delivery_report_sms` with `statuses[]` (`full` adds each status' `recipients`). Statuses are
//   capitalised (`Dispatched`, `Delivered`); codes: 0 for a delivered message, 401 Dispatched,
//   402 Message unroutable (Aborted), 404 Temporary delivery failure (Failed), 406 Internal
//   expiry (Expired). Sinch signs callbacks once its support enables HMAC for the service plan:
//   `x-sinch-webhook-signature` = base64(HMAC-SHA256(secret, `${body}.${nonce}.${timestamp}`))
//   with the `-nonce`, `-timestamp` (Unix seconds) and `-algorithm: HmacSHA256` headers (the
//   SDKs' validateAuthenticationHeader); the emulator always signs, with `callbackSecret`.
// - MSISDNs: international format, "with or without a leading + … or with a leading 00. Any space,
//   dash or bracket will also be ignored"; returned MSISDNs carry no `+`/`00`.
import { createHmac, randomBytes } from 'node:crypto';
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

export const SINCH_TEST_SERVICE_PLAN_ID = 'jd63jf88477ll123ab4567cd89012ef3';
export const SINCH_TEST_API_TOKEN = 'test-api-token-sinch-5f1e2d';
export const SINCH_TEST_CALLBACK_SECRET = 'test-callback-secret-sinch-8d2a41';

/** A batch the emulator accepted. */
export interface SinchDelivery {
  readonly batchId: string;
  /** Recipients as Sinch returns them: digits, without `+` or `00`. */
  readonly to: readonly string[];
  readonly from: string | undefined;
  readonly body: string;
}

export interface SinchEmulatorOptions {
  readonly servicePlanId?: string;
  readonly apiToken?: string;
  /** The HMAC secret delivery reports are signed with (what Sinch support configures). */
  readonly callbackSecret?: string;
  /** Where each recipient's message ends up when a delivery report is asked for (default: delivered). */
  readonly outcome?: OutcomeByDestination;
}

export interface SinchEmulator extends Emulator {
  readonly servicePlanId: string;
  readonly apiToken: string;
  readonly callbackSecret: string;
  /** Batches the route accepted (scripted responses deliver nothing). */
  readonly delivered: SinchDelivery[];
  /** Waits for the delivery reports sent so far and returns them with the receiver's answers. */
  receipts(): Promise<readonly SentCallback[]>;
}

const DELIVERY_REPORTS = new Set(['none', 'summary', 'full', 'per_recipient', 'per_recipient_final']);

/**
 * A documented error answer: HTTP 400 or 403 with `{ code, text }`.
 *
 * @example `emulator.enqueue(sinchError(400, 'syntax_invalid_parameter_format', 'Invalid MSISDN'))`
 */
export const sinchError = (status: number, code: string, text = code): ScriptedResponse => ({ status, body: { code, text } });

/**
 * An error answer the reference documents by status only (401, 404, 429, 500, 503, …): no body.
 *
 * @example `emulator.enqueue(sinchHttpError(429, { 'retry-after': '1' }))`
 */
export const sinchHttpError = (status: number, headers: Readonly<Record<string, string>> = {}): ScriptedResponse => ({
  status,
  headers,
  body: '',
});

// Crockford base32, as the ULID-like batch ids in the reference (01FC66621XXXXX119Z8PMV1QPQ).
const ULID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const batchId = () =>
  `01${Array.from(randomBytes(24), (byte) => ULID_ALPHABET[byte % 32])
    .join('')
    .slice(0, 24)}`;

/** `+447700900123`, `00447700900123`, `44 7700-900 (123)` → `447700900123`; undefined if not an MSISDN. */
function msisdn(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const digits = value.replace(/[\s\-()]/g, '').replace(/^(\+|00)/, '');
  return /^[1-9]\d{6,14}$/.test(digits) ? digits : undefined;
}

/**
 * Starts the emulator. Its route checks the path and method, the Bearer token of the service
 * plan, the Content-Type and the batch fields, and answers 201 with a batch.
 *
 * @example
 * ```ts
 * const sinch = await startSinchEmulator();
 * const provider = createSinchProvider({ servicePlanId: sinch.servicePlanId, apiToken: new Secret(sinch.apiToken), region: 'us', baseUrl: sinch.baseUrl });
 * ```
 */
export async function startSinchEmulator(options: SinchEmulatorOptions = {}): Promise<SinchEmulator> {
  const servicePlanId = options.servicePlanId ?? SINCH_TEST_SERVICE_PLAN_ID;
  const apiToken = options.apiToken ?? SINCH_TEST_API_TOKEN;
  const callbackSecret = options.callbackSecret ?? SINCH_TEST_CALLBACK_SECRET;
  const outcome = options.outcome ?? (() => 'delivered');
  const callbacks = createCallbackSender();
  const delivered: SinchDelivery[] = [];

  const route = (request: RecordedRequest): ScriptedResponse => {
    const match = /^\/xms\/v1\/([^/]+)\/batches$/.exec(request.path);
    if (!match) return sinchHttpError(404);
    if (request.method !== 'POST') return sinchHttpError(405);
    if (match[1] !== servicePlanId || request.headers.authorization !== `Bearer ${apiToken}`) return sinchHttpError(401);
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) return sinchHttpError(415);
    if (request.json === undefined || typeof request.json !== 'object' || request.json === null) {
      return sinchError(400, 'syntax_invalid_json', 'The request body is not valid JSON');
    }
    const batch = request.json as Record<string, unknown>;
    if (!Array.isArray(batch.to) || batch.to.length < 1 || batch.to.length > 1000) {
      return sinchError(400, 'syntax_constraint_violation', 'to: must contain between 1 and 1000 recipients');
    }
    const to = batch.to.map(msisdn);
    if (to.some((value) => value === undefined)) {
      return sinchError(400, 'syntax_invalid_parameter_format', 'to: not a valid MSISDN');
    }
    if (typeof batch.body !== 'string' || [...batch.body].length > 2000) {
      return sinchError(400, 'syntax_constraint_violation', 'body: required, at most 2000 characters');
    }
    if (batch.type !== undefined && batch.type !== 'mt_text') {
      return sinchError(400, 'syntax_invalid_parameter_format', 'type: only mt_text is emulated');
    }
    if (batch.from !== undefined && (typeof batch.from !== 'string' || batch.from === '')) {
      return sinchError(400, 'syntax_invalid_parameter_format', 'from: must be a number, short code or alphanumeric sender');
    }
    const deliveryReport = batch.delivery_report ?? 'none';
    if (typeof deliveryReport !== 'string' || !DELIVERY_REPORTS.has(deliveryReport)) {
      return sinchError(
        400,
        'syntax_invalid_parameter_format',
        'delivery_report: none, summary, full, per_recipient or per_recipient_final',
      );
    }
    const callbackUrl = batch.callback_url;
    if (callbackUrl !== undefined && (typeof callbackUrl !== 'string' || !URL.canParse(callbackUrl))) {
      return sinchError(400, 'syntax_invalid_parameter_format', 'callback_url: must be a URL');
    }
    // The emulated service plan has no default callback URL configured.
    if (deliveryReport !== 'none' && callbackUrl === undefined) {
      return sinchError(403, 'missing_callback_url', 'A delivery report was requested but no callback URL is set');
    }
    const now = new Date();
    const id = batchId();
    const recipients = to as string[];
    const from = batch.from as string | undefined;
    delivered.push({ batchId: id, to: recipients, from, body: batch.body });
    if (deliveryReport !== 'none') {
      const reference = typeof batch.client_reference === 'string' ? batch.client_reference : undefined;
      const report = { batchId: id, recipients, deliveryReport, clientReference: reference, url: callbackUrl as string };
      reportDelivery(callbacks, report, outcome, callbackSecret);
    }
    return {
      status: 201,
      body: {
        id,
        to: recipients,
        ...(from === undefined ? {} : { from }),
        canceled: false,
        body: batch.body,
        type: 'mt_text',
        created_at: now.toISOString(),
        modified_at: now.toISOString(),
        delivery_report: deliveryReport,
        ...(callbackUrl === undefined ? {} : { callback_url: callbackUrl }),
        expire_at: new Date(now.getTime() + 3 * 24 * 3600 * 1000).toISOString(),
        flash_message: false,
        feedback_enabled: false,
      },
    };
  };

  const emulator = await startEmulator(route);
  return {
    ...emulator,
    servicePlanId,
    apiToken,
    callbackSecret,
    delivered,
    baseUrl: emulator.baseUrl,
    requests: emulator.requests,
    receipts: () => callbacks.settled(),
    reset: () => {
      emulator.reset();
      callbacks.reset();
      delivered.length = 0;
    },
  };
}

// The final status and code of each outcome (codes of the delivery report code table).
const FINAL_STATUS: Record<DeliveryOutcome, { status: string; code: number }> = {
  delivered: { status: 'Delivered', code: 0 },
  undelivered: { status: 'Failed', code: 404 },
  failed: { status: 'Aborted', code: 402 },
  expired: { status: 'Expired', code: 406 },
};
const DISPATCHED = { status: 'Dispatched', code: 401 };

interface ReportedBatch {
  readonly batchId: string;
  readonly recipients: readonly string[];
  readonly deliveryReport: string;
  readonly clientReference: string | undefined;
  readonly url: string;
}

/** Queues the delivery reports `batch.deliveryReport` asks for, each signed as Sinch signs them. */
function reportDelivery(callbacks: CallbackSender, batch: ReportedBatch, outcome: OutcomeByDestination, secret: string): void {
  const reference = batch.clientReference === undefined ? {} : { client_reference: batch.clientReference };
  const post = (report: Record<string, unknown>) => {
    const body = JSON.stringify(report);
    const nonce = randomBytes(16).toString('base64url');
    const timestamp = String(Math.floor(Date.now() / 1000));
    callbacks.send({
      url: batch.url,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-sinch-webhook-signature-nonce': nonce,
        'x-sinch-webhook-signature-timestamp': timestamp,
        'x-sinch-webhook-signature-algorithm': 'HmacSHA256',
        'x-sinch-webhook-signature': createHmac('sha256', secret).update(`${body}.${nonce}.${timestamp}`).digest('base64'),
      },
      body,
      delayMs: 20,
    });
  };
  const finals = batch.recipients.map((recipient) => ({ recipient, ...FINAL_STATUS[outcome(`+${recipient}`)] }));
  if (batch.deliveryReport === 'per_recipient' || batch.deliveryReport === 'per_recipient_final') {
    const steps = batch.deliveryReport === 'per_recipient' ? [DISPATCHED, undefined] : [undefined];
    for (const step of steps) {
      for (const final of finals) {
        const { status, code } = step ?? final;
        const at = new Date().toISOString();
        post({
          type: 'recipient_delivery_report_sms',
          batch_id: batch.batchId,
          recipient: final.recipient,
          code,
          status,
          at,
          operator_status_at: at,
          ...reference,
        });
      }
    }
    return;
  }
  // summary / full: one batch report counting the recipients per final status and code.
  const groups = new Map<string, { code: number; status: string; recipients: string[] }>();
  for (const { recipient, status, code } of finals) {
    const key = `${status}:${code}`;
    const group = groups.get(key) ?? { code, status, recipients: [] };
    group.recipients.push(recipient);
    groups.set(key, group);
  }
  post({
    type: 'delivery_report_sms',
    batch_id: batch.batchId,
    total_message_count: finals.length,
    statuses: [...groups.values()].map(({ code, status, recipients }) => ({
      code,
      status,
      count: recipients.length,
      ...(batch.deliveryReport === 'full' ? { recipients } : {}),
    })),
    ...reference,
  });
}
