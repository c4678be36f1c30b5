// Vonage SMS API delivery receipts (DLRs): a GET, form POST or JSON POST to the message's
// `callback` per status (developer.vonage.com/messaging/sms/guides/delivery-receipts; the
// DeliveryReceipt schema of Nexmo/api-specification definitions/sms.yml). With signed webhooks
// on, each carries `timestamp`, `nonce` and `sig`: every other parameter sorted by name as
// `&name=value` (`&` and `=` in values replaced by `_`), then md5(that + signature secret) or an
// HMAC (md5, sha1, sha256, sha512) keyed with it, as hex ("Signing Messages",
// developer.vonage.com/getting-started/concepts/signing-messages).
//
// Verified with node:crypto, not @vonage/sms's `verifySignature`: that is a method of the SMS
// client, whose bundle (79 KB with @vonage/server-client and @vonage/jwt) costs 45-70 ms of the
// receipts function's cold start for one hash; the tests run the SDK's own vectors and compare
// this check with the SDK's on the same requests.

import { createHash, createHmac } from 'node:crypto';
import { secretString } from '@cognito-sms/core/provider';
import {
  assertFresh,
  type DeliveryReceipt,
  defineReceipts,
  malformed,
  type ProviderStatuses,
  ReceiptRejectedError,
  type ReceiptRequest,
  receiptJson,
  receiptParams,
  safeEqual,
} from '@cognito-sms/core/receipts';
import * as z from '@cognito-sms/core/zod';

/**
 * DLR `status` → the vocabulary (the schema's `x-possible-values`). `accepted` and `buffered`
 * come before the carrier's answer; `unknown` is Vonage's last word when the carrier gave none.
 */
export const VONAGE_DLR_STATUSES: ProviderStatuses = {
  accepted: { state: 'unknown', final: false },
  buffered: { state: 'unknown', final: false },
  delivered: { state: 'delivered', final: true },
  expired: { state: 'expired', final: true },
  // The carrier tried and could not reach the handset.
  failed: { state: 'undelivered', final: true },
  // Vonage or the carrier refused the message: it never went to the handset.
  rejected: { state: 'failed', final: true },
  unknown: { state: 'unknown', final: true },
};

/** The dashboard's signature methods, as `VONAGE_SIGNATURE_METHOD` names them. */
export const VONAGE_SIGNATURE_METHODS = ['md5hash', 'md5', 'sha1', 'sha256', 'sha512'] as const;
export type VonageSignatureMethod = (typeof VONAGE_SIGNATURE_METHODS)[number];

/** Reads `VONAGE_SIGNATURE_SECRET` and `VONAGE_SIGNATURE_METHOD` (the dashboard's settings). */
export const vonageReceiptsConfig = z.object({
  signatureSecret: secretString(),
  signatureMethod: z._default(
    z.enum(VONAGE_SIGNATURE_METHODS, { error: `must be one of ${VONAGE_SIGNATURE_METHODS.join(', ')} (the dashboard's signature method)` }),
    'md5hash',
  ),
});

/**
 * The `sig` Vonage computes over `params` (every parameter but `sig`), upper-case hex.
 *
 * @example `vonageSignature({ messageId: '0A00…', status: 'delivered', timestamp: '1700000000' }, secret, 'sha256')`
 */
export function vonageSignature(params: Readonly<Record<string, string>>, secret: string, method: VonageSignatureMethod): string {
  let signed = '';
  for (const name of Object.keys(params).sort()) {
    if (name !== 'sig') signed += `&${name}=${(params[name] ?? '').replace(/[&=]/g, '_')}`;
  }
  const digest = method === 'md5hash' ? createHash('md5').update(signed + secret) : createHmac(method, secret).update(signed);
  return digest.digest('hex').toUpperCase();
}

/**
 * Vonage's delivery receipts: `GET` or `POST /vonage` on the receipts function URL, form or
 * JSON as the dashboard's webhook method says. Needs signed webhooks on the account.
 *
 * @example `SMS_PROVIDER=vonage VONAGE_SIGNATURE_SECRET=… VONAGE_SIGNATURE_METHOD=sha256 (the sender's variables)`
 */
const vonageReceipts = defineReceipts<z.output<typeof vonageReceiptsConfig>>({
  id: 'vonage',
  config: vonageReceiptsConfig,
  create: ({ signatureSecret, signatureMethod }) => ({
    id: 'vonage',
    methods: ['GET', 'POST'],
    verify(request) {
      const params = dlrParams(request);
      const sig = params.sig;
      if (!sig) throw new ReceiptRejectedError('Unsigned', 'no sig parameter: turn on signed webhooks for the Vonage account');
      if (!safeEqual(vonageSignature(params, signatureSecret.reveal(), signatureMethod), sig.toUpperCase())) {
        throw new ReceiptRejectedError('BadSignature', `sig does not match the parameters (${signatureMethod})`);
      }
      // Signed along with the rest, so a replay cannot move it.
      if (params.timestamp === undefined) throw new ReceiptRejectedError('BadSignature', 'a signed receipt without its timestamp');
      assertFresh(Number(params.timestamp) * 1000, request);
    },
    parse(request) {
      const params = dlrParams(request);
      const { messageId, status } = params;
      if (!messageId) throw malformed('no messageId');
      if (!status) throw malformed('no status');
      const known = VONAGE_DLR_STATUSES[status];
      const code = params['err-code'];
      const at = vonageTime(params['message-timestamp']);
      const receipt: DeliveryReceipt = {
        provider: 'vonage',
        messageId,
        state: known?.state ?? 'unknown',
        // A status this table does not know is logged as intermediate rather than guessed final.
        final: known?.final ?? false,
        providerStatus: status,
        // `0` is "Delivered": no error to report.
        ...(code === undefined || code === '' || code === '0' ? {} : { providerCode: code }),
        ...(at === undefined ? {} : { at }),
      };
      return [receipt];
    },
  }),
});

/** The DLR's parameters: the query of a GET, the form or JSON object of a POST. */
function dlrParams(request: ReceiptRequest): Record<string, string> {
  const json = request.method === 'POST' && /json/i.test(request.headers['content-type'] ?? '');
  if (!json) return Object.fromEntries(receiptParams(request));
  const body = receiptJson(request);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw malformed('the body is not a JSON object');
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') params[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') params[name] = String(value);
    else if (value !== null) throw malformed(`${name.slice(0, 40)} is not a string`);
  }
  return params;
}

/** `message-timestamp`, `2020-01-01 12:00:00` in UTC, as ms since the epoch. */
function vonageTime(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return undefined;
  const ms = Date.parse(`${value.replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

export default vonageReceipts;
