// What the AWS adapters (SNS, End User Messaging) do the same way: read what an AWS SDK v3
// client threw, and check at cold start that the client can find a region, credentials and
// its endpoint. Structural types only: core imports no AWS client, the adapters bring theirs.
import { ConfigError, type ConfigIssue, ProviderError } from './errors.js';
import type { SmsMessage } from './provider.js';
import { isNeverConnected, redactProviderText, transportError } from './provider-errors.js';

/** What an AWS error answer means for delivery. */
export interface AwsErrorClass {
  /** Trying again (or the next provider) may deliver the message. */
  readonly retryable: boolean;
  /** AWS certainly did not take the message, so a retry cannot send it twice. */
  readonly notAccepted: boolean;
}

/** A rate limit: AWS refused the request before doing anything with it. */
export const AWS_THROTTLED: AwsErrorClass = Object.freeze({ retryable: true, notAccepted: true });
/** A server-side failure: the request may or may not have been processed. */
export const AWS_SERVER_ERROR: AwsErrorClass = Object.freeze({ retryable: true, notAccepted: false });
/** The request, the number, the account or the credentials are wrong: another try gives the same answer. */
export const AWS_PERMANENT: AwsErrorClass = Object.freeze({ retryable: false, notAccepted: false });

/** Socket errors after the request may have left (those before it could are {@link isNeverConnected}). */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'UND_ERR_SOCKET']);

/** The members of an AWS SDK v3 service exception (or of whatever else it threw) that are read. */
export interface AwsSdkError {
  readonly name?: string;
  readonly message?: string;
  /** A socket code (`ECONNRESET`) on network errors. */
  readonly code?: string;
  readonly $fault?: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string };
  /** Members the service's protocol adds (`Code`, `RequestId`, `Reason`…), read by the adapter. */
  readonly [member: string]: unknown;
}

/** How an adapter reads an HTTP error answer of its service. */
export interface AwsErrorAnswer {
  /** The documented verdict for this error; absent, the status decides (429, 5xx, other). */
  readonly known: AwsErrorClass | undefined;
  /** How the message names the error after the status, e.g. `Throttling` or `ValidationException (INVALID_ARN)`. */
  readonly label: string;
  /** Where the protocol puts the request id when `$metadata` has none. */
  readonly requestId?: string | undefined;
  /** Safe-to-log members kept in `cause` besides the name, status, request id and fault. */
  readonly details: Readonly<Record<string, unknown>>;
}

/** What {@link awsProviderError} needs besides the error. */
export interface AwsProviderErrorContext {
  /** The attempt's signal: once it has fired, the failure is a `Timeout`. */
  readonly signal: AbortSignal;
  /** The message sent, so that AWS's text can be redacted. */
  readonly message: Pick<SmsMessage, 'to' | 'body'>;
  /** The API operation, as messages name it: `Publish`, `SendTextMessage`. */
  readonly operation: string;
  /** The service, as messages name it: `SNS`, `End User Messaging`. */
  readonly service: string;
  /** Reads an answer with an HTTP status: `name` is the SDK's error name. */
  readonly answer: (error: AwsSdkError, name: string) => AwsErrorAnswer;
}

/**
 * Turns whatever an AWS SDK v3 client's `send` threw into a {@link ProviderError}:
 * - the signal fired: `Timeout` (the message may have been sent);
 * - a socket code (`ECONNREFUSED`, `ECONNRESET`…): that code, retryable, `notAccepted` only when
 *   no connection was made;
 * - the SDK's own `AbortError` / `TimeoutError`: `Timeout`;
 * - an HTTP answer: the error name as `code`, the verdict from `answer(...).known` or the status;
 * - `CredentialsProviderError`: permanent and not accepted (nothing was sent);
 * - anything else (bad endpoint URL or region, SDK bug): not retried, as nothing proves AWS did
 *   not take the message.
 *
 * AWS's text is kept with the number masked and any echo of the body removed; for an HTTP answer
 * the raw SDK error is not kept as `cause`, because its message may echo them.
 *
 * @example
 * ```ts
 * catch (error) {
 *   throw awsProviderError('sns', error, { signal, message, operation: 'Publish', service: 'SNS',
 *     answer: (e, name) => ({ known: SNS_ERRORS[name], label: name, details: {} }) });
 * }
 * ```
 */
export function awsProviderError(provider: string, error: unknown, context: AwsProviderErrorContext): ProviderError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as AwsSdkError;
  const name = typeof e.name === 'string' && e.name !== '' ? e.name : 'Error';
  const { operation } = context;

  if (context.signal.aborted) {
    return transportError(provider, error, {
      signal: context.signal,
      wording: { timeout: `${operation} got no answer within the attempt time budget (it may still have been delivered)` },
    });
  }

  // Checked before the name: the SDK renames ECONNRESET and friends to `TimeoutError`.
  const socketCode = typeof e.code === 'string' ? e.code : undefined;
  if (socketCode && (isNeverConnected(socketCode) || CONNECTION_LOST.has(socketCode))) {
    return transportError(provider, error, {
      networkCode: 'socket',
      // Node's socket messages name only the host and port.
      wording: {
        network: (code) =>
          `could not ${isNeverConnected(code) ? 'connect to' : 'finish the request to'} ${context.service} (${String(e.message ?? code)})`,
      },
    });
  }

  // What is left of the SDK's `TimeoutError`s (socket ones are above) is its own request or
  // connection timeout.
  if (name === 'AbortError' || name === 'TimeoutError') {
    return transportError(provider, error, {
      timedOut: true,
      wording: { timeout: `${operation} timed out (${String(e.message ?? name)}); it may still have been delivered` },
    });
  }

  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number') {
    const answer = context.answer(e, name);
    const verdict = answer.known ?? (status === 429 ? AWS_THROTTLED : status >= 500 ? AWS_SERVER_ERROR : AWS_PERMANENT);
    const requestId = e.$metadata?.requestId ?? answer.requestId;
    return new ProviderError({
      provider,
      code: name,
      status,
      retryable: verdict.retryable,
      notAccepted: verdict.notAccepted,
      message:
        `${operation} refused with HTTP ${status} ${answer.label}: ${redactProviderText(String(e.message ?? ''), context.message)}` +
        (requestId ? ` (request id ${requestId})` : ''),
      cause: { name, ...answer.details, status, requestId, fault: e.$fault },
    });
  }

  if (name === 'CredentialsProviderError') {
    return new ProviderError({
      provider,
      code: name,
      message: 'no AWS credentials could be loaded (environment, profile or the function role)',
      retryable: false,
      notAccepted: true,
      cause: error,
    });
  }

  return new ProviderError({
    provider,
    code: name,
    message: `${operation} failed: ${redactProviderText(String(e.message ?? name), context.message)}`,
    retryable: false,
    cause: error,
  });
}

/** The part of an AWS SDK v3 client's resolved config that {@link assertAwsClientSetup} probes. */
export interface AwsClientLike {
  readonly config: {
    readonly region: () => Promise<string>;
    readonly credentials?: (() => Promise<unknown>) | undefined;
  };
}

/**
 * Resolves what the SDK will need for the first send (memoized by the client, so the first SMS
 * does not pay for it again) and reports what is missing, by the variable an operator sets.
 *
 * @throws {ConfigError} naming AWS_REGION, AWS_ACCESS_KEY_ID or `endpointVariable`.
 * @example `await assertAwsClientSetup(new SNSClient({}), { service: 'SNS', endpointVariable: 'AWS_ENDPOINT_URL_SNS' })`
 */
export async function assertAwsClientSetup(
  client: AwsClientLike,
  { service, endpointVariable }: { readonly service: string; readonly endpointVariable: string },
): Promise<void> {
  const issues: ConfigIssue[] = [];
  try {
    await client.config.region();
  } catch (error) {
    issues.push({ variable: 'AWS_REGION', message: `is required by the ${service} client (${messageOf(error)})` });
  }
  try {
    await client.config.credentials?.();
  } catch (error) {
    issues.push({
      variable: 'AWS_ACCESS_KEY_ID',
      message: `no AWS credentials found by the SDK's default chain (environment, profile, web identity or the function role): ${messageOf(error)}`,
    });
  }
  // `serviceConfiguredEndpoint` is the SDK's resolver for AWS_ENDPOINT_URL_<SERVICE> /
  // AWS_ENDPOINT_URL / the profile's endpoint_url (marked internal, so it is probed, not relied on).
  const configured = (client.config as { serviceConfiguredEndpoint?: () => Promise<string | undefined> }).serviceConfiguredEndpoint;
  if (typeof configured === 'function') {
    try {
      const url = await configured();
      if (url !== undefined && !isHttpUrl(url))
        issues.push({ variable: endpointVariable, message: `${JSON.stringify(url)} is not an http(s) URL` });
    } catch (error) {
      issues.push({ variable: endpointVariable, message: messageOf(error) });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
