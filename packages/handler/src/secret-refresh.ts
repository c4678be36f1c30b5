// Re-reading secret references after SMS_SECRETS_MAX_AGE_S, shared by the sender and the
// receipts function: both resolve the same references (a rotated Twilio auth token must reach
// the function that signs with it and the one that verifies with it), so both refresh alike.
import { createHash } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { isSecret } from '@cognito-sms/core';
import { describeError } from './describe-error.js';
import type { SecretReference } from './secrets.js';

export interface SecretRefreshOptions<C> {
  /** The references and max age the first load resolved. */
  readonly secrets: { readonly maxAgeSeconds: number; readonly references: readonly SecretReference[] };
  /** The configuration in use, as loaded at cold start. */
  readonly initial: C;
  /** Loads the configuration again, resolving the references through the same (caching) resolver. */
  readonly load: () => Promise<C>;
  /** What identifies a configuration's providers, secrets included (see `configFingerprint`). */
  readonly fingerprint: (config: C) => string;
  /** Puts a changed configuration in use (rebuilds the providers or the receipt readers). */
  readonly apply: (config: C) => Promise<void>;
  readonly logger: Logger;
  /** Logged with the variables when a value changed, e.g. `Provider credentials changed; providers rebuilt`. */
  readonly changedMessage: string;
  /** Wall clock in ms; `Date.now` by default. */
  readonly now?: () => number;
}

/**
 * Returns `refresh`, to await at the start of each invocation: once the max age has passed since
 * the last read it loads the configuration again and, when a value changed, applies it. A failed
 * re-read keeps the values in use (logged as a warning). Without references, or with max age 0,
 * it never reads again.
 *
 * @example
 * ```ts
 * const refresh = createSecretRefresh({ secrets: config.secrets, initial: config, load, fingerprint, apply, logger, changedMessage });
 * return async (event) => { await refresh(); … };
 * ```
 */
export function createSecretRefresh<C>(options: SecretRefreshOptions<C>): () => Promise<void> {
  const { secrets, logger } = options;
  const now = options.now ?? Date.now;
  const { maxAgeSeconds, references } = secrets;
  let dueAt = references.length > 0 && maxAgeSeconds > 0 ? now() + maxAgeSeconds * 1000 : Number.POSITIVE_INFINITY;
  let current = options.fingerprint(options.initial);
  return async () => {
    if (now() < dueAt) return;
    dueAt = now() + maxAgeSeconds * 1000;
    try {
      const config = await options.load();
      const next = options.fingerprint(config);
      if (next === current) return;
      await options.apply(config);
      current = next;
      logger.info(options.changedMessage, { variables: references.map((reference) => reference.variable) });
    } catch (error) {
      logger.warn('Could not re-read secret references; keeping the values in use', { error: describeError(error) });
    }
  };
}

/**
 * Identifies configurations without keeping a copy of any secret: a SHA-256 over each
 * `[name, config]` pair, Secret values revealed only into the hash.
 *
 * @example `configFingerprint(config.providers.map((provider) => [provider.entry, provider.config]))`
 */
export function configFingerprint(entries: readonly (readonly [string, unknown])[]): string {
  // Secret.toJSON prints [redacted], so secrets are revealed into plain values before hashing.
  const plain = (value: unknown): unknown =>
    isSecret(value)
      ? { secret: value.reveal() }
      : Array.isArray(value)
        ? value.map(plain)
        : typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
          ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]))
          : value;
  const text = JSON.stringify(entries.map(([name, config]) => [name, plain(config)]));
  return createHash('sha256').update(text).digest('hex');
}
