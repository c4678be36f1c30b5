// The delivery-receipt contract: what a provider's status callback means, how an adapter's
// receipts part verifies and reads one, and how a receipt finds the message it reports on.
// Imports no SDK: the receipts function loads this and one adapter's `./receipts` subpath only.
import type { ZodType } from 'zod';
import { CognitoSmsError } from './errors.js';
import type { TriggerSource } from './event.js';
import type { Logger } from './provider.js';

/** Where a message ended up, in one vocabulary for every provider. */
export type DeliveryState = 'delivered' | 'undelivered' | 'failed' | 'expired' | 'unknown';

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
  error instanceof ReceiptRejectedError;

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
 * An adapter's receipts part, published as its package's `./receipts` subpath so the receipts
 * function never loads a provider SDK's sending half. `config` reads the same `<ID>_*`
 * variables as the adapter (only those the verification needs, e.g. the auth token).
 */
export interface ReceiptsDefinition<C = unknown> {
  readonly id: string;
  readonly config: ZodType<C>;
  create(config: C, deps: { readonly logger: Logger }): ReceiptReader | Promise<ReceiptReader>;
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
