import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  DynamoDBClient,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { RouteHealth } from '@cognito-sms/core';
import type { SentMessageRecord, SettledReceipt } from '@cognito-sms/core/receipts';
import { bucketExpiration, bucketId, bucketStart, type DeliveryLedgerStore, RECORD_TTL_S, recordId, windowBuckets } from './ledger.js';

export interface DynamoDbDeliveryLedgerOptions {
  /** Partition key `id` (string), TTL attribute `expiration`: the state table the guard and duplicate suppression use. */
  readonly table: string;
  /** Default: a client with the SDK's chain (`AWS_REGION`, `AWS_ENDPOINT_URL_DYNAMODB`) and short timeouts. */
  readonly client?: DynamoDBClient;
  /** Longest one request, and one connection, may take (default 1000 ms); the client makes one more attempt after a failure. */
  readonly timeoutMs?: number;
  /** Milliseconds since the epoch: record times, counter buckets and expiry; tests hand in their own. */
  readonly now?: () => number;
}

const isConditionFailure = (error: unknown) => error instanceof Error && error.name === 'ConditionalCheckFailedException';
// BatchGetItem takes at most 100 keys a request.
const BATCH_KEYS = 100;

/**
 * The delivery ledger in DynamoDB, shared by the sender's and the receipts function's containers.
 * Items, in the state table next to the guard's (`g…#`) and duplicate suppression's:
 *
 * - `rs#<sha256(provider, message id)>`: `{ p, s (sent at, ms), c (country), tr (trigger), f (final state),
 *   rc (the receipt's country, when it told one), expiration }`, kept 2 days. No number, no text, no code.
 * - `rh#<provider>#<country>#<bucket start, s>`: `{ d (delivered), t (final receipts), expiration }`, 5-minute buckets
 *   kept while they are in the 1-hour window.
 *
 * `settle` sets `f` under the condition `attribute_not_exists(f)`: DynamoDB applies it atomically,
 * so of any number of copies of a final receipt, in any number of containers, exactly one is
 * `first` and counted. A counter update that fails takes the mark back (and the error is thrown),
 * so the provider's retry is counted instead. `recordSent` is an update too: a receipt that
 * overtakes its record keeps its mark, and is counted under the record's country when it had none.
 *
 * IAM: the sender `dynamodb:UpdateItem` (records) and `dynamodb:BatchGetItem` (route health); the
 * receipts function `dynamodb:UpdateItem`.
 *
 * @example `createDynamoDbDeliveryLedger({ table: process.env.SMS_IDEMPOTENCY_TABLE })`
 */
export function createDynamoDbDeliveryLedger(options: DynamoDbDeliveryLedgerOptions): DeliveryLedgerStore {
  const TableName = options.table;
  const now = options.now ?? Date.now;
  // The sender records on the user's wait, and reads health before delivery: a slow store must
  // not eat it. Retries stay with the SDK (one more attempt), each bounded.
  const timeout = options.timeoutMs ?? 1000;
  const client =
    options.client ?? new DynamoDBClient({ maxAttempts: 2, requestHandler: { connectionTimeout: timeout, requestTimeout: timeout } });

  const count = async (provider: string, country: string, delivered: boolean) => {
    const start = bucketStart(now());
    await client.send(
      new UpdateItemCommand({
        TableName,
        Key: { id: { S: bucketId(provider, country, start) } },
        UpdateExpression: 'SET #e = :e ADD #d :d, #t :one',
        ExpressionAttributeNames: { '#e': 'expiration', '#d': 'd', '#t': 't' },
        ExpressionAttributeValues: {
          ':e': { N: String(bucketExpiration(start)) },
          ':d': { N: delivered ? '1' : '0' },
          ':one': { N: '1' },
        },
      }),
    );
  };

  return {
    async recordSent(record, { signal }) {
      const { Attributes: before } = await client.send(
        new UpdateItemCommand({
          TableName,
          Key: { id: { S: recordId(record.provider, record.messageId) } },
          UpdateExpression: `SET #p = :p, #s = :s, #tr = :tr, #e = :e${record.country ? ', #c = :c' : ''}`,
          ExpressionAttributeNames: { '#p': 'p', '#s': 's', '#tr': 'tr', '#e': 'expiration', ...(record.country ? { '#c': 'c' } : {}) },
          ExpressionAttributeValues: {
            ':p': { S: record.provider },
            ':s': { N: String(record.sentAt) },
            ':tr': { S: record.trigger },
            ':e': { N: String(Math.ceil(now() / 1000) + RECORD_TTL_S) },
            ...(record.country ? { ':c': { S: record.country } } : {}),
          },
          ReturnValues: 'ALL_OLD',
        }),
        { abortSignal: signal },
      );
      // The final receipt overtook this record and had no country to be counted under: DynamoDB
      // orders the two updates, so exactly one of them sees the other and counts.
      const state = before?.f?.S;
      if (state && !before?.rc && record.country) await count(record.provider, record.country, state === 'delivered');
    },

    async settle(receipt): Promise<SettledReceipt> {
      if (!receipt.final) return { first: false };
      const Key = { id: { S: recordId(receipt.provider, receipt.messageId) } };
      let item: Record<string, AttributeValue> | undefined;
      try {
        const output = await client.send(
          new UpdateItemCommand({
            TableName,
            Key,
            UpdateExpression: `SET #f = :f, #e = if_not_exists(#e, :e)${receipt.country ? ', #rc = :rc' : ''}`,
            ConditionExpression: 'attribute_not_exists(#f)',
            ExpressionAttributeNames: { '#f': 'f', '#e': 'expiration', ...(receipt.country ? { '#rc': 'rc' } : {}) },
            ExpressionAttributeValues: {
              ':f': { S: receipt.state },
              ':e': { N: String(Math.ceil(now() / 1000) + RECORD_TTL_S) },
              ...(receipt.country ? { ':rc': { S: receipt.country } } : {}),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        item = output.Attributes;
      } catch (error) {
        if (isConditionFailure(error)) return { first: false };
        throw error;
      }
      const sent = toRecord(item, receipt.provider, receipt.messageId, now());
      const country = sent?.country ?? receipt.country;
      if (country) {
        try {
          await count(receipt.provider, country, receipt.state === 'delivered');
        } catch (error) {
          // Not counted: take the mark back so the provider's retry of this receipt counts it.
          await client
            .send(new UpdateItemCommand({ TableName, Key, UpdateExpression: 'REMOVE #f', ExpressionAttributeNames: { '#f': 'f' } }))
            .catch(() => {});
          throw error;
        }
      }
      return sent ? { first: true, sent } : { first: true };
    },

    async routeHealth(country, providers, { signal, since }) {
      const starts = new Map(providers.map((provider) => [provider, windowBuckets(now(), since?.[provider])]));
      const ids = [...starts].flatMap(([provider, list]) => list.map((start) => bucketId(provider, country, start)));
      const found = new Map<string, { d: number; t: number }>();
      for (let at = 0; at < ids.length; at += BATCH_KEYS) {
        let keys: BatchGetItemCommandOutput['UnprocessedKeys'] = {
          [TableName]: { Keys: ids.slice(at, at + BATCH_KEYS).map((id) => ({ id: { S: id } })) },
        };
        // BatchGetItem may leave keys unprocessed under load; they are asked again, twice at most.
        for (let round = 0; round < 3 && keys?.[TableName]?.Keys?.length; round++) {
          const output: BatchGetItemCommandOutput = await client.send(new BatchGetItemCommand({ RequestItems: keys }), {
            abortSignal: signal,
          });
          for (const item of output.Responses?.[TableName] ?? []) {
            const id = item.id?.S;
            const expiration = Number(item.expiration?.N ?? Number.POSITIVE_INFINITY);
            // TTL deletes lazily: an expired counter is treated as gone.
            if (id && expiration > now() / 1000) found.set(id, { d: Number(item.d?.N ?? 0), t: Number(item.t?.N ?? 0) });
          }
          keys = output.UnprocessedKeys;
        }
      }
      const result = new Map<string, RouteHealth>();
      for (const [provider, list] of starts) {
        let delivered = 0;
        let total = 0;
        for (const start of list) {
          const bucket = found.get(bucketId(provider, country, start));
          delivered += bucket?.d ?? 0;
          total += bucket?.t ?? 0;
        }
        if (total > 0) result.set(provider, { delivered, total });
      }
      return result;
    },
  };
}

/** The send's record in an item, when the sender wrote one and it has not expired. */
function toRecord(
  item: Record<string, AttributeValue> | undefined,
  provider: string,
  messageId: string,
  now: number,
): SentMessageRecord | undefined {
  const sentAt = Number(item?.s?.N);
  const trigger = item?.tr?.S;
  if (!item || !Number.isFinite(sentAt) || !trigger) return undefined;
  if (Number(item.expiration?.N ?? Number.POSITIVE_INFINITY) <= now / 1000) return undefined;
  return {
    provider,
    messageId,
    sentAt,
    trigger: trigger as SentMessageRecord['trigger'],
    ...(item.c?.S ? { country: item.c.S } : {}),
  };
}
