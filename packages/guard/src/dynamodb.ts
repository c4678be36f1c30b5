import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { CounterUpdate, GuardStore } from './store.js';

export interface DynamoDbGuardStoreOptions {
  /** Partition key `id` (string), TTL attribute `expiration`: the idempotency table's shape. */
  readonly table: string;
  /** Default: a client with the SDK's chain (`AWS_REGION`, `AWS_ENDPOINT_URL_DYNAMODB`) and short timeouts. */
  readonly client?: DynamoDBClient;
  /** Longest one request, and one connection, may take (default 1000 ms); the client makes one more attempt after a failure. */
  readonly timeoutMs?: number;
  /** Milliseconds since the epoch, to tell expired items; tests hand in their own. */
  readonly now?: () => number;
}

const NAMES = { '#n': 'n', '#e': 'expiration' };
const isConditionFailure = (error: unknown) => error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * Counters in a DynamoDB table, shared by every container. Each update is one `UpdateItem`
 * with `ADD` under a condition (`attribute_not_exists(n) OR n <= max - amount`): DynamoDB
 * applies it atomically, so concurrent containers can never take a counter past its limit.
 * The updates and reads of a round are sent together (one round trip, parallel requests on
 * the client's keep-alive connections). Items: `{ id, n, expiration }`.
 *
 * IAM: `dynamodb:UpdateItem`, `dynamodb:PutItem`, `dynamodb:BatchGetItem` on the table.
 *
 * @example `createDynamoDbGuardStore({ table: process.env.SMS_GUARD_TABLE })`
 */
export function createDynamoDbGuardStore(options: DynamoDbGuardStoreOptions): GuardStore {
  const TableName = options.table;
  const now = options.now ?? Date.now;
  // The guard runs before every send: a slow store must not eat the user's wait. Retries stay
  // with the SDK (one more attempt), each bounded.
  const timeout = options.timeoutMs ?? 1000;
  const client =
    options.client ?? new DynamoDBClient({ maxAttempts: 2, requestHandler: { connectionTimeout: timeout, requestTimeout: timeout } });

  const update = async (item: CounterUpdate, abortSignal: AbortSignal): Promise<number | 'refused'> => {
    const threshold = item.max === undefined ? undefined : item.max - item.amount;
    if (threshold !== undefined && threshold < 0) return 'refused';
    try {
      const { Attributes } = await client.send(
        new UpdateItemCommand({
          TableName,
          Key: { id: { S: item.id } },
          UpdateExpression: 'SET #e = :e ADD #n :a',
          ...(threshold === undefined ? {} : { ConditionExpression: 'attribute_not_exists(#n) OR #n <= :t' }),
          ExpressionAttributeNames: NAMES,
          ExpressionAttributeValues: {
            ':e': { N: String(item.expiresAt) },
            ':a': { N: String(item.amount) },
            ...(threshold === undefined ? {} : { ':t': { N: String(threshold) } }),
          },
          ReturnValues: 'UPDATED_NEW',
        }),
        { abortSignal },
      );
      return Number(Attributes?.n?.N ?? item.amount);
    } catch (error) {
      if (isConditionFailure(error)) return 'refused';
      throw error;
    }
  };

  const read = async (ids: readonly string[], abortSignal: AbortSignal): Promise<(number | undefined)[]> => {
    if (ids.length === 0) return [];
    const found = new Map<string, number>();
    let keys: BatchGetItemCommandOutput['UnprocessedKeys'] = { [TableName]: { Keys: ids.map((id) => ({ id: { S: id } })) } };
    // BatchGetItem may leave keys unprocessed under load; they are asked again, twice at most.
    for (let round = 0; round < 3 && keys?.[TableName]?.Keys?.length; round++) {
      const output: BatchGetItemCommandOutput = await client.send(new BatchGetItemCommand({ RequestItems: keys }), { abortSignal });
      for (const item of output.Responses?.[TableName] ?? []) {
        const id = item.id?.S;
        const expiration = Number(item.expiration?.N ?? Number.POSITIVE_INFINITY);
        // TTL deletes lazily (up to days late): an expired item is treated as gone.
        if (id && expiration > now() / 1000) found.set(id, Number(item.n?.N ?? 0));
      }
      keys = output.UnprocessedKeys;
    }
    return ids.map((id) => found.get(id));
  };

  return {
    async apply(round, { signal }) {
      const [updates, reads] = await Promise.all([
        Promise.all(round.updates.map((item) => update(item, signal))),
        read(round.reads, signal),
      ]);
      return { updates, reads };
    },
    async release(items, { signal }) {
      await Promise.all(
        items.map((item) =>
          client
            .send(
              new UpdateItemCommand({
                TableName,
                Key: { id: { S: item.id } },
                UpdateExpression: 'ADD #n :a',
                // Never recreate an item that expired meanwhile.
                ConditionExpression: 'attribute_exists(#n)',
                ExpressionAttributeNames: { '#n': 'n' },
                ExpressionAttributeValues: { ':a': { N: String(-item.amount) } },
              }),
              { abortSignal: signal },
            )
            .catch((error: unknown) => {
              if (!isConditionFailure(error)) throw error;
            }),
        ),
      );
    },
    async mark(id, value, expiresAt, { signal }) {
      await client.send(
        new PutItemCommand({ TableName, Item: { id: { S: id }, n: { N: String(value) }, expiration: { N: String(expiresAt) } } }),
        { abortSignal: signal },
      );
    },
  };
}
