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
import {
  classifyInfobipResponse,
  classifyInfobipStatus,
  type InfobipMessageStatus,
  infobipTransportError,
  invalidInfobipResponse,
  isAcceptedStatus,
} from './errors.js';

export interface InfobipConfig {
  /** An API key allowed to send SMS, sent as `Authorization: App <key>`. */
  readonly apiKey: Secret;
  /** The account's Base URL, `https://xxxxx.api.infobip.com` (or a proxy / emulator); no trailing slash. */
  readonly baseUrl: string;
  /** Sender id: alphanumeric (3–11 characters) or numeric (3–14 digits); the account's default when absent. */
  readonly from?: string | undefined;
  /** Appended to notifyUrl as `?token=`: Infobip signs nothing, the receipts function checks it. */
  readonly callbackToken?: Secret | undefined;
}

/** The path of Infobip's "Send SMS message" operation this adapter calls. */
export const INFOBIP_SEND_PATH = '/sms/2/text/advanced';

/** The part of Infobip's send response (`SmsResponse`) this adapter reads. */
interface InfobipSendResponse {
  readonly bulkId?: unknown;
  readonly messages?: ReadonlyArray<{
    readonly messageId?: unknown;
    readonly status?: InfobipMessageStatus;
    readonly to?: unknown;
    readonly smsCount?: unknown;
  }>;
}

/**
 * Sends through Infobip's SMS API, `POST {baseUrl}/sms/2/text/advanced` with
 * `Authorization: App <API key>` and one message to one destination, using Node's global
 * `fetch`. The endpoint and headers are built once here; undici's pool keeps the connection alive
 * between invocations of a warm container; the attempt's AbortSignal cancels the request and the
 * body read. A 200 whose message status is not PENDING/DELIVERED (e.g. REJECTED) is an error.
 *
 * Why not `@infobip-api/sdk`: see README.md ("Why REST"): ~381 KB of axios and five APIs for
 * this one call, no per-call signal, and errors returned (not thrown) with the key inside.
 *
 * @throws {ProviderError} classified by `./errors.js` when Infobip does not accept the message.
 * @example
 * ```ts
 * const provider = createInfobipProvider({ apiKey: new Secret('…'), baseUrl: 'https://xxxxx.api.infobip.com', from: 'Acme' });
 * const { messageId } = await provider.send(message, { signal: AbortSignal.timeout(4000) });
 * ```
 */
export function createInfobipProvider(config: InfobipConfig, _deps?: Partial<ProviderDeps>): SmsProvider {
  const key = config.apiKey.reveal();
  const callbackToken = config.callbackToken?.reveal();
  const endpoint = `${config.baseUrl.replace(/\/+$/, '')}${INFOBIP_SEND_PATH}`;
  const headers = Object.freeze({
    authorization: `App ${key}`,
    'content-type': 'application/json',
    accept: 'application/json',
  });

  return {
    id: 'infobip',
    async send(message: SmsMessage, { signal }): Promise<SendReceipt> {
      if (signal.aborted) throw infobipTransportError(signal.reason, signal, true);
      // "Addresses must be in international format (Example: 41793026727)": E.164 without the +.
      const to = message.to.replace(/^\+/, '');
      const redact = redactor([message.body, message.to, to, key, ...(callbackToken ? [callbackToken] : [])]);
      // A per-destination sender (SMS_SENDERS) wins over INFOBIP_FROM: Infobip takes `from` per message.
      const from = message.sender ?? config.from;
      // JSON is UTF-8: Infobip encodes the text as GSM-7 or UCS-2 itself.
      // Receipts on: Infobip posts this message's delivery report to notifyUrl, as JSON.
      // Without INFOBIP_CALLBACK_TOKEN the receipts function would refuse every report, so none is asked for.
      const callback =
        message.statusCallbackUrl && callbackToken
          ? { notifyUrl: withToken(message.statusCallbackUrl, callbackToken), notifyContentType: 'application/json' }
          : {};
      const request = { messages: [{ destinations: [{ to }], ...(from ? { from } : {}), text: message.body, ...callback }] };
      const { status, retryAfter, body } = await postJson(endpoint, request, {
        headers,
        signal,
        transportError: (error) => infobipTransportError(error, signal, false),
      });
      if (status < 200 || status >= 300) throw classifyInfobipResponse(status, body, redact, parseRetryAfter(retryAfter));
      if (body === undefined) throw invalidInfobipResponse(status, 'not JSON');
      const [sent] = Array.isArray((body as InfobipSendResponse).messages) ? ((body as InfobipSendResponse).messages ?? []) : [];
      if (sent === undefined) throw invalidInfobipResponse(status, 'no messages');
      if (!isAcceptedStatus(sent.status)) throw classifyInfobipStatus(sent.status, redact);
      if (typeof sent.messageId !== 'string' || sent.messageId === '') throw invalidInfobipResponse(status, 'no messageId');
      const parts = sent.smsCount;
      const segments = typeof parts === 'number' && Number.isInteger(parts) && parts > 0 ? parts : undefined;
      return { provider: 'infobip', messageId: sent.messageId, ...(segments === undefined ? {} : { segments }) };
    },
  };
}

/** `url` with `token=<token>` added to its query string. */
function withToken(url: string, token: string): string {
  const target = new URL(url);
  target.searchParams.set('token', token);
  return target.toString();
}
