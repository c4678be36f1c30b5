// Plivo's message status callbacks: a form POST to the message's `url` per status change
// (docs.plivo.com/docs/messaging/api/message/message-status-callbacks), signed with
// `X-Plivo-Signature-V3` = base64(HMAC-SHA256(auth token, <URL> + "." + nonce)) and the nonce in
// `X-Plivo-Signature-V3-Nonce`, where <URL> is scheme, host and path, then `?` and the query
// sorted as `name=value&…`, then (for a POST) `.` after a query and the form parameters sorted
// as `namevalue…` (the SDKs' `validateV3Signature`). Several active auth tokens give several
// comma-separated signatures; one match is enough.
//
// Checked with node:crypto: this adapter does not use the plivo SDK (see plivo.ts), whose
// `validateV3Signature` sits behind its REST client and lodash. The tests run the V3 vectors of
// Plivo's Go SDK (plivo-go utils_test.go).
//
// V3 signs no timestamp. What a replay can move is bounded by the signed `MessageTime`: a
// callback for a message sent more than PLIVO_RECEIPT_MAX_AGE_MS ago is refused; within it the
// receipts ledger counts each message's final status once.

import { createHmac } from 'node:crypto';
import { secretString } from '@cognito-sms/core/provider';
import {
  type DeliveryReceipt,
  defineReceipts,
  malformed,
  type ProviderStatuses,
  ReceiptRejectedError,
  receiptParams,
  requireHeader,
  safeEqual,
} from '@cognito-sms/core/receipts';
import * as z from '@cognito-sms/core/zod';

/**
 * `Status` → the vocabulary (the callback reference; `rejected` in its older edition).
 * `queued` and `sent` come before the carrier's delivery report.
 */
export const PLIVO_STATUSES: ProviderStatuses = {
  queued: { state: 'unknown', final: false },
  sent: { state: 'unknown', final: false },
  delivered: { state: 'delivered', final: true },
  // Handed to the carrier, which could not deliver it.
  undelivered: { state: 'undelivered', final: true },
  // Never reached a carrier (Plivo could not hand it over).
  failed: { state: 'failed', final: true },
  rejected: { state: 'failed', final: true },
};

/**
 * How long after a message's signed `MessageTime` its callbacks are taken: carriers report
 * within their validity periods (hours, at most about three days); the extra day absorbs clocks.
 */
export const PLIVO_RECEIPT_MAX_AGE_MS = 4 * 24 * 60 * 60 * 1000;

/** Reads `PLIVO_AUTH_TOKEN`: Plivo signs callbacks with the account's auth token. */
export const plivoReceiptsConfig = z.object({ authToken: secretString() });

/**
 * The string Plivo signs for a request, before `.` and the nonce.
 *
 * @example `plivoSignedUrl('POST', 'https://x.example/plivo', new URLSearchParams('Status=sent'))  // 'https://x.example/plivo?Statussent'`
 */
export function plivoSignedUrl(method: 'GET' | 'POST', url: string, form: URLSearchParams = new URLSearchParams()): string {
  const parsed = new URL(url);
  const base = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  const query = sorted(parsed.searchParams)
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const body =
    method === 'POST'
      ? sorted(form)
          .map(([name, value]) => name + value)
          .join('')
      : '';
  if (body === '') return query === '' ? base : `${base}?${query}`;
  return `${base}?${query === '' ? '' : `${query}.`}${body}`;
}

/**
 * Plivo's delivery receipts: `POST /plivo` on the receipts function URL (the adapter asks for
 * POST with each message's `url`).
 *
 * @example `SMS_PROVIDER=plivo PLIVO_AUTH_TOKEN=… (the sender's variables)`
 */
const plivoReceipts = defineReceipts<z.output<typeof plivoReceiptsConfig>>({
  id: 'plivo',
  config: plivoReceiptsConfig,
  create: ({ authToken }) => ({
    id: 'plivo',
    methods: ['POST'],
    verify(request) {
      const signatures = requireHeader(request, 'x-plivo-signature-v3');
      const nonce = requireHeader(request, 'x-plivo-signature-v3-nonce');
      const form = request.method === 'POST' ? new URLSearchParams(request.body) : undefined;
      const expected = createHmac('sha256', authToken.reveal())
        .update(`${plivoSignedUrl(request.method, request.url, form)}.${nonce}`)
        .digest('base64');
      if (!signatures.split(',').some((signature) => safeEqual(signature.trim(), expected))) {
        throw new ReceiptRejectedError('BadSignature', 'X-Plivo-Signature-V3 does not match the URL, parameters and nonce');
      }
      const sentAt = plivoTime(receiptParams(request).get('MessageTime'));
      if (sentAt !== undefined && request.receivedAt - sentAt > PLIVO_RECEIPT_MAX_AGE_MS) {
        throw new ReceiptRejectedError('Replayed', 'the message of this callback was sent more than 4 days ago');
      }
    },
    parse(request) {
      const params = receiptParams(request);
      const messageId = params.get('MessageUUID');
      const status = params.get('Status');
      if (!messageId) throw malformed('no MessageUUID');
      if (!status) throw malformed('no Status');
      const known = PLIVO_STATUSES[status];
      const code = params.get('ErrorCode') ?? '';
      const at = plivoTime(params.get('DeliveryReportTime')) ?? plivoTime(params.get('SentTime')) ?? plivoTime(params.get('QueuedTime'));
      const receipt: DeliveryReceipt = {
        provider: 'plivo',
        messageId,
        state: known?.state ?? 'unknown',
        // A status this table does not know is logged as intermediate rather than guessed final.
        final: known?.final ?? false,
        providerStatus: status,
        ...(/^0*$/.test(code) ? {} : { providerCode: code }),
        ...(at === undefined ? {} : { at }),
      };
      return [receipt];
    },
  }),
});

/** Pairs sorted by name, then by value (the SDKs sort repeated names' values). */
const sorted = (params: URLSearchParams): [string, string][] =>
  [...params].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));

/** `2026-12-07 06:00:00.123456` (Plivo's callback times, UTC) as ms since the epoch. */
function plivoTime(value: string | null | undefined): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d{1,3})?\d*$/.exec(value ?? '');
  if (!match) return undefined;
  const ms = Date.parse(`${match[1]}T${match[2]}${match[3] ?? ''}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

export default plivoReceipts;
