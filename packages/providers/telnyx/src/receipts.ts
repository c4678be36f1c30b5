// Telnyx's delivery webhooks (the message's `webhook_url`): a JSON POST per status change,
// `message.sent` then `message.finalized`, signed with Ed25519 by Telnyx's account key:
// `telnyx-signature-ed25519` = base64(Ed25519(`${telnyx-timestamp}|${raw body}`)), the
// timestamp in Unix seconds ("Receiving webhooks for Messaging", developers.telnyx.com).
// Verified with node:crypto rather than the SDK's `TelnyxWebhook`: that helper checks the
// timestamp against its own clock, not the arrival time, throws one error class for a missing
// header, a replay and a forgery alike (we answer 401 and 403 apart), and verifies through
// asynchronous WebCrypto; the check itself is the same few lines. The tests run both on the
// same requests, so the two cannot drift apart unnoticed.

import { createPublicKey, type KeyObject, verify } from 'node:crypto';
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
} from '@cognito-sms/core/receipts';
import * as z from '@cognito-sms/core/zod';

/**
 * `to[].status` → the vocabulary: every value of the SDK's `OutboundMessagePayload.To.status`
 * (the Messages API reference). `final: false` for the steps before the carrier's answer.
 */
export const TELNYX_STATUSES: ProviderStatuses = {
  scheduled: { state: 'unknown', final: false },
  queued: { state: 'unknown', final: false },
  sending: { state: 'unknown', final: false },
  sent: { state: 'unknown', final: false },
  delivered: { state: 'delivered', final: true },
  // RCS read receipts: delivered, and then some.
  read: { state: 'delivered', final: true },
  // The carrier reported that it could not deliver.
  delivery_failed: { state: 'undelivered', final: true },
  // Telnyx could not hand it to a carrier (or it was still queued at `valid_until`).
  sending_failed: { state: 'failed', final: true },
  cancelled: { state: 'failed', final: true },
  expired: { state: 'expired', final: true },
  // Finalized without a delivery receipt from the carrier: nothing more will come.
  delivery_unconfirmed: { state: 'unknown', final: true },
};

// Messaging errors 40005 "Message expired during transmission" and 40014 "Message expired in
// queue": Telnyx may report them as delivery_failed / sending_failed; this vocabulary says expired.
const EXPIRED_CODES = new Set(['40005', '40014']);

// The delivery events; others (message.received for inbound SMS) carry no delivery status.
const DELIVERY_EVENTS = new Set(['message.sent', 'message.finalized']);

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Reads `TELNYX_PUBLIC_KEY`: the account's Ed25519 public key as Mission Control shows it
 * (Account Settings → Keys & Credentials → Public Key), 32 bytes in base64. Not a secret.
 */
export const telnyxReceiptsConfig = z.object({
  publicKey: z.string({ error: 'is required: the base64 public key from Mission Control (Keys & Credentials → Public Key)' }).check(
    z.trim(),
    z.refine(
      (value) => BASE64.test(value) && Buffer.from(value, 'base64').length === 32,
      'must be the base64 Ed25519 public key from Mission Control (32 bytes, 44 characters)',
    ),
  ),
});

/** The part of a Telnyx webhook this reader needs (OutboundMessage, `data` of the body). */
interface TelnyxWebhookBody {
  readonly data?: {
    readonly event_type?: unknown;
    readonly occurred_at?: unknown;
    readonly payload?: {
      readonly id?: unknown;
      readonly to?: ReadonlyArray<{ readonly status?: unknown }>;
      readonly errors?: ReadonlyArray<{ readonly code?: unknown }>;
    };
  };
}

/**
 * Telnyx's delivery webhooks: `POST /telnyx` on the receipts function URL.
 *
 * @example `SMS_PROVIDER=telnyx TELNYX_PUBLIC_KEY=<base64 from Mission Control> (and the sender's variables)`
 */
const telnyxReceipts = defineReceipts<z.output<typeof telnyxReceiptsConfig>>({
  id: 'telnyx',
  config: telnyxReceiptsConfig,
  create: ({ publicKey }) => {
    const key = ed25519PublicKey(publicKey);
    return {
      id: 'telnyx',
      methods: ['POST'],
      verify(request) {
        const signature = requireHeader(request, 'telnyx-signature-ed25519');
        const timestamp = requireHeader(request, 'telnyx-timestamp');
        if (!/^\d{1,12}$/.test(timestamp)) throw new ReceiptRejectedError('BadSignature', 'telnyx-timestamp is not Unix seconds');
        assertFresh(Number(timestamp) * 1000, request);
        const bytes = BASE64.test(signature) ? Buffer.from(signature, 'base64') : Buffer.alloc(0);
        if (bytes.length !== 64)
          throw new ReceiptRejectedError('BadSignature', 'telnyx-signature-ed25519 is not a base64 Ed25519 signature');
        if (!verify(null, Buffer.from(`${timestamp}|${request.body}`, 'utf8'), key, bytes)) {
          throw new ReceiptRejectedError('BadSignature', 'telnyx-signature-ed25519 does not match the timestamp and body');
        }
      },
      parse(request) {
        const body = receiptJson(request) as TelnyxWebhookBody | null;
        const data = typeof body === 'object' && body !== null ? body.data : undefined;
        if (typeof data !== 'object' || data === null) throw malformed('no data object');
        if (typeof data.event_type !== 'string') throw malformed('no data.event_type');
        if (!DELIVERY_EVENTS.has(data.event_type)) return [];
        const messageId = data.payload?.id;
        // The adapter sends to one recipient per message, so `to[0]` is the message's status.
        const status = Array.isArray(data.payload?.to) ? data.payload.to[0]?.status : undefined;
        if (typeof messageId !== 'string' || messageId === '') throw malformed('no data.payload.id');
        if (typeof status !== 'string' || status === '') throw malformed('no data.payload.to[0].status');
        const rawCode = Array.isArray(data.payload?.errors) ? data.payload.errors[0]?.code : undefined;
        const code = typeof rawCode === 'string' || typeof rawCode === 'number' ? String(rawCode) : undefined;
        const known = TELNYX_STATUSES[status];
        const at = parseReceiptTime(data.occurred_at);
        const receipt: DeliveryReceipt = {
          provider: 'telnyx',
          messageId,
          state: known === undefined ? 'unknown' : known.final && code !== undefined && EXPIRED_CODES.has(code) ? 'expired' : known.state,
          // A status this table does not know is logged as intermediate rather than guessed final.
          final: known?.final ?? false,
          providerStatus: status,
          ...(code === undefined ? {} : { providerCode: code }),
          ...(at === undefined ? {} : { at }),
        };
        return [receipt];
      },
    };
  },
});

/** The raw 32-byte key as a KeyObject (a JWK is the one raw-key form node:crypto imports). */
function ed25519PublicKey(base64: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(base64, 'base64').toString('base64url') }, format: 'jwk' });
}

export default telnyxReceipts;
