import { type ProviderDeps, postJson, type Secret, type SendReceipt, type SmsMessage, type SmsProvider } from '@cognito-sms/core/provider';
import {
  plivoHttpError,
  plivoInvalidNumberError,
  plivoInvalidResponseError,
  plivoNetworkError,
  plivoTimeoutError,
  type Scrub,
} from './errors.js';

export interface PlivoProviderConfig {
  /** The account's Auth ID: the Basic-auth user and part of the URL path. */
  readonly authId: string;
  readonly authToken: Secret;
  /** Sender (`src`): a Plivo number, short code or alphanumeric sender ID. Exclusive with `powerpackUuid`. */
  readonly from?: string | undefined;
  /** Powerpack (`powerpack_uuid`) that picks the sender. Exclusive with `from`. */
  readonly powerpackUuid?: string | undefined;
  /** Where `/v1/Account/{auth_id}/Message/` lives; `https://api.plivo.com` by default. */
  readonly baseUrl: string;
}

export const DEFAULT_BASE_URL = 'https://api.plivo.com';

/**
 * The Send a Message endpoint under `baseUrl`, keeping a path prefix (a proxy):
 * `https://proxy.example/plivo` → `https://proxy.example/plivo/v1/Account/MA…/Message/`.
 */
export function messageEndpoint(baseUrl: string, authId: string): string {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return new URL(`v1/Account/${encodeURIComponent(authId)}/Message/`, base).href;
}

/** The JSON body of Send a Message. The `dst` is the E.164 number without `+`, as Plivo writes it. */
export function plivoRequestBody(message: SmsMessage, config: Pick<PlivoProviderConfig, 'from' | 'powerpackUuid'>): Record<string, string> {
  // A per-destination sender (SMS_SENDERS) wins; `src` and `powerpack_uuid` exclude each other.
  const src = message.sender ?? config.from;
  const sender: Record<string, string> =
    src !== undefined ? { src } : config.powerpackUuid !== undefined ? { powerpack_uuid: config.powerpackUuid } : {};
  // `url` + `method`: where Plivo posts this message's status (receipts on).
  const callback: Record<string, string> = message.statusCallbackUrl ? { url: message.statusCallbackUrl, method: 'POST' } : {};
  return { ...sender, dst: message.to.replace(/^\+/, ''), text: message.body, type: 'sms', ...callback };
}

/**
 * Delivers through Plivo's Message API (`POST {baseUrl}/v1/Account/{auth_id}/Message/`, HTTP
 * Basic auth with the Auth ID and Auth Token, JSON body) with Node's `fetch`. The official
 * `plivo` SDK is not used: it takes no AbortSignal, rejects network failures with a bare string,
 * keeps the Authorization header inside its errors, changes the global `axios` defaults when
 * imported and weighs about 1 MB bundled (see README.md). One HTTP call is all a send needs.
 *
 * Built once per container; `fetch` keeps the TCP connection alive between sends.
 *
 * @throws {ProviderError} when Plivo does not queue the message (classified, see errors.ts).
 * @example
 * ```ts
 * const provider = createPlivoProvider({ authId: 'MA…', authToken, from: '+14155550100', baseUrl: DEFAULT_BASE_URL });
 * const { messageId } = await provider.send(message, { signal: AbortSignal.timeout(4000) });
 * ```
 */
export function createPlivoProvider(config: PlivoProviderConfig, _deps?: Partial<ProviderDeps>): SmsProvider {
  const endpoint = messageEndpoint(config.baseUrl, config.authId);
  const headers = {
    authorization: `Basic ${Buffer.from(`${config.authId}:${config.authToken.reveal()}`, 'utf8').toString('base64')}`,
    'content-type': 'application/json',
    accept: 'application/json',
    'user-agent': 'cognito-sms-provider-plivo',
  };

  return {
    id: 'plivo',
    async send(message: SmsMessage, { signal }): Promise<SendReceipt> {
      if (signal.aborted) throw plivoTimeoutError(signal.reason, false);
      const scrub: Scrub = { body: message.body, to: message.to };
      const { status, retryAfter, body } = await postJson(endpoint, plivoRequestBody(message, config), {
        headers,
        signal,
        transportError: (error) => (signal.aborted ? plivoTimeoutError(error, true) : plivoNetworkError(error)),
      });
      if (status < 200 || status >= 300) throw plivoHttpError(status, body, retryAfter, scrub);
      return receipt(status, body);
    },
  };
}

/** `message_uuid` is a list, one UUID per valid destination; this adapter sends to one. */
function receipt(status: number, body: unknown): SendReceipt {
  if (typeof body !== 'object' || body === null) throw plivoInvalidResponseError(status, 'the body is not JSON');
  const { message_uuid: uuids, invalid_number: invalid } = body as { message_uuid?: unknown; invalid_number?: unknown };
  const messageId = Array.isArray(uuids) ? uuids.find((uuid): uuid is string => typeof uuid === 'string' && uuid !== '') : undefined;
  if (messageId !== undefined) return { provider: 'plivo', messageId };
  const invalidCount = Array.isArray(invalid) ? invalid.length : typeof invalid === 'string' && invalid !== '' ? 1 : 0;
  if (invalidCount > 0) throw plivoInvalidNumberError(status);
  throw plivoInvalidResponseError(status, 'no message_uuid');
}
