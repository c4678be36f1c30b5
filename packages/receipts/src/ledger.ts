import { createHash } from 'node:crypto';
import type { RouteHealthSource } from '@cognito-sms/core';
import type { DeliveryLedger } from '@cognito-sms/core/receipts';

/** A ledger the sender records in, the receipts function settles in, and the route learner reads. */
export type DeliveryLedgerStore = DeliveryLedger & RouteHealthSource;

/** How long a send's record is kept: providers report within minutes, retry callbacks for hours. */
export const RECORD_TTL_S = 2 * 86_400;
/** The width of one delivery counter. */
export const BUCKET_MS = 5 * 60_000;
/** The sliding window route health is read over: the current bucket and the 11 before it. */
export const WINDOW_MS = 60 * 60_000;

/**
 * The item id of a send: `rs#` and the SHA-256 of provider and message id. Message ids are not
 * secret, but the table holds no value a receipt did not need to find its record.
 */
export const recordId = (provider: string, messageId: string): string =>
  `rs#${createHash('sha256').update(`${provider}\u0000${messageId}`).digest('hex')}`;

/** The item id of a counter: provider, country and the bucket's start (epoch seconds). */
export const bucketId = (provider: string, country: string, startMs: number): string => `rh#${provider}#${country}#${startMs / 1000}`;

/** The start (ms) of the bucket holding `at`. */
export const bucketStart = (at: number): number => Math.floor(at / BUCKET_MS) * BUCKET_MS;

/**
 * The buckets of the window ending at `now`, newest first, less those that ended before `since`
 * (a bucket that holds `since` still counts: its receipts may be after it).
 */
export function windowBuckets(now: number, since = Number.NEGATIVE_INFINITY): number[] {
  const starts: number[] = [];
  for (let start = bucketStart(now); start > now - WINDOW_MS && start + BUCKET_MS > since; start -= BUCKET_MS) starts.push(start);
  return starts;
}

/** A counter's TTL (epoch seconds): once its bucket has left the window, with a bucket to spare. */
export const bucketExpiration = (startMs: number): number => Math.ceil((startMs + WINDOW_MS + 2 * BUCKET_MS) / 1000);
