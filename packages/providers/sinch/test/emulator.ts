// A loopback emulator of Sinch's SMS REST API send endpoint, written from Sinch's public reference:
// - "Send" (Batches), https://developers.sinch.com/docs/sms/api-reference/sms/batches:
//   `POST /xms/v1/{service_plan_id}/batches`, Bearer API token, JSON body with `to` (1..1000
//   MSISDNs, required), `body` (0..2000 characters, required), `from` (optional when an
//   Automatic Default Originator is configured) and `type` (`mt_text` by default); answer
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
// - MSISDNs: international format, "with or without a leading + … or with a leading 00. Any space,
//   dash or bracket will also be ignored"; returned MSISDNs carry no `+`/`00`.
import { randomBytes } from 'node:crypto';
import { type Emulator, type RecordedRequest, type ScriptedResponse, startEmulator } from '@cognito-sms/testkit';

export const SINCH_TEST_SERVICE_PLAN_ID = 'jd63jf88477ll123ab4567cd89012ef3';
export const SINCH_TEST_API_TOKEN = 'test-api-token-sinch-5f1e2d';

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
}

export interface SinchEmulator extends Emulator {
  readonly servicePlanId: string;
  readonly apiToken: string;
  /** Batches the route accepted (scripted responses deliver nothing). */
  readonly delivered: SinchDelivery[];
}

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
    const now = new Date();
    const id = batchId();
    const recipients = to as string[];
    const from = batch.from as string | undefined;
    delivered.push({ batchId: id, to: recipients, from, body: batch.body });
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
        delivery_report: 'none',
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
    delivered,
    baseUrl: emulator.baseUrl,
    requests: emulator.requests,
    reset: () => {
      emulator.reset();
      delivered.length = 0;
    },
  };
}
