import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';

/** A DynamoDB API on loopback (dynalite), in a child process of the test. */
export interface DynamoDbEmulator {
  /** `http://127.0.0.1:<port>`: for `AWS_ENDPOINT_URL_DYNAMODB` or a client's `endpoint`. */
  readonly endpoint: string;
  /** A client for it, with dummy credentials. */
  client(): DynamoDBClient;
  /** Creates a table of the state shape: partition key `id` (string), on demand. */
  createTable(name: string): Promise<void>;
  /** Every item of a table. */
  scan(name: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/**
 * Starts dynalite (a DynamoDB-compatible server on LevelDB in memory) in its own Node process:
 * inside a vitest worker its number parsing fails, and a process of its own also lets several
 * handler processes share it. TTL is not enforced by dynalite; the guard and the idempotency
 * store treat an expired item as absent themselves.
 *
 * @example
 * ```ts
 * const dynamo = await startDynamoDbEmulator();
 * await dynamo.createTable('cognito-sms-state');
 * process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
 * ```
 */
export async function startDynamoDbEmulator(): Promise<DynamoDbEmulator> {
  const server: ChildProcess = spawn(process.execPath, [fileURLToPath(new URL('../dynalite-server.cjs', import.meta.url))], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(server.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  const endpoint = `http://127.0.0.1:${(JSON.parse(chunk.toString()) as { port: number }).port}`;
  const client = () => new DynamoDBClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const withClient = async <T>(work: (c: DynamoDBClient) => Promise<T>): Promise<T> => {
    const c = client();
    try {
      return await work(c);
    } finally {
      c.destroy();
    }
  };
  return {
    endpoint,
    client,
    createTable: (name) =>
      withClient(async (c) => {
        await c.send(
          new CreateTableCommand({
            TableName: name,
            AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
            BillingMode: 'PAY_PER_REQUEST',
          }),
        );
      }),
    scan: (name) =>
      withClient(async (c) => {
        const items: Record<string, unknown>[] = [];
        let start: Record<string, never> | undefined;
        do {
          const page = await c.send(new ScanCommand({ TableName: name, ...(start ? { ExclusiveStartKey: start } : {}) }));
          items.push(...(page.Items ?? []));
          start = page.LastEvaluatedKey as Record<string, never> | undefined;
        } while (start);
        return items;
      }),
    async close() {
      server.stdin?.end();
      if (server.exitCode === null) await once(server, 'exit');
    },
  };
}
