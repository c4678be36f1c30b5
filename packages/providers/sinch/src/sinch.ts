import {
  type ProviderDeps,
  parseRetryAfter,
  postJson,
  redactor,
  type Secret,
  type SendReceipt,
  type SmsMessage,
  type SmsProvider,
} from '@cognito-sms/core/provider';
import { classifySinchResponse, invalidSinchResponse, sinchTransportError } from './errors.js';

/** The regions of Sinch's SMS REST API: `https://{region}.sms.api.sinch.com`. */
export const SINCH_REGIONS = ['us', 'eu', 'au', 'br', 'ca'] as const;
export type SinchRegion = (typeof SINCH_REGIONS)[number];

export interface SinchConfig {
  /** The service plan id (dashboard: SMS → APIs → REST configuration); part of the URL path. */
  readonly servicePlanId: string;
  /** The service plan's API token, sent as `Authorization: Bearer <token>`. */
  readonly apiToken: Secret;
  /** Sender number, short code or alphanumeric id; when absent Sinch's Automatic Default Originator picks one. */
  readonly from?: string | undefined;
  /** Where the account lives; decides the host unless `baseUrl` is set. */
  readonly region: SinchRegion;
  /** Replaces `https://{region}.sms.api.sinch.com` (a proxy, an emulator); no trailing slash. */
  readonly baseUrl?: string | undefined;
}

/**
 * The host of a region.
 *
 * @example `sinchRegionUrl('eu') // 'https://eu.sms.api.sinch.com'`
 */
export const sinchRegionUrl = (region: SinchRegion): string => `https://${region}.sms.api.sinch.com`;

/** The part of Sinch's batch (the 201 answer to `POST /batches`) this adapter reads. */
interface SinchBatch {
  readonly id?: unknown;
}

/**
 * Sends through Sinch's SMS REST API, `POST {base}/xms/v1/{service_plan_id}/batches` with
 * `Authorization: Bearer <API token>` and a JSON `mt_text` batch to one recipient, using Node's
 * global `fetch`. The endpoint and headers are built once here; undici's pool keeps the
 * connection alive between invocations of a warm container; the attempt's AbortSignal cancels
 * the request and the body read.
 *
 * Why not `@sinch/sms`: see README.md ("Why REST"): it cannot be loaded in this install, and it
 * would cost ~378 KB for this one call.
 *
 * @throws {ProviderError} classified by `./errors.js` when Sinch does not accept the message.
 * @example
 * ```ts
 * const provider = createSinchProvider({ servicePlanId: 'jd63jf88477ll123ab4567cd89012ef3', apiToken: new Secret('…'), from: '+12025550134', region: 'us' });
 * const { messageId } = await provider.send(message, { signal: AbortSignal.timeout(4000) });
 * ```
 */
export function createSinchProvider(config: SinchConfig, _deps?: Partial<ProviderDeps>): SmsProvider {
  const token = config.apiToken.reveal();
  const base = (config.baseUrl ?? sinchRegionUrl(config.region)).replace(/\/+$/, '');
  const endpoint = `${base}/xms/v1/${encodeURIComponent(config.servicePlanId)}/batches`;
  const headers = Object.freeze({
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    accept: 'application/json',
  });

  return {
    id: 'sinch',
    async send(message: SmsMessage, { signal }): Promise<SendReceipt> {
      if (signal.aborted) throw sinchTransportError(signal.reason, signal, true);
      const redact = redactor([message.body, message.to, message.to.replace(/^\+/, ''), token]);
      // The reference accepts MSISDNs "with or without a leading +"; E.164 is sent as is.
      // `body` is JSON, so UTF-8: Sinch picks GSM-7 or UCS-2 itself ("Supported Characters").
      // A per-destination sender (SMS_SENDERS) wins over SINCH_FROM: Sinch takes `from` per batch.
      const from = message.sender ?? config.from;
      // Receipts on: one delivery report per recipient, posted to the batch's callback_url.
      const callback = message.statusCallbackUrl ? { delivery_report: 'per_recipient', callback_url: message.statusCallbackUrl } : {};
      const batch = { to: [message.to], body: message.body, type: 'mt_text', ...(from ? { from } : {}), ...callback };
      const { status, retryAfter, body } = await postJson(endpoint, batch, {
        headers,
        signal,
        transportError: (error) => sinchTransportError(error, signal, false),
      });
      if (status < 200 || status >= 300) throw classifySinchResponse(status, body, redact, parseRetryAfter(retryAfter));
      if (body === undefined) throw invalidSinchResponse(status, 'not JSON');
      const id = (body as SinchBatch).id;
      if (typeof id !== 'string' || id === '') throw invalidSinchResponse(status, 'no batch id');
      return { provider: 'sinch', messageId: id };
    },
  };
}
