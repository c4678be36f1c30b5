import type { Destination } from './destination-types.js';
import type { TriggerSource } from './event.js';

/**
 * One message as the fraud guard sees it, before anything is decrypted. The guard keys its
 * counters on keyed hashes of `to` and `userKey`: neither is ever stored in clear.
 */
export interface GuardRequest {
  /** The destination, E.164. */
  readonly to: string;
  readonly destination: Destination;
  readonly userPoolId: string;
  /** The user's `sub`, else the user name. */
  readonly userKey: string;
  readonly trigger: TriggerSource;
  /** Segments the text will take, estimated from the template (the code is not known yet). */
  readonly segments: number;
}

/** A message the guard let through. */
export interface GuardVerdict {
  /**
   * Set when the store could not be reached and `SMS_GUARD_ON_STORE_ERROR=open` let the
   * message through unchecked: the store's error name, for the log line and the metric.
   */
  readonly storeError?: string;
}

/**
 * Decides, before decryption, whether a message may be sent (the fraud guard). Implemented by
 * `@cognito-sms/guard`; the sender only calls it.
 *
 * @example `const verdict = await guard.admit({ to, destination, userPoolId, userKey, trigger, segments: 1 })`
 */
export interface SendGuard {
  /**
   * Counts the message and resolves when it may be sent.
   *
   * @throws {RateLimitedError} when a limit, the budget, a quarantine or a surge refuses it.
   */
  admit(request: GuardRequest, options: { readonly signal: AbortSignal }): Promise<GuardVerdict>;
}
