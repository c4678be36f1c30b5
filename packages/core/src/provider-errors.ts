// What every adapter does the same way when a send fails below HTTP (refused, reset, timed out)
// and when a provider's text has to go into an error message. Adapters import it from
// `@cognito-sms/core/provider`; it imports neither the Encryption SDK nor an AWS client.
import { ProviderError } from './errors.js';
import { maskPhoneNumber } from './phone.js';
import type { SmsMessage } from './provider.js';

/** What the {@link ProviderError} constructor takes, for an adapter that throws its own subclass. */
export type ProviderErrorInit = ConstructorParameters<typeof ProviderError>[0];

// Refused, unresolvable (for good or for now), no route, and undici's connect timeout: no
// connection was made, so no request can have reached the provider. `fetch` (undici) and
// node:http report the same codes; a code one of them never emits costs nothing here.
const NEVER_CONNECTED: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * True when a socket error code proves that no connection was made: the provider cannot have
 * received the request, so a retry cannot send the message twice (`notAccepted`). A reset, a
 * broken pipe or a socket timeout (`ECONNRESET`, `EPIPE`, `UND_ERR_SOCKET`…) is not such proof:
 * the request may have left.
 *
 * @example
 * ```ts
 * isNeverConnected('ECONNREFUSED') // true
 * isNeverConnected('ECONNRESET') // false
 * isNeverConnected(socketErrorCode(error)) // false when no code was found
 * ```
 */
export function isNeverConnected(code: string | undefined): boolean {
  return code !== undefined && NEVER_CONNECTED.has(code);
}

// errno-style codes (`ECONNRESET`, `UND_ERR_SOCKET`, `ERR_TLS_CERT_ALTNAME_INVALID`), not the
// numeric or lower-case codes HTTP clients and providers put on their own errors.
const SOCKET_CODE = /^[A-Z][A-Z0-9_]+$/;
const MAX_DEPTH = 5;

/**
 * The socket error code of a failed request. `fetch` throws `TypeError('fetch failed', { cause })`
 * with the code on the cause, and a connection tried on several addresses fails with an
 * `AggregateError` of them; so the code is looked for on the error, then its `errors`, then down
 * its `cause` chain (five levels at most). Only errno-style codes count.
 *
 * @example
 * ```ts
 * const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
 * socketErrorCode(new TypeError('fetch failed', { cause: refused })) // 'ECONNREFUSED'
 * socketErrorCode(new TypeError('fetch failed')) // undefined
 * ```
 */
export function socketErrorCode(error: unknown): string | undefined {
  return findSocketCode(error, 0);
}

function findSocketCode(error: unknown, depth: number): string | undefined {
  if (depth >= MAX_DEPTH || typeof error !== 'object' || error === null) return undefined;
  const { code, errors, cause } = error as { code?: unknown; errors?: unknown; cause?: unknown };
  if (typeof code === 'string' && SOCKET_CODE.test(code)) return code;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = findSocketCode(inner, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return findSocketCode(cause, depth + 1);
}

/** The messages of the errors {@link transportError} builds; an adapter may replace any of them. */
export interface TransportWording {
  /** A `Timeout` once the request may have left. */
  readonly timeout: string;
  /** A `Timeout` before anything was sent (`sentNothing`). */
  readonly timeoutBeforeSending: string;
  /** A network failure: `code` is the socket code when one was found, `error` what was thrown. */
  readonly network: (code: string | undefined, error: unknown) => string;
}

/**
 * The {@link TransportWording} of a provider whose messages name its API (`the Message API`)
 * rather than the provider, so that a timeout and a network failure read the same in every such
 * adapter.
 *
 * @example
 * ```ts
 * transportError('plivo', error, { wording: apiTransportWording('Message API') })
 * // plivo: the connection to the Message API failed (ECONNREFUSED)
 * ```
 */
export function apiTransportWording(api: string): TransportWording {
  return {
    timeout: `the ${api} did not answer within the attempt time budget`,
    timeoutBeforeSending: 'the attempt time budget ran out before sending',
    network: (code) => `the connection to the ${api} failed (${code ?? 'network failure'})`,
  };
}

/**
 * A success status with a body the adapter cannot read (no message id, not JSON). The provider
 * may have taken the message, so it is never retried: a retry could send the code twice.
 *
 * @example `throw invalidResponseError('sinch', 'Sinch answered HTTP 201 without a usable batch (no id)', 201)`
 */
export function invalidResponseError(provider: string, message: string, status?: number): ProviderError {
  return new ProviderError({ provider, code: 'InvalidResponse', message, retryable: false, status });
}

/** How {@link transportError} reads a failure. */
export interface TransportErrorOptions {
  /** The attempt's signal: once it has fired, the failure is a `Timeout`, whatever was thrown. */
  readonly signal?: AbortSignal | undefined;
  /** A `Timeout` although `signal` has not fired (or there is none): an SDK's own timeout, an `AbortError`. */
  readonly timedOut?: boolean | undefined;
  /** The request had not left yet: a `Timeout` is then `notAccepted`. Default `false`. */
  readonly sentNothing?: boolean | undefined;
  /** How the default messages name the provider, e.g. `Sinch`. Default: the provider id. */
  readonly providerName?: string | undefined;
  /**
   * The `code` of a network failure: `NetworkError` (the default), or `socket` for the socket code
   * itself (`ECONNREFUSED`), `NetworkError` when there is none.
   */
  readonly networkCode?: 'NetworkError' | 'socket' | undefined;
  /** Provider-specific messages, in place of the defaults. */
  readonly wording?: Partial<TransportWording> | undefined;
}

/**
 * The constructor argument of the error {@link transportError} returns, for an adapter that
 * throws its own {@link ProviderError} subclass.
 *
 * @example `throw new VonageSmsError(transportErrorInit('vonage', error, { signal }))`
 */
export function transportErrorInit(provider: string, error: unknown, options: TransportErrorOptions = {}): ProviderErrorInit {
  const name = options.providerName ?? provider;
  const wording = options.wording ?? {};
  if (options.timedOut === true || options.signal?.aborted === true) {
    const sentNothing = options.sentNothing === true;
    return {
      provider,
      code: 'Timeout',
      message: sentNothing
        ? (wording.timeoutBeforeSending ?? 'the attempt had no time left; nothing was sent')
        : (wording.timeout ?? `no answer from ${name} before the deadline; the message may have been accepted`),
      retryable: true,
      notAccepted: sentNothing,
    };
  }
  const code = socketErrorCode(error);
  const errorName = error instanceof Error ? error.name : undefined;
  return {
    provider,
    code: options.networkCode === 'socket' && code !== undefined ? code : 'NetworkError',
    message: wording.network ? wording.network(code, error) : `the ${name} API could not be reached (${code ?? errorName ?? 'unknown'})`,
    retryable: true,
    notAccepted: isNeverConnected(code),
    // Only the name and the code: a fetch or SDK error may carry the request (headers, body).
    cause: error === undefined ? undefined : { name: errorName ?? typeof error, code },
  };
}

/**
 * Turns a send that got no HTTP answer into a retryable {@link ProviderError}:
 * - the signal fired (or `timedOut`): `Timeout`, `notAccepted` only when `sentNothing`;
 * - anything else is a network failure, `NetworkError` (or the socket code, see `networkCode`),
 *   `notAccepted` only when the socket code proves no connection was made ({@link isNeverConnected}).
 *
 * The raw error is never kept: a `Timeout` has no `cause`, a network failure only `{ name, code }`
 * (none when `error` is `undefined`).
 *
 * @example
 * ```ts
 * if (signal.aborted) throw transportError('sinch', signal.reason, { signal, sentNothing: true, providerName: 'Sinch' });
 * try { response = await fetch(url, { signal }) }
 * catch (error) { throw transportError('sinch', error, { signal, providerName: 'Sinch' }) }
 * // sinch: the Sinch API could not be reached (ECONNREFUSED)   retryable, notAccepted
 * ```
 */
export function transportError(provider: string, error: unknown, options: TransportErrorOptions = {}): ProviderError {
  return new ProviderError(transportErrorInit(provider, error, options));
}

/**
 * Makes provider-written text safe to log, keeping it readable: removes any echo of the SMS body
 * (whole, its tokens that hold digits or symbols, such as a code or a temporary password, and
 * any run of four or more digits it contains), masks the destination number and anything else
 * that looks like a phone number ({@link maskPhoneNumber}: country prefix and last two digits), blanks shorter digit
 * runs, drops the values AWS validation messages quote (`Value '…' at 'messageBody'`), and cuts
 * the result at 300 characters.
 *
 * @example
 * ```ts
 * redactProviderText('Invalid parameter: PhoneNumber Reason: +447700900123 is not valid', { to: '+447700900123', body: 'Your code is 123456' })
 * // 'Invalid parameter: PhoneNumber Reason: +44********23 is not valid'
 * ```
 */
export function redactProviderText(text: string, message: Pick<SmsMessage, 'to' | 'body'>): string {
  let out = text.replace(/Value '[\s\S]*?' at '/g, "Value [redacted] at '").replace(/Value \[[\s\S]*?\] at '/g, "Value [redacted] at '");
  if (message.body) out = out.split(message.body).join('[message body]');
  for (const raw of message.body.split(/\s+/)) {
    const token = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    if (token.length >= 4 && /[^\p{L}]/u.test(token)) out = out.split(token).join('[redacted]');
  }
  // A code inside a longer token of the body (`code:4821`) echoed on its own.
  out = out.replace(/\d{4,}/g, (run) => (message.body.includes(run) ? '[redacted]' : run));
  const digits = message.to.replace(/\D/g, '');
  if (digits.length >= 4) out = out.split(message.to).join(maskPhoneNumber(message.to)).split(digits).join(maskPhoneNumber(digits));
  // Other long digit runs: phone-like ones keep their country prefix, shorter ones (a code
  // from an earlier message?) are blanked entirely.
  out = out.replace(/\+?\d[\d ().-]{4,}\d/g, (match) =>
    match.startsWith('+') || match.replace(/\D/g, '').length >= 8 ? maskPhoneNumber(match) : '*'.repeat(match.length),
  );
  return out.length > 300 ? `${out.slice(0, 300)}…` : out;
}

/**
 * Provider-written text made safe to log by blanking rather than masking: the SMS body and the
 * destination (with and without `+`) become `[redacted]`, as does any run of five or more digits
 * (a code or a number echoed in another form); white space is folded and the result cut at
 * `maxLength` characters (at least 4), `...` marking the cut. `undefined` for a blank or
 * non-string text, so a caller can leave the text out.
 *
 * @example
 * ```ts
 * scrubProviderText("'447700900123' is not a valid phone number.", { to: '+447700900123', body: 'Your code is 123456' })
 * // "'[redacted]' is not a valid phone number."
 * ```
 */
export function scrubProviderText(text: unknown, message: Pick<SmsMessage, 'to' | 'body'>, maxLength = 160): string | undefined {
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  let safe = text;
  for (const value of [message.body, message.to, message.to.replace(/^\+/, '')]) {
    if (value.length > 0) safe = safe.split(value).join('[redacted]');
  }
  safe = safe
    .replace(/\+?\d{5,}/g, '[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  const max = Math.max(maxLength, 4);
  return safe.length > max ? `${safe.slice(0, max - 3)}...` : safe;
}

/** Removes from provider-written text what must never reach a log. */
export type Redact = (text: string) => string;

/**
 * Builds a {@link Redact} that blanks the given values as `[redacted]` (the SMS body, the number
 * with and without `+`, a credential; only values of four characters or more, longest first),
 * then any run of four or more digits as `[digits]` (a code or a number in another format), and
 * cuts the result at 300 characters.
 *
 * @example
 * ```ts
 * const redact = redactor(['Your code is 123456', '+447700900123', '447700900123', 'the-api-key']);
 * redact('Invalid to 447700900123') // 'Invalid to [redacted]'
 * ```
 */
export function redactor(values: readonly string[]): Redact {
  const present = values.filter((value) => value.length >= 4).sort((a, b) => b.length - a.length);
  return (text) => {
    let result = text;
    for (const value of present) result = result.split(value).join('[redacted]');
    return result.replace(/\d{4,}/g, '[digits]').slice(0, 300);
  };
}
