import { type ProviderDeps, redactor, type Secret, type SendReceipt, type SmsProvider } from '@cognito-sms/core/provider';
import { classifyErrorResponse, classifyTransportError, invalidResponseError, noTimeLeftError, recipientFailedError } from './errors.js';

/** How MessageBird encodes the text: `auto` picks `unicode` when the body has non-GSM characters. */
export type MessageBirdDatacoding = 'plain' | 'unicode' | 'auto';

export interface MessageBirdProviderConfig {
  /** A live access key (a `test_` key is accepted by the API but delivers nothing). */
  readonly accessKey: Secret;
  /** Sender: a phone number with country code, or an alphanumeric ID of at most 11 characters. */
  readonly originator: string;
  readonly datacoding: MessageBirdDatacoding;
  /** `https://rest.messagebird.com`, or a proxy / emulator; no trailing slash. */
  readonly baseUrl: string;
}

/** The part of MessageBird's Message object (201 answer to `POST /messages`) this adapter reads. */
interface MessageBirdMessage {
  readonly id?: unknown;
  readonly recipients?: {
    readonly items?: ReadonlyArray<{ readonly recipient?: unknown; readonly status?: unknown; readonly messagePartCount?: unknown }>;
  };
}

const FAILED_RECIPIENT_STATUSES = new Set(['delivery_failed', 'expired']);

/**
 * Sends through MessageBird's SMS REST API, `POST {baseUrl}/messages`, with Node's `fetch`.
 *
 * Why not the `messagebird` SDK: its `initClient(accessKey, timeout)` hard-codes
 * `https://rest.messagebird.com` (hostname, port and `https` module), takes no agent, request
 * hook or AbortSignal, and reports a 2xx/5xx JSON body without `errors` as success. So the
 * documented REST call is made directly: one endpoint and header set built here, once; keep-alive
 * through fetch's pooled connections; the caller's AbortSignal on the request and the body read.
 *
 * @example
 * ```ts
 * const provider = createMessageBirdProvider({ accessKey: new Secret(key), originator: 'Acme', datacoding: 'auto', baseUrl: 'https://rest.messagebird.com' }, deps);
 * const { messageId, segments } = await provider.send(message, { signal: AbortSignal.timeout(4000) });
 * ```
 */
export function createMessageBirdProvider(config: MessageBirdProviderConfig, deps: Pick<ProviderDeps, 'logger'>): SmsProvider {
  const accessKey = config.accessKey.reveal();
  const endpoint = `${config.baseUrl.replace(/\/+$/, '')}/messages`;
  const headers = Object.freeze({
    authorization: `AccessKey ${accessKey}`,
    accept: 'application/json',
    'content-type': 'application/json',
    'user-agent': 'cognito-sms-messagebird/0.1.0',
  });
  if (accessKey.startsWith('test_')) {
    deps.logger.warn('MESSAGEBIRD_ACCESS_KEY is a test key: MessageBird accepts messages but delivers none');
  }

  return {
    id: 'messagebird',
    async send(message, { signal }): Promise<SendReceipt> {
      const recipient = message.to.replace(/^\+/, '');
      const redact = redactor([message.body, message.to, recipient, accessKey]);
      if (signal.aborted) throw noTimeLeftError(signal.reason);
      let status: number;
      let text: string;
      let retryAfter: string | null;
      try {
        const response = await fetch(endpoint, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            // A per-destination sender (SMS_SENDERS) wins over MESSAGEBIRD_ORIGINATOR.
            originator: message.sender ?? config.originator,
            recipients: [recipient],
            body: message.body,
            datacoding: config.datacoding,
            // Where MessageBird sends this message's status reports (receipts on). It sends them
            // only for messages with a `reference`; the trigger says what was sent, not to whom.
            ...(message.statusCallbackUrl ? { reportUrl: message.statusCallbackUrl, reference: message.trigger } : {}),
          }),
          signal,
        });
        status = response.status;
        retryAfter = response.headers.get('retry-after');
        text = await response.text();
      } catch (error) {
        throw classifyTransportError(error, signal);
      }
      if (status < 200 || status >= 300) throw classifyErrorResponse(status, text, redact, retryAfter);
      return readReceipt(status, text, recipient);
    },
  };
}

function readReceipt(status: number, text: string, recipient: string): SendReceipt {
  let parsed: MessageBirdMessage;
  try {
    parsed = JSON.parse(text) as MessageBirdMessage;
  } catch {
    throw invalidResponseError(status, 'not JSON');
  }
  if (typeof parsed?.id !== 'string' || parsed.id.length === 0) throw invalidResponseError(status, 'no message id');
  const items = Array.isArray(parsed.recipients?.items) ? parsed.recipients.items : [];
  // `recipient` is a JSON number in MessageBird's answers; compare as digits.
  const item = items.find((entry) => String(entry?.recipient) === recipient) ?? (items.length === 1 ? items[0] : undefined);
  if (item && typeof item.status === 'string' && FAILED_RECIPIENT_STATUSES.has(item.status)) {
    throw recipientFailedError(status, item.status, parsed.id);
  }
  // `recipients.totalCount` counts recipients; `items[].messagePartCount` is the SMS parts.
  const parts = item?.messagePartCount;
  const segments = typeof parts === 'number' && Number.isInteger(parts) && parts > 0 ? parts : undefined;
  return { provider: 'messagebird', messageId: parsed.id, ...(segments === undefined ? {} : { segments }) };
}
