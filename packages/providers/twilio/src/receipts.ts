// Twilio's status callbacks (`StatusCallback` of the Messages resource): a form-encoded POST per
// status change, signed with `X-Twilio-Signature` = base64(HMAC-SHA1(auth token, URL + each
// parameter's name and value, sorted by name)) (twilio.com/docs/usage/webhooks/webhooks-security).
// Verified with the SDK's own `validateRequest`: its module loads node:crypto, url and
// querystring only, not the REST client.

import { secretString } from '@cognito-sms/core/provider';
import {
  type DeliveryReceipt,
  defineReceipts,
  malformed,
  type ProviderStatuses,
  ReceiptRejectedError,
  type ReceiptRequest,
  receiptParams,
  requireHeader,
} from '@cognito-sms/core/receipts';
import * as z from '@cognito-sms/core/zod';
import { validateRequest } from 'twilio/lib/webhooks/webhooks.js';

/**
 * `MessageStatus` → the vocabulary (twilio.com/docs/messaging/api/message-resource#message-status-values).
 * `final: false` for the steps before the carrier's answer.
 */
export const TWILIO_STATUSES: ProviderStatuses = {
  accepted: { state: 'unknown', final: false },
  scheduled: { state: 'unknown', final: false },
  queued: { state: 'unknown', final: false },
  sending: { state: 'unknown', final: false },
  sent: { state: 'unknown', final: false },
  delivered: { state: 'delivered', final: true },
  read: { state: 'delivered', final: true },
  partially_delivered: { state: 'undelivered', final: true },
  undelivered: { state: 'undelivered', final: true },
  failed: { state: 'failed', final: true },
  canceled: { state: 'failed', final: true },
};

// Error 30036 "Validity Period Expired": the message waited in Twilio's queue past its
// ValidityPeriod; Twilio reports it as failed, this vocabulary as expired.
const EXPIRED_CODES = new Set(['30036']);

/** Reads `TWILIO_AUTH_TOKEN`: Twilio signs callbacks with the account's auth token (API keys cannot). */
export const twilioReceiptsConfig = z.object({ authToken: secretString() });

/**
 * Twilio's delivery receipts: `POST /twilio` on the receipts function URL.
 *
 * @example `SMS_PROVIDER=twilio TWILIO_AUTH_TOKEN=… (the sender's variables)`
 */
const twilioReceipts = defineReceipts<z.output<typeof twilioReceiptsConfig>>({
  id: 'twilio',
  config: twilioReceiptsConfig,
  create: ({ authToken }) => ({
    id: 'twilio',
    methods: ['POST'],
    verify(request) {
      const signature = requireHeader(request, 'x-twilio-signature');
      if (!validateRequest(authToken.reveal(), signature, request.url, formObject(request))) {
        throw new ReceiptRejectedError('BadSignature', 'X-Twilio-Signature does not match the URL and parameters');
      }
    },
    parse(request) {
      const params = receiptParams(request);
      const messageId = params.get('MessageSid') ?? params.get('SmsSid');
      const status = params.get('MessageStatus') ?? params.get('SmsStatus');
      if (!messageId) throw malformed('no MessageSid');
      if (!status) throw malformed('no MessageStatus');
      const known = TWILIO_STATUSES[status];
      const code = params.get('ErrorCode') || undefined;
      const receipt: DeliveryReceipt = {
        provider: 'twilio',
        messageId,
        state: known === undefined ? 'unknown' : code !== undefined && EXPIRED_CODES.has(code) ? 'expired' : known.state,
        // A status this table does not know is logged as intermediate rather than guessed final.
        final: known?.final ?? false,
        providerStatus: status,
        ...(code === undefined ? {} : { providerCode: code }),
      };
      return [receipt];
    },
  }),
});

/** The form as the SDK's validator takes it: repeated names as arrays (it sorts their values). */
function formObject(request: ReceiptRequest): Record<string, string | string[]> {
  // Twilio signs the POST body's parameters only; the query string is part of the URL.
  if (request.method !== 'POST') return {};
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(request.body)) {
    const seen = params[key];
    params[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return params;
}

export default twilioReceipts;
