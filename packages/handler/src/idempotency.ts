import {
  CognitoSmsError,
  type CustomSmsSenderEvent,
  deduplicationKey,
  type InvocationContext,
  type Logger,
  parseCustomSmsSenderEvent,
  type SendReceipt,
} from '@cognito-sms/core';
import type { IdempotencySettings } from './config/idempotency.js';

/** What became of one invocation under duplicate suppression. */
export interface DeduplicatedResult {
  readonly receipt: SendReceipt;
  /** True when the event had already been delivered: nothing was sent this time. */
  readonly replayed: boolean;
  readonly trigger?: string;
}

/** Runs a send at most once per event (pool, user, trigger, ciphertext hash). */
export interface Deduplicator {
  run(event: unknown, context: InvocationContext, send: () => Promise<SendReceipt>): Promise<DeduplicatedResult>;
}

/** Another invocation of the same event is sending right now; this one must not send too. */
export class DuplicateInProgressError extends CognitoSmsError {
  override name = 'DuplicateInProgressError' as const;
  constructor(options: { cause?: unknown } = {}) {
    super('DuplicateInProgress', 'another invocation of this event is sending it right now; not sending it twice', {
      retryable: true,
      ...options,
    });
  }
}

/** No suppression: every invocation sends. */
export const NO_DEDUPLICATION: Deduplicator = {
  async run(_event, _context, send) {
    return { receipt: await send(), replayed: false };
  },
};

/**
 * Duplicate suppression on Powertools Idempotency: the key is the pool, the user, the trigger
 * and the SHA-256 of the ciphertext (Powertools hashes that again into the record id: neither
 * the code nor the ciphertext is stored); the record holds the provider's receipt.
 *
 * - A replay of a delivered event returns the stored receipt and sends nothing.
 * - A failed send deletes its record, so Lambda's retry sends again.
 * - While one invocation sends, a concurrent duplicate fails with `DuplicateInProgress`
 *   (retryable: Lambda tries again and then finds the record). A record left in progress by a
 *   timed-out invocation expires with that invocation's remaining time.
 * - The store failing before the send does not stop the SMS: it is sent without suppression
 *   (logged). The store failing after the send does not fail the invocation.
 *
 * `memory` keeps records in the container (local runs); `dynamodb` in a table with partition
 * key `id` (string) and TTL attribute `expiration`. Nothing is imported unless enabled.
 *
 * @example `const dedupe = await createDeduplicator({ store: 'dynamodb', table: 'sms-idempotency', ttlSeconds: 3600 }, logger)`
 */
export async function createDeduplicator(settings: IdempotencySettings, logger: Logger): Promise<Deduplicator> {
  if (settings.store === 'off') return NO_DEDUPLICATION;
  const [{ makeIdempotent, IdempotencyConfig }, persistenceStore] = await Promise.all([
    import('@aws-lambda-powertools/idempotency'),
    settings.store === 'dynamodb'
      ? import('@aws-lambda-powertools/idempotency/dynamodb').then(
          ({ DynamoDBPersistenceLayer }) => new DynamoDBPersistenceLayer({ tableName: settings.table }),
        )
      : import('@aws-lambda-powertools/idempotency/cache').then(
          ({ CachePersistenceLayer }) => new CachePersistenceLayer({ client: memoryCacheClient() }),
        ),
  ]);
  const config = new IdempotencyConfig({ expiresAfterSeconds: settings.ttlSeconds });
  // Arguments: (key, context, work). The key is hashed into the record id; a Lambda context as
  // second argument lets Powertools bound an in-progress record by the remaining time.
  const idempotent = makeIdempotent(
    async (_key: Record<string, string>, _context: InvocationContext, work: () => Promise<SendReceipt>) => ({ ...(await work()) }),
    { persistenceStore, config, keyPrefix: 'cognito-sms' },
  );

  return {
    async run(event, context, send) {
      let parsed: CustomSmsSenderEvent;
      try {
        parsed = parseCustomSmsSenderEvent(event);
      } catch {
        // The sender reports the invalid event; there is nothing to suppress.
        return { receipt: await send(), replayed: false };
      }
      const key = deduplicationKey(parsed);
      if (!key) return { receipt: await send(), replayed: false, trigger: parsed.triggerSource };
      let ran = false;
      let receipt: SendReceipt | undefined;
      let sendError: { error: unknown } | undefined;
      const work = async () => {
        ran = true;
        try {
          receipt = await send();
          return receipt;
        } catch (error) {
          sendError = { error };
          throw error;
        }
      };
      try {
        const result = (await idempotent({ ...key }, context, work)) as SendReceipt;
        return { receipt: result, replayed: !ran, trigger: parsed.triggerSource };
      } catch (error) {
        if (sendError) throw sendError.error;
        if (receipt) {
          logger.warn('SMS sent, but its idempotency record could not be saved; a replay may send it again', { error: errorName(error) });
          return { receipt, replayed: false, trigger: parsed.triggerSource };
        }
        if (errorName(error) === 'IdempotencyAlreadyInProgressError') throw new DuplicateInProgressError({ cause: error });
        if (!ran) {
          logger.warn('Duplicate suppression unavailable; sending without it', { error: errorName(error), reason: causeName(error) });
          return { receipt: await send(), replayed: false, trigger: parsed.triggerSource };
        }
        throw error;
      }
    },
  };
}

const errorName = (error: unknown): string => (error instanceof Error ? error.name : typeof error);
/** The store's own error (e.g. `ResourceNotFoundException: Requested resource not found`): it names the table, never a value. */
const causeName = (error: unknown): string | undefined =>
  error instanceof Error && error.cause instanceof Error ? `${error.cause.name}: ${error.cause.message}`.slice(0, 300) : undefined;

/**
 * The slice of a Redis client that Powertools' cache persistence layer uses (`get`, `set` with
 * `EX`/`NX`, `del`), kept in a Map: duplicate suppression within one container.
 */
function memoryCacheClient() {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    async get(key: string) {
      return live(key)?.value ?? null;
    },
    async set(key: string | Uint8Array, value: unknown, options?: unknown) {
      const name = typeof key === 'string' ? key : Buffer.from(key).toString('utf8');
      const { EX, NX } = (options ?? {}) as { EX?: number; NX?: boolean };
      if (NX && live(name)) return null;
      entries.set(name, { value: String(value), expiresAt: EX === undefined ? Number.POSITIVE_INFINITY : Date.now() + EX * 1000 });
      return 'OK';
    },
    async del(keys: string[]) {
      let deleted = 0;
      for (const key of keys) if (entries.delete(key)) deleted += 1;
      return deleted;
    },
  };
}
