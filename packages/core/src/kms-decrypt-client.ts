import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { type AwsCredentials, signSigV4 } from './sigv4.js';

/** What the Encryption SDK's KMS keyring passes to `Decrypt`. */
export interface KmsDecryptInput {
  readonly CiphertextBlob?: Uint8Array;
  readonly KeyId?: string;
  readonly EncryptionContext?: Record<string, string>;
  readonly GrantTokens?: readonly string[];
}

/** The members of KMS's `Decrypt` answer that decryption reads. */
export interface KmsDecryptOutput {
  readonly Plaintext?: Uint8Array;
  readonly KeyId?: string;
}

/**
 * The one KMS operation decryption needs. {@link createKmsDecryptClient} is one; the aggregated
 * `KMS` client of `@aws-sdk/client-kms` fits as it is, and a modular `KMSClient` with
 * `{ decrypt: (input, options) => client.send(new DecryptCommand(input), options) }`.
 */
export interface KmsDecryptClient {
  decrypt(input: KmsDecryptInput, options?: { abortSignal?: AbortSignal }): Promise<KmsDecryptOutput>;
}

export interface KmsDecryptClientOptions {
  readonly region: string;
  /** The KMS endpoint; `https://kms.<region>.amazonaws.com` (`.com.cn` in China) when absent. */
  readonly endpoint?: string | undefined;
  readonly credentials: AwsCredentials;
  /** Attempts per call, as the AWS SDK's standard retry mode counts them. Default 3. */
  readonly maxAttempts?: number;
  /** Time allowed to open a connection. Default 1,000 ms. */
  readonly connectionTimeoutMs?: number;
  /**
   * Time a request may wait with no byte from KMS before it is abandoned and retried. Default
   * none: the call's `abortSignal` bounds it (the handler's is the invocation's remaining time).
   */
  readonly requestTimeoutMs?: number;
}

/** An error answer of KMS, shaped as the AWS SDK v3 shapes its service exceptions. */
export class KmsServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { readonly httpStatusCode: number; readonly requestId: string | undefined; readonly attempts: number };

  constructor(name: string, message: string, status: number, requestId: string | undefined, attempts: number) {
    super(message);
    this.name = name;
    this.$fault = status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: status, requestId, attempts };
  }
}

/** The AWS SDK's standard retry mode: these answers and lost connections are tried again. */
const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
const BASE_DELAY_MS = 100;
const THROTTLING_BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 20_000;

const defaultEndpoint = (region: string) => `https://kms.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;

/**
 * A KMS client for `Decrypt` alone: the request in KMS's JSON 1.1 protocol, signed with SigV4
 * ({@link signSigV4}, checked against the AWS SDK's signer by test), sent over node:http(s) on a
 * keep-alive agent, with the SDK's standard retry mode (3 attempts, exponential backoff with full
 * jitter, on throttling, 5xx and lost connections). A cold start loads a few KB for it instead of
 * the ≈ 300 KB of `@aws-sdk/client-kms` and the @smithy/core it brings; errors have the SDK's
 * shape (`name`, `$fault`, `$metadata`).
 *
 * It takes credentials as given (Lambda puts the role's in the environment); anything that needs
 * the SDK's credential chain, FIPS or dual-stack endpoints should use `@aws-sdk/client-kms`.
 *
 * @example
 * ```ts
 * const kms = createKmsDecryptClient({ region: 'eu-west-1', credentials: { accessKeyId, secretAccessKey, sessionToken } });
 * const { Plaintext } = await kms.decrypt({ CiphertextBlob, KeyId, EncryptionContext });
 * ```
 */
export function createKmsDecryptClient(options: KmsDecryptClientOptions): KmsDecryptClient {
  const url = new URL(options.endpoint ?? defaultEndpoint(options.region));
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new TypeError(`KMS endpoint must be an http(s) URL; got ${url.protocol}`);
  const secure = url.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  // 50 sockets, as the SDK's node handler: past that, requests queue for a socket instead of
  // all waiting on an overloaded KMS (or a busy event loop) at once.
  const agentOptions = { keepAlive: true, maxSockets: 50 };
  const agent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  const maxAttempts = options.maxAttempts ?? 3;
  const connectionTimeoutMs = options.connectionTimeoutMs ?? 1_000;
  const requestTimeoutMs = options.requestTimeoutMs;
  const basePath = url.pathname === '' ? '/' : url.pathname;

  async function attempt(body: string, attempts: number, signal: AbortSignal | undefined): Promise<KmsDecryptOutput> {
    const headers = signSigV4(
      {
        method: 'POST',
        host: url.host,
        path: basePath,
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'content-length': String(Buffer.byteLength(body)),
          'x-amz-target': 'TrentService.Decrypt',
        },
        body,
      },
      { region: options.region, service: 'kms', credentials: options.credentials },
    );
    const response = await new Promise<{ status: number; headers: IncomingMessage['headers']; text: string }>((resolve, reject) => {
      const req = send(
        {
          agent,
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port || undefined,
          path: basePath,
          method: 'POST',
          headers: { ...headers, 'user-agent': 'cognito-sms' },
          signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      // Two bounds, as the SDK's node handler has them: opening the socket, then silence.
      const connecting = setTimeout(
        () => req.destroy(timeoutError(`no connection to KMS within ${connectionTimeoutMs} ms`)),
        connectionTimeoutMs,
      );
      req.on('socket', (socket) => {
        if (!socket.connecting) clearTimeout(connecting);
        else socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(connecting));
      });
      if (requestTimeoutMs) req.setTimeout(requestTimeoutMs, () => req.destroy(timeoutError(`KMS sent nothing for ${requestTimeoutMs} ms`)));
      req.on('error', (error) => {
        clearTimeout(connecting);
        reject(error);
      });
      req.on('close', () => clearTimeout(connecting));
      req.end(body);
    });
    const requestId = firstHeader(response.headers['x-amzn-requestid']);
    if (response.status === 200) return readAnswer(response.text);
    const type = errorType(response.headers, response.text);
    throw new KmsServiceError(type.name, type.message, response.status, requestId, attempts);
  }

  return {
    async decrypt(input, callOptions = {}) {
      const signal = callOptions.abortSignal;
      const body = JSON.stringify({
        CiphertextBlob: input.CiphertextBlob ? Buffer.from(input.CiphertextBlob).toString('base64') : undefined,
        KeyId: input.KeyId,
        EncryptionContext: input.EncryptionContext,
        GrantTokens: input.GrantTokens && input.GrantTokens.length > 0 ? input.GrantTokens : undefined,
      });
      for (let attempts = 1; ; attempts++) {
        signal?.throwIfAborted();
        try {
          return await attempt(body, attempts, signal);
        } catch (error) {
          const verdict = retryVerdict(error);
          if (signal?.aborted || verdict === 'final' || attempts >= maxAttempts) throw error;
          const base = verdict === 'throttled' ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
          await sleep(Math.random() * Math.min(MAX_DELAY_MS, base * 2 ** (attempts - 1)), signal);
        }
      }
    },
  };
}

const firstHeader = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

const timeoutError = (message: string) => Object.assign(new Error(message), { name: 'TimeoutError', code: 'ETIMEDOUT' });

/** A 200 that is not KMS's JSON: its text may hold key bytes, so none of it is quoted. */
function readAnswer(text: string): KmsDecryptOutput {
  let answer: { Plaintext?: unknown; KeyId?: unknown };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    throw Object.assign(new Error('KMS answered Decrypt with a body that is not JSON'), { name: 'KmsAnswerUnreadable' });
  }
  if (typeof answer.Plaintext !== 'string') {
    throw Object.assign(new Error('KMS answered Decrypt without a Plaintext'), { name: 'KmsAnswerUnreadable' });
  }
  return {
    Plaintext: new Uint8Array(Buffer.from(answer.Plaintext, 'base64')),
    ...(typeof answer.KeyId === 'string' ? { KeyId: answer.KeyId } : {}),
  };
}

/** KMS names its errors in `x-amzn-errortype` and in the body's `__type` (`com.amazon…#Name`). */
function errorType(headers: IncomingMessage['headers'], text: string): { name: string; message: string } {
  let body: { __type?: unknown; message?: unknown; Message?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // An error answer that is not JSON (a proxy's HTML page): named by the header or the status.
  }
  const raw = firstHeader(headers['x-amzn-errortype']) ?? (typeof body.__type === 'string' ? body.__type : 'UnknownError');
  const name = raw.split(':')[0]?.split('#').pop() || 'UnknownError';
  const message = typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : name;
  return { name, message };
}

function retryVerdict(error: unknown): 'throttled' | 'transient' | 'final' {
  if (error instanceof KmsServiceError) {
    if (THROTTLING.has(error.name) || error.$metadata.httpStatusCode === 429) return 'throttled';
    return TRANSIENT_STATUS.has(error.$metadata.httpStatusCode) ? 'transient' : 'final';
  }
  // An answer that could not be read is not retried (the SDK does not either); socket errors and
  // timeouts are.
  if (error instanceof Error && error.name === 'KmsAnswerUnreadable') return 'final';
  if (error instanceof Error && error.name === 'AbortError') return 'final';
  return 'transient';
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
