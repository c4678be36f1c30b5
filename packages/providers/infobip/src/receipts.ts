// Infobip's SMS delivery reports (the message's `notifyUrl`): a JSON POST of `results[]`, up to
// 100 reports per request. Infobip signs nothing, so the sender appends a secret token to
// notifyUrl (`?token=<INFOBIP_CALLBACK_TOKEN>`) and this reader compares it in constant time:
// it proves the caller learnt the URL from Infobip (or from us), not who the caller is, and
// offers no replay window. Both functions need INFOBIP_CALLBACK_TOKEN.

import { secretString } from '@cognito-sms/core/provider';
import {
  type DeliveryReceipt,
  defineReceipts,
  malformed,
  type ProviderStatuses,
  parseReceiptTime,
  ReceiptRejectedError,
  receiptJson,
  safeEqual,
} from '@cognito-sms/core/receipts';
import * as z from '@cognito-sms/core/zod';

/**
 * `status.groupName` → the vocabulary ("Response status and error codes": groups 1 PENDING,
 * 2 UNDELIVERABLE, 3 DELIVERED, 4 EXPIRED, 5 REJECTED).
 */
export const INFOBIP_STATUS_GROUPS: ProviderStatuses = {
  PENDING: { state: 'unknown', final: false },
  UNDELIVERABLE: { state: 'undelivered', final: true },
  DELIVERED: { state: 'delivered', final: true },
  EXPIRED: { state: 'expired', final: true },
  REJECTED: { state: 'failed', final: true },
};

/** The query parameter the sender adds to notifyUrl. */
export const INFOBIP_TOKEN_PARAMETER = 'token';

/** Reads `INFOBIP_CALLBACK_TOKEN`: at least 16 characters (e.g. `openssl rand -hex 32`). */
export const infobipReceiptsConfig = z.object({
  callbackToken: secretString().check(
    z.refine((token) => token.reveal().length >= 16, 'must be at least 16 characters (e.g. openssl rand -hex 32)'),
  ),
});

interface InfobipReport {
  readonly messageId?: unknown;
  readonly doneAt?: unknown;
  readonly status?: { readonly groupName?: unknown; readonly name?: unknown };
  readonly error?: { readonly id?: unknown; readonly name?: unknown };
}

/**
 * Infobip's delivery reports: `POST /infobip?token=…` on the receipts function URL.
 *
 * @example `SMS_PROVIDER=infobip INFOBIP_CALLBACK_TOKEN=… (in the sender too)`
 */
const infobipReceipts = defineReceipts<z.output<typeof infobipReceiptsConfig>>({
  id: 'infobip',
  config: infobipReceiptsConfig,
  create: ({ callbackToken }) => ({
    id: 'infobip',
    methods: ['POST'],
    verify(request) {
      const token = new URL(request.url).searchParams.get(INFOBIP_TOKEN_PARAMETER);
      if (!token) throw new ReceiptRejectedError('Unsigned', `missing ${INFOBIP_TOKEN_PARAMETER} query parameter`);
      if (!safeEqual(token, callbackToken.reveal()))
        throw new ReceiptRejectedError('BadSignature', `the ${INFOBIP_TOKEN_PARAMETER} query parameter does not match`);
    },
    parse(request) {
      const body = receiptJson(request) as { results?: unknown } | null;
      const results = typeof body === 'object' && body !== null ? body.results : undefined;
      if (!Array.isArray(results)) throw malformed('no results array');
      return (results as InfobipReport[]).map((report) => {
        if (typeof report?.messageId !== 'string' || report.messageId === '') throw malformed('a result without messageId');
        const group = report.status?.groupName;
        if (typeof group !== 'string' || group === '') throw malformed('a result without status.groupName');
        const known = INFOBIP_STATUS_GROUPS[group];
        const errorId = report.error?.id;
        const at = parseReceiptTime(report.doneAt);
        const receipt: DeliveryReceipt = {
          provider: 'infobip',
          messageId: report.messageId,
          state: known?.state ?? 'unknown',
          final: known?.final ?? false,
          // The status name (DELIVERED_TO_HANDSET, EXPIRED_EXPIRED, …) says more than its group.
          providerStatus: typeof report.status?.name === 'string' ? report.status.name : group,
          // Error 0 is NO_ERROR; others (EC_ABSENT_SUBSCRIBER 27, …) are kept as the provider's code.
          ...(typeof errorId === 'number' && errorId !== 0 ? { providerCode: String(errorId) } : {}),
          ...(at === undefined ? {} : { at }),
        };
        return receipt;
      });
    },
  }),
});

export default infobipReceipts;
