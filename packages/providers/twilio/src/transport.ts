import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type BaseTwilio from 'twilio/lib/base/BaseTwilio.js';

/** What the SDK's generated resources hand to their Domain: `BaseTwilio.Client#request`'s options. */
type RequestOpts = BaseTwilio.RequestOpts;

/** What a Domain expects back from `request` (the shape of the SDK's RequestClient answers). */
export interface TransportResponse {
  readonly statusCode: number;
  /** The raw text; the SDK's `Version` parses it (JSON on success, error bodies on failure). */
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** One send's state, shared with every request it makes: its signal in, Twilio's `Retry-After` out. */
export interface SendContext {
  readonly signal: AbortSignal;
  /** The `Retry-After` header of the last answer, when there was one. */
  retryAfter?: string | undefined;
}

/**
 * Stands in for the SDK's `BaseTwilio.Client`, the object a `Domain` sends every request through.
 * It adds what `BaseTwilio.Client#request` adds (Basic auth, `Accept`, `Accept-Charset`,
 * `User-Agent`) and sends with `node:http(s)` through its own keep-alive agent, so a warm
 * container reuses one connection.
 *
 * Why not the real client with a custom `httpClient` (the SDK's documented hook)? `BaseTwilio`
 * requires the SDK's axios `RequestClient` when it is loaded, used or not: about 390 KB of
 * bundle and ~80 ms of cold start (DESIGN.md; README has ours), for a client to be replaced anyway.
 * Why not `fetch`? Its pool frees a connection one event-loop turn after the body is read, so a
 * send that follows at once opens a second connection; an `http.Agent` frees it on `end`.
 * Why an AsyncLocalStorage? The SDK's `create()` takes no AbortSignal and builds the request
 * options itself, so the send's signal reaches the request through the call's async context
 * (and the answer's `Retry-After`, which the SDK's exceptions drop, comes back the same way).
 *
 * @example
 * ```ts
 * const transport = new NodeHttpTransport({ username: accountSid, password: authToken });
 * const domain = new Domain(transport.asTwilioClient(), 'https://api.twilio.com');
 * await transport.within({ signal }, () => messages.create({ to, from, body }));
 * ```
 */
export class NodeHttpTransport {
  readonly #authorization: string;
  readonly #contexts = new AsyncLocalStorage<SendContext>();
  // One keep-alive pool per scheme: the base URL decides which one is ever used.
  readonly #httpAgent = new HttpAgent({ keepAlive: true });
  readonly #httpsAgent = new HttpsAgent({ keepAlive: true });

  constructor(credentials: { readonly username: string; readonly password: string }) {
    this.#authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  }

  /** Runs `operation` so that every request it makes is aborted with `context.signal` and reports to `context`. */
  within<T>(context: SendContext, operation: () => T): T {
    return this.#contexts.run(context, operation);
  }

  /** This transport typed as the SDK client a `Domain` takes; only `request` is ever called. */
  asTwilioClient(): BaseTwilio.Client {
    return { request: (opts: RequestOpts) => this.request(opts) } as BaseTwilio.Client;
  }

  request(opts: RequestOpts): Promise<TransportResponse> {
    if (!opts.method || !opts.uri) return Promise.reject(new TypeError('the Twilio SDK sent a request without method or uri'));
    const url = new URL(opts.uri);
    // The send path only POSTs forms (Messages create), written as the SDK's RequestClient does.
    const body = opts.data ? new URLSearchParams(formEntries(opts.data)).toString() : undefined;
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'Accept-Charset': 'utf-8',
      'User-Agent': `cognito-sms-twilio (twilio-node lib) node/${process.version}`,
      ...opts.headers,
      Authorization: this.#authorization,
      ...(body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }),
    };
    if (body !== undefined) headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
    const context = this.#contexts.getStore();
    const secure = url.protocol === 'https:';
    const options = {
      method: opts.method.toUpperCase(),
      headers,
      agent: secure ? this.#httpsAgent : this.#httpAgent,
      ...(context ? { signal: context.signal } : {}),
    };
    return new Promise((resolve, reject) => {
      const onResponse = (response: IncomingMessage) => {
        if (context) context.retryAfter = response.headers['retry-after'];
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({ statusCode: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: flatten(response.headers) }),
        );
        // A connection lost mid-body ends the response without 'end' on some Node versions.
        response.on('close', () => {
          if (!response.complete) reject(Object.assign(new Error('the connection closed before the response was complete'), { code: 'ECONNRESET' }));
        });
      };
      const request = secure ? httpsRequest(url, options, onResponse) : httpRequest(url, options, onResponse);
      request.on('error', reject);
      request.end(body);
    });
  }
}

/** Form fields as the SDK's RequestClient writes them (qs `arrayFormat: 'repeat'`): arrays repeat the key. */
function formEntries(data: object): [string, string][] {
  return Object.entries(data).flatMap(([key, value]): [string, string][] => {
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? value.map((item) => [key, String(item)]) : [[key, String(value)]];
  });
}

const flatten = (headers: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]])));
