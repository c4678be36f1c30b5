import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { isProviderError, type ProviderDeps, type ProviderError, type Secret, type SendReceipt, type SmsMessage, type SmsProvider } from '@cognito-sms/core/provider';
import Telnyx, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'telnyx';
import { type Scrub, telnyxHttpError, telnyxInvalidResponseError, telnyxNetworkError, telnyxTimeoutError } from './errors.js';

export interface TelnyxProviderConfig {
  readonly apiKey: Secret;
  /** Sender (`from`): a Telnyx number (+E.164), a short code or an alphanumeric sender ID. */
  readonly from?: string | undefined;
  /** Messaging profile (`messaging_profile_id`): number pool, or required with an alphanumeric sender ID. */
  readonly messagingProfileId?: string | undefined;
  /** The API base, `/messages` is appended; `https://api.telnyx.com/v2` by default (the SDK's own default). */
  readonly baseUrl: string;
}

export const DEFAULT_BASE_URL = 'https://api.telnyx.com/v2';

/** The body of `POST /messages`, as the SDK's `MessageSendParams`. */
export function telnyxRequestBody(message: SmsMessage, config: Pick<TelnyxProviderConfig, 'from' | 'messagingProfileId'>): Telnyx.MessageSendParams {
  // A per-destination sender (SMS_SENDERS) wins over the configured one; the profile stays,
  // since Telnyx needs it for an alphanumeric sender ID.
  const from = message.sender ?? config.from;
  return {
    ...(from === undefined ? {} : { from }),
    ...(config.messagingProfileId === undefined ? {} : { messaging_profile_id: config.messagingProfileId }),
    to: message.to,
    text: message.body,
    type: 'SMS',
    ...(message.statusCallbackUrl ? { webhook_url: message.statusCallbackUrl } : {}),
  };
}

/**
 * Delivers through Telnyx's Messaging API (`POST {baseUrl}/messages`, `Authorization: Bearer
 * <API key>`) with the official `telnyx` SDK, built once:
 *
 * - `baseURL` carries `TELNYX_BASE_URL`; `maxRetries: 0`, because retries and failover are the
 *   delivery policy's decision (the SDK would otherwise retry 429/5xx/timeouts twice on its own,
 *   possibly sending the code twice);
 * - `logLevel: 'off'` and explicit `null` OAuth/public-key settings, so nothing the SDK would
 *   otherwise read from `TELNYX_LOG`, `TELNYX_CLIENT_ID`, … changes what a send does;
 * - each send passes its AbortSignal as the SDK's per-request `signal`.
 *
 * @throws {ProviderError} when Telnyx does not take the message (classified, see errors.ts).
 * @example
 * ```ts
 * const provider = createTelnyxProvider({ apiKey, from: '+14155550100', baseUrl: DEFAULT_BASE_URL });
 * const { messageId, segments } = await provider.send(message, { signal: AbortSignal.timeout(4000) });
 * ```
 */
export function createTelnyxProvider(config: TelnyxProviderConfig, _deps?: Partial<ProviderDeps>): SmsProvider {
  const client = new Telnyx({
    apiKey: config.apiKey.reveal(),
    baseURL: config.baseUrl,
    maxRetries: 0,
    logLevel: 'off',
    publicKey: null,
    clientID: null,
    clientSecret: null,
  });

  return {
    id: 'telnyx',
    async send(message: SmsMessage, { signal }): Promise<SendReceipt> {
      if (signal.aborted) throw telnyxTimeoutError(signal.reason, false);
      const scrub: Scrub = { body: message.body, to: message.to };
      let response: Telnyx.MessageSendResponse;
      try {
        response = await client.messages.send(telnyxRequestBody(message, config), { signal });
      } catch (error) {
        throw classify(error, signal, scrub);
      } finally {
        // Node's fetch (undici) returns the connection to its pool one macrotask after the body
        // is read; a send issued before that (a quick second send) would open a second one.
        await nextMacrotask();
      }
      const data = response?.data;
      if (typeof data?.id !== 'string' || data.id === '') throw telnyxInvalidResponseError(200, 'no data.id');
      return {
        provider: 'telnyx',
        messageId: data.id,
        ...(typeof data.parts === 'number' && Number.isInteger(data.parts) && data.parts > 0 ? { segments: data.parts } : {}),
      };
    },
  };
}

/**
 * Whatever the SDK threw, as a classified error that holds no secret. The SDK's `APIError` is
 * never kept as `cause`: its message is the response body, which may echo the number.
 */
function classify(error: unknown, signal: AbortSignal, scrub: Scrub): ProviderError {
  if (isProviderError(error)) return error;
  if (signal.aborted || error instanceof APIUserAbortError) return telnyxTimeoutError(signal.reason, true);
  // The SDK's own client-wide timeout (one minute), should the signal be longer.
  if (error instanceof APIConnectionTimeoutError) return telnyxTimeoutError(undefined, true);
  if (error instanceof APIConnectionError) return telnyxNetworkError(error.cause);
  if (error instanceof APIError && typeof error.status === 'number') {
    return telnyxHttpError(error.status, error.error, headerOf(error.headers, 'retry-after'), scrub);
  }
  // A 2xx body that is not JSON, or an SDK failure: the message may have been taken.
  return telnyxInvalidResponseError(200, `the SDK failed reading the answer (${error instanceof Error ? error.name : typeof error})`);
}

const headerOf = (headers: unknown, name: string): string | null =>
  headers instanceof Headers ? headers.get(name) : null;
