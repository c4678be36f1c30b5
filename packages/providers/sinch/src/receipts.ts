// Sinch's SMS delivery reports (the batch's `callback_url`, `delivery_report: per_recipient`):
// a JSON POST per status change. Sinch signs them only once its support enables HMAC signing
// for the service plan; then each carries `x-sinch-webhook-signature` =
// base64(HMAC-SHA256(secret, `${raw body}.${nonce}.${timestamp}`)) with the
// `x-sinch-webhook-signature-nonce`, `-timestamp` (Unix seconds) and `-algorithm` headers, the
// scheme of the SDKs' `validateAuthenticationHeader` (sinch-sdk-node sdk-client
// authorization.helper.ts). Written on node:crypto: the SDK (`@sinch/sdk-core`) cannot be
// loaded here (see README, "Why REST").

import { createHmac } from 'node:crypto';
import { secretString } from '@cognito-sms/core/provider';
import {
  assertFresh,
  type DeliveryReceipt,
  defineReceipts,
  malformed,
  type ProviderStatuses,
  parseReceiptTime,
  ReceiptRejectedError,
  receiptJson,
  requireHeader,
  safeEqual,
} from '@cognito-sms/core/receipts';
import * as z from '@cognito-sms/core/zod';

/**
 * Delivery report `status` → the vocabulary ("Delivery report statuses", SMS API reference).
 * Sinch writes them capitalised (`Delivered`) in callbacks; read without regard to case.
 */
export const SINCH_STATUSES: ProviderStatuses = {
  queued: { state: 'unknown', final: false },
  dispatched: { state: 'unknown', final: false },
  delivered: { state: 'delivered', final: true },
  // The operator reported that it could not deliver.
  failed: { state: 'undelivered', final: true },
  // Deleted by a remote SMSC: an invalid MSISDN or an opted-out subscriber.
  deleted: { state: 'undelivered', final: true },
  // Never reached the handset's network: aborted or cancelled before the SMSC, rejected by it.
  aborted: { state: 'failed', final: true },
  cancelled: { state: 'failed', final: true },
  rejected: { state: 'failed', final: true },
  expired: { state: 'expired', final: true },
  // Delivered to the SMSC, but no (readable) delivery receipt came back: final, outcome unknown.
  unknown: { state: 'unknown', final: true },
};

const REPORT_TYPES = new Set([
  'recipient_delivery_report_sms',
  'recipient_delivery_report_mms',
  'delivery_report_sms',
  'delivery_report_mms',
]);

/** Reads `SINCH_CALLBACK_SECRET`: the HMAC secret Sinch support configured for the service plan. */
export const sinchReceiptsConfig = z.object({ callbackSecret: secretString() });

interface SinchReport {
  readonly type?: unknown;
  readonly batch_id?: unknown;
  readonly status?: unknown;
  readonly code?: unknown;
  readonly at?: unknown;
  readonly statuses?: ReadonlyArray<{ readonly status?: unknown; readonly code?: unknown }>;
}

/**
 * Sinch's delivery reports: `POST /sinch` on the receipts function URL.
 *
 * @example `SMS_PROVIDER=sinch SINCH_CALLBACK_SECRET=… (and the sender's variables)`
 */
const sinchReceipts = defineReceipts<z.output<typeof sinchReceiptsConfig>>({
  id: 'sinch',
  config: sinchReceiptsConfig,
  create: ({ callbackSecret }) => ({
    id: 'sinch',
    methods: ['POST'],
    verify(request) {
      const signature = requireHeader(request, 'x-sinch-webhook-signature');
      const nonce = requireHeader(request, 'x-sinch-webhook-signature-nonce');
      const timestamp = requireHeader(request, 'x-sinch-webhook-signature-timestamp');
      const algorithm = request.headers['x-sinch-webhook-signature-algorithm'];
      if (algorithm !== undefined && algorithm !== 'HmacSHA256') {
        throw new ReceiptRejectedError('BadSignature', 'x-sinch-webhook-signature-algorithm is not HmacSHA256');
      }
      if (!/^\d{1,12}$/.test(timestamp))
        throw new ReceiptRejectedError('BadSignature', 'x-sinch-webhook-signature-timestamp is not Unix seconds');
      assertFresh(Number(timestamp) * 1000, request);
      const expected = createHmac('sha256', callbackSecret.reveal())
        .update(`${request.body}.${nonce}.${timestamp}`, 'utf8')
        .digest('base64');
      if (!safeEqual(expected, signature)) {
        throw new ReceiptRejectedError('BadSignature', 'x-sinch-webhook-signature does not match the body, nonce and timestamp');
      }
    },
    parse(request) {
      const report = receiptJson(request) as SinchReport | null;
      if (typeof report !== 'object' || report === null || typeof report.type !== 'string') throw malformed('no type');
      // Inbound messages (mo_text, …) share the callback URL but report no delivery.
      if (!REPORT_TYPES.has(report.type)) return [];
      if (typeof report.batch_id !== 'string' || report.batch_id === '') throw malformed('no batch_id');
      const batchId = report.batch_id;
      if (report.type.startsWith('recipient_')) {
        if (typeof report.status !== 'string' || report.status === '') throw malformed('no status');
        const at = parseReceiptTime(report.at);
        return [{ ...toReceipt(batchId, report.status, report.code), ...(at === undefined ? {} : { at }) }];
      }
      // A batch report counts recipients per status: one receipt per status the batch reached.
      if (!Array.isArray(report.statuses)) throw malformed('no statuses');
      return report.statuses.map((entry) => {
        if (typeof entry?.status !== 'string' || entry.status === '') throw malformed('a statuses[] entry without status');
        return toReceipt(batchId, entry.status, entry.code);
      });
    },
  }),
});

function toReceipt(messageId: string, status: string, code: unknown): DeliveryReceipt {
  const known = SINCH_STATUSES[status.toLowerCase()];
  // Code 0 is "no error"; the 4xx codes are Sinch's own (402 unroutable, 406 internal expiry, …).
  const providerCode = typeof code === 'number' && code !== 0 ? String(code) : undefined;
  return {
    provider: 'sinch',
    messageId,
    state: known?.state ?? 'unknown',
    // A status this table does not know is logged as intermediate rather than guessed final.
    final: known?.final ?? false,
    providerStatus: status,
    ...(providerCode === undefined ? {} : { providerCode }),
  };
}

export default sinchReceipts;
