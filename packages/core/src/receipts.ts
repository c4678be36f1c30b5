// The delivery-receipt contract: what a provider's status callback means, how an adapter's
// receipts part verifies and reads one, and how a receipt finds the message it reports on.
// Imports no SDK: the receipts function loads this and one adapter's `./receipts` subpath only.
import { timingSafeEqual } from 'node:crypto';
import { CognitoSmsError } from './errors.js';
import type { TriggerSource } from './event.js';
import type { ConfigSchema, Logger } from './provider.js';

/** Where a message ended up, in one vocabulary for every provider. */
export type DeliveryState = 'delivered' | 'undelivered' | 'failed' | 'expired' | 'unknown';

/**
 * A provider's status words → the vocabulary, as each adapter's receipts part tabulates them;
 * `final: false` for a step before the carrier's answer (queued, sent), which is not counted.
 */
export type ProviderStatuses = Readonly<Record<string, { readonly state: DeliveryState; readonly final: boolean }>>;

/** One status report from a provider, read into the project's vocabulary. */
export interface DeliveryReceipt {
  /** The adapter id (`twilio`), as in `SendReceipt.provider`. */
  readonly provider: string;
  /** The provider's message id, as `SendReceipt.messageId` gave it at send time. */
  readonly messageId: string;
  readonly state: DeliveryState;
  /**
   * False for an intermediate status (queued, sent, accepted, buffered): it is logged but not
   * counted, so a message that reports `sent` then `delivered` counts once.
   */
  readonly final: boolean;
  /** The provider's own status word (`undelivered`, `DELIVRD`), for logs and the metric. */
  readonly providerStatus: string;
  /** The provider's error code, when it gave one (Twilio `30003`, Vonage `err-code` `1`). */
  readonly providerCode?: string;
  /** When the provider says the status happened, ms since the epoch. */
  readonly at?: number;
  /** ISO 3166-1 alpha-2 region of the destination, when the callback tells (never the number). */
  readonly country?: string;
}

/** An HTTP request as the receipts function received it. */
export interface ReceiptRequest {
  readonly method: 'GET' | 'POST';
  /** The public URL the provider called, as it signed it: scheme, host, path and query string. */
  readonly url: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body as sent (signatures cover these bytes); empty for GET. */
  readonly body: string;
  /** Arrival time, ms since the epoch: replay windows are measured from it. */
  readonly receivedAt: number;
}

/** Why a request to the receipts function had no effect. */
export type ReceiptRejectionReason =
  | 'Unsigned'
  | 'BadSignature'
  | 'Replayed'
  | 'Malformed'
  | 'TooLarge'
  | 'MethodNotAllowed'
  | 'UnknownProvider';

const STATUS: Record<ReceiptRejectionReason, number> = {
  Unsigned: 401,
  BadSignature: 403,
  Replayed: 403,
  Malformed: 400,
  TooLarge: 413,
  MethodNotAllowed: 405,
  UnknownProvider: 404,
};

/**
 * A status callback was refused before it had any effect. `status` is the HTTP status to
 * answer with; the message says what was wrong, never a secret or a number.
 */
export class ReceiptRejectedError extends CognitoSmsError {
  override name = 'ReceiptRejectedError' as const;
  declare readonly code: ReceiptRejectionReason;
  readonly status: number;
  constructor(code: ReceiptRejectionReason, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { retryable: false, cause: options.cause });
    this.status = STATUS[code];
  }
}

export const isReceiptRejectedError = (error: unknown): error is ReceiptRejectedError =>
  error instanceof ReceiptRejectedError ||
  (error instanceof Error && error.name === 'ReceiptRejectedError' && typeof (error as { status?: unknown }).status === 'number');

/** An adapter's receipts part, ready to read callbacks. Built once per container. */
export interface ReceiptReader {
  readonly id: string;
  /** The HTTP methods the provider calls back with (most `POST`; Vonage may `GET`). */
  readonly methods: readonly ('GET' | 'POST')[];
  /**
   * Checks the request's signature (and its timestamp, where the scheme has one).
   *
   * @throws {ReceiptRejectedError} `Unsigned`, `BadSignature` or `Replayed`.
   */
  verify(request: ReceiptRequest): void | Promise<void>;
  /**
   * Reads a verified request: one request may carry several reports (Infobip, Sinch batch them).
   *
   * @throws {ReceiptRejectedError} `Malformed` when the body is not the provider's format.
   */
  parse(request: ReceiptRequest): readonly DeliveryReceipt[];
}

/**
 * Where AWS delivers an adapter's status events instead of an HTTP callback: SNS SMS
 * delivery-status logs through a CloudWatch Logs subscription (`cloudwatch-logs`), End User
 * Messaging event destinations through an SNS topic (`sns`). AWS invoking the function is what
 * authenticates them, so there is nothing to verify.
 */
export type AwsEventSource = 'cloudwatch-logs' | 'sns';

/** One status event AWS delivered: a log event's message, or an SNS notification's `Message`. */
export interface AwsReceiptEvent {
  readonly source: AwsEventSource;
  /** The text as AWS delivered it (JSON for both sources). */
  readonly message: string;
  /** Where it came from: the log group, or the topic ARN. */
  readonly origin: string;
  readonly receivedAt: number;
}

/** The receipts part of an adapter whose status events AWS delivers (sns, end-user-messaging). */
export interface AwsEventReader {
  readonly id: string;
  readonly source: AwsEventSource;
  /**
   * Reads one event.
   *
   * @throws {ReceiptRejectedError} `Malformed` when it is not the service's format.
   */
  readEvent(event: AwsReceiptEvent): readonly DeliveryReceipt[];
}

/** True for a reader of AWS-delivered events, false for an HTTP webhook reader. */
export const isAwsEventReader = (reader: ReceiptReader | AwsEventReader): reader is AwsEventReader => 'readEvent' in reader;

/**
 * An adapter's receipts part, published as its package's `./receipts` subpath so the receipts
 * function never loads a provider SDK's sending half. `config` reads the same `<ID>_*`
 * variables as the adapter (only those the verification needs, e.g. the auth token).
 */
export interface ReceiptsDefinition<C = unknown> {
  readonly id: string;
  readonly config: ConfigSchema<C>;
  create(config: C, deps: { readonly logger: Logger }): ReceiptReader | AwsEventReader | Promise<ReceiptReader | AwsEventReader>;
}

/** Identity helper that types a receipts definition. */
export const defineReceipts = <C>(definition: ReceiptsDefinition<C>): ReceiptsDefinition<C> => definition;

/** What the sender keeps about a sent message so a receipt can find it: no number, no code. */
export interface SentMessageRecord {
  readonly provider: string;
  readonly messageId: string;
  /** ms since the epoch. */
  readonly sentAt: number;
  readonly country?: string;
  readonly trigger: TriggerSource;
}

/** The outcome of settling a receipt against the ledger. */
export interface SettledReceipt {
  /** True the first time a final state is recorded for the message; replays and repeats are false. */
  readonly first: boolean;
  /** The record the sender kept, when it is known (and not expired). */
  readonly sent?: SentMessageRecord;
}

/**
 * Correlates sends and receipts (kept in the state table; each record expires). Implemented by
 * `@cognito-sms/receipts`; the sender calls `recordSent`, the receipts function `settle`.
 */
export interface DeliveryLedger {
  recordSent(record: SentMessageRecord, options: { readonly signal: AbortSignal }): Promise<void>;
  settle(receipt: DeliveryReceipt): Promise<SettledReceipt>;
}

// Helpers the receipts parts share: small, on node:crypto only.

/** How far a signed timestamp may be from the arrival time before the request is a replay. */
export const RECEIPT_REPLAY_WINDOW_MS = 5 * 60 * 1000;

/**
 * A header's value, or a rejection `Unsigned` naming it when it is missing or empty.
 *
 * @example `const signature = requireHeader(request, 'x-twilio-signature')`
 */
export function requireHeader(request: ReceiptRequest, name: string): string {
  const value = request.headers[name.toLowerCase()];
  if (value === undefined || value === '') throw new ReceiptRejectedError('Unsigned', `missing ${name} header`);
  return value;
}

/**
 * Refuses a request whose signed time (ms since the epoch) is more than `windowMs` from its
 * arrival, either way: an old request is a replay, one from the future a forged clock.
 *
 * @example `assertFresh(Number(timestamp) * 1000, request)`
 */
export function assertFresh(signedAt: number, request: Pick<ReceiptRequest, 'receivedAt'>, windowMs = RECEIPT_REPLAY_WINDOW_MS): void {
  if (!Number.isFinite(signedAt)) throw new ReceiptRejectedError('BadSignature', 'the signed timestamp is not a number');
  if (Math.abs(request.receivedAt - signedAt) > windowMs) {
    throw new ReceiptRejectedError(
      'Replayed',
      `signed ${Math.round((request.receivedAt - signedAt) / 1000)} s before arrival; at most ${windowMs / 1000} s allowed`,
    );
  }
}

/**
 * Compares two strings in constant time (for their common length): signatures and tokens.
 *
 * @example `if (!safeEqual(expected, received)) throw new ReceiptRejectedError('BadSignature', '…')`
 */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The request's parameters: the query string of a GET, the form body of a POST (with the
 * query string's too, body first). Signature schemes over "the parameters" read these.
 *
 * @example `const status = receiptParams(request).get('MessageStatus')`
 */
export function receiptParams(request: ReceiptRequest): URLSearchParams {
  const query = new URL(request.url).searchParams;
  if (request.method === 'GET') return query;
  const params = new URLSearchParams(request.body);
  for (const [key, value] of query) if (!params.has(key)) params.append(key, value);
  return params;
}

/**
 * The body parsed as JSON, or a rejection `Malformed`.
 *
 * @example `const report = receiptJson(request) as { results?: unknown }`
 */
export function receiptJson(request: Pick<ReceiptRequest, 'body'>): unknown {
  try {
    return JSON.parse(request.body);
  } catch {
    throw new ReceiptRejectedError('Malformed', 'the body is not JSON');
  }
}

/** A rejection `Malformed` saying what is missing or wrong. @example `throw malformed('no MessageSid')` */
export const malformed = (what: string): ReceiptRejectedError => new ReceiptRejectedError('Malformed', what);

/** ms since the epoch of a date string, or undefined when it is absent or unreadable. */
export function parseReceiptTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
