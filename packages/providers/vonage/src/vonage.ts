import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ProviderDeps, Secret, SendReceipt, SmsMessage, SmsProvider } from '@cognito-sms/core/provider';
import { Auth } from '@vonage/auth';
import { SMS, SMSFailure, type SMSMessages, type SMSParams, TypeEnum } from '@vonage/sms';
import {
  httpError,
  invalidResponseError,
  isNetworkFailure,
  networkError,
  type Scrub,
  statusError,
  timeoutError,
  VonageSmsError,
} from './errors.js';

export interface VonageProviderConfig {
  readonly apiKey: Secret;
  readonly apiSecret: Secret;
  /** Sender: digits of an international number without `+`, or an alphanumeric sender ID. */
  readonly from: string;
  /** `auto`: `type=text` when the text fits GSM-7, `type=unicode` otherwise. `unicode`: always. */
  readonly type: 'auto' | 'unicode';
  /** Where `/sms/json` lives, without a trailing slash; `https://rest.nexmo.com` by default. */
  readonly baseUrl: string;
}

/** The SDK's default REST host. @example `createVonageProvider({ …, baseUrl: DEFAULT_BASE_URL }, deps)` */
export const DEFAULT_BASE_URL = 'https://rest.nexmo.com';

// The signal of the send in progress. The SDK's `send()` takes no AbortSignal and its own
// `sendRequest` only aborts on a fixed client-wide timeout, so the one client built in create()
// picks each attempt's signal up from here.
const attemptSignal = new AsyncLocalStorage<AbortSignal>();

type VetchRequest = Parameters<SMS['sendRequest']>[0];

/**
 * The part of a fetch `Response` the SDK's `parseResponse` reads. Built by hand: the global
 * `Response` and `Headers` are undici's, and touching them loads it (~90 ms CPU, +11 MiB).
 */
interface ReadAnswer {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string | null;
  text(): Promise<string>;
}

/**
 * The SDK's SMS client with one change: `sendRequest`, the single place where the SDK calls
 * `fetch`, sends through `node:http(s)` with this client's keep-alive agent and the attempt's
 * AbortSignal. Request preparation (auth header, user agent, body) and response parsing stay
 * the SDK's own protected methods.
 */
class NodeHttpSms extends SMS {
  readonly #agent: HttpAgent;

  constructor(auth: Auth, options: { restHost: string }) {
    super(auth, options);
    // One keep-alive pool, of the scheme the base URL names: a warm container reuses one connection.
    this.#agent = options.restHost.startsWith('https:') ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  }

  override async sendRequest<T>(request: VetchRequest) {
    const prepared = await this.prepareRequest(request);
    const answer = await this.#post(prepared.url, prepared.method, prepared.headers as Record<string, string>, this.prepareBody(prepared));
    return this.parseResponse<T>(prepared, answer as unknown as Response);
  }

  /** One request, answered once its whole body is in (so the socket is back in the pool). */
  #post(url: string, method: string, headers: Record<string, string>, body: string | undefined): Promise<ReadAnswer> {
    const signal = attemptSignal.getStore();
    const options = {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: this.#agent,
      ...(signal ? { signal } : {}),
    };
    return new Promise((resolve, reject) => {
      const onResponse = (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = response.statusCode ?? 0;
          resolve({
            ok: status >= 200 && status < 300,
            status,
            statusText: response.statusMessage ?? '',
            headers: new Map(
              Object.entries(response.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]),
            ),
            body: text === '' ? null : text,
            text: async () => text,
          });
        });
        // A connection lost while the body streams in must surface as the network error it is
        // (the SDK would turn a short body into a status-200 error with no cause).
        response.on('close', () => {
          if (!response.complete)
            reject(Object.assign(new Error('the connection closed before the response was complete'), { code: 'ECONNRESET' }));
        });
      };
      const request = url.startsWith('https:') ? httpsRequest(url, options, onResponse) : httpRequest(url, options, onResponse);
      request.on('error', reject);
      request.end(body);
    });
  }
}

// GSM 03.38 basic and extension tables: what `type=text` can carry intact.
const GSM_7 = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà' +
    '\f^{}\\[~]|€',
);

/**
 * `text` when every character is in GSM-7, otherwise `unicode` (Cyrillic, CJK, emoji, ...):
 * sent as `text`, those characters would arrive as `?`.
 *
 * @example `smsType('Код 123456') // 'unicode'`
 */
export function smsType(body: string, mode: VonageProviderConfig['type'] = 'auto'): 'text' | 'unicode' {
  if (mode === 'unicode') return 'unicode';
  for (const char of body) if (!GSM_7.has(char)) return 'unicode';
  return 'text';
}

/**
 * Delivers through Vonage's SMS API (`POST {baseUrl}/sms/json`) with the official `@vonage/sms`
 * client, built once: the `restHost` option carries the base URL, a `node:http(s)` keep-alive
 * agent keeps the connection alive between sends, and each send's AbortSignal cancels its HTTP request.
 *
 * @throws {VonageSmsError} (a `ProviderError`) when Vonage does not accept the message.
 * @example
 * ```ts
 * const provider = createVonageProvider({ apiKey, apiSecret, from: 'AcmeInc', type: 'auto', baseUrl: DEFAULT_BASE_URL }, deps);
 * const { messageId, segments } = await provider.send(message, { signal: AbortSignal.timeout(4000) });
 * ```
 */
export function createVonageProvider(config: VonageProviderConfig, _deps?: Partial<ProviderDeps>): SmsProvider {
  const client = new NodeHttpSms(new Auth({ apiKey: config.apiKey.reveal(), apiSecret: config.apiSecret.reveal() }), {
    restHost: config.baseUrl,
  });

  return {
    id: 'vonage',
    async send(message: SmsMessage, { signal }): Promise<SendReceipt> {
      if (signal.aborted) throw timeoutError(signal.reason, false);
      const scrub: Scrub = { body: message.body, to: message.to };
      const params: SMSParams = {
        from: config.from,
        // The reference documents `to` as digits only (pattern \d{7,15}): E.164 without the `+`.
        to: message.to.replace(/^\+/, ''),
        text: message.body,
        type: smsType(message.body, config.type) === 'unicode' ? TypeEnum.UNICODE : TypeEnum.TEXT,
        // Where Vonage sends this message's delivery receipt (receipts on).
        ...(message.statusCallbackUrl ? { callback: message.statusCallbackUrl } : {}),
      };
      let response: SMSMessages;
      try {
        response = await attemptSignal.run(signal, () => client.send(params));
      } catch (error) {
        throw classify(error, signal, scrub);
      }
      return receipt(response, scrub);
    },
  };
}

/** All parts accepted (the SDK throws otherwise): the first part's id, `message-count` segments. */
function receipt(response: SMSMessages, scrub: Scrub): SendReceipt {
  const messages = Array.isArray(response?.messages) ? response.messages : [];
  const failed = messages.find((part) => String(part.status) !== '0');
  if (failed) {
    const accepted = messages.filter((part) => String(part.status) === '0').length;
    throw statusError(String(failed.status), errorTextOf(failed), { accepted, total: messages.length }, scrub);
  }
  const messageId = messages[0]?.['message-id'] ?? messages[0]?.messageId;
  if (typeof messageId !== 'string' || messageId === '') throw invalidResponseError('no message-id in messages[0]');
  const count = Number((response as { 'message-count'?: unknown })['message-count'] ?? response.messageCount);
  return {
    provider: 'vonage',
    messageId,
    segments: Number.isInteger(count) && count > 0 ? count : messages.length,
  };
}

/** Whatever the SDK or the HTTP request threw, as a classified error that holds no secret. */
function classify(error: unknown, signal: AbortSignal, scrub: Scrub): VonageSmsError {
  if (error instanceof VonageSmsError) return error;
  // Vonage's answers first: a response that arrived stays the verdict even if the signal fired since.
  if (isSmsFailure(error)) {
    const parts = error.getMessages();
    const failures = error.getFailedMessages();
    const failed = failures[0];
    return statusError(
      String(failed?.status ?? 'unknown'),
      errorTextOf(failed),
      { accepted: parts.length - failures.length, total: parts.length },
      scrub,
    );
  }
  const status = httpStatusOf(error);
  if (status !== undefined) return httpError(status);
  if (signal.aborted) return timeoutError(signal.reason, true);
  if (isNetworkFailure(error)) return networkError(error);
  // Not attached as cause: an unknown SDK error may carry the request (auth header, text).
  return new VonageSmsError({
    provider: 'vonage',
    code: 'AdapterError',
    message: `the Vonage SDK failed unexpectedly (${error instanceof Error ? error.name : typeof error})`,
    retryable: false,
  });
}

/** The SDK keeps Vonage's keys and adds camelCase copies: `error-text` and `errorText`. */
const errorTextOf = (part: object | undefined): unknown =>
  part === undefined ? undefined : ((part as Record<string, unknown>)['error-text'] ?? (part as Record<string, unknown>).errorText);

/** `SMSFailure` (MessageSendAllFailure / MessageSendPartialFailure), also from another SDK copy. */
const isSmsFailure = (error: unknown): error is SMSFailure =>
  error instanceof SMSFailure ||
  (typeof error === 'object' &&
    error !== null &&
    typeof (error as SMSFailure).getFailedMessages === 'function' &&
    typeof (error as SMSFailure).getMessages === 'function');

/** The HTTP status of the SDK's `VetchError` ("Request failed with status code N"). */
function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('response' in error)) return undefined;
  const status = (error as { response?: { status?: unknown } }).response?.status;
  return typeof status === 'number' && status >= 300 ? status : undefined;
}
