import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { DeliveryReceipt } from '@cognito-sms/core/receipts';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '@cognito-sms/testkit/dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbDeliveryLedger } from '../src/dynamodb.js';
import { BUCKET_MS, type DeliveryLedgerStore, RECORD_TTL_S, WINDOW_MS } from '../src/ledger.js';
import { createMemoryDeliveryLedger } from '../src/memory.js';

const MINUTE = 60_000;
const signal = () => AbortSignal.timeout(5000);
let dynamo: DynamoDbEmulator;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynamoDbEmulator();
});
afterAll(async () => {
  await dynamo.close();
});

/** A clock the test moves, starting on a bucket's edge so windows are easy to reason about. */
function fakeClock(start = Date.UTC(2026, 11, 7, 12, 0, 0)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const receipt = (messageId: string, state: DeliveryReceipt['state'], overrides: Partial<DeliveryReceipt> = {}): DeliveryReceipt => ({
  provider: 'twilio',
  messageId,
  state,
  final: true,
  providerStatus: state,
  ...overrides,
});

const LEDGERS: { name: string; create: (now: () => number) => Promise<{ ledger: DeliveryLedgerStore; table?: string }> }[] = [
  { name: 'memory', create: async (now) => ({ ledger: createMemoryDeliveryLedger({ now }) }) },
  {
    name: 'dynamodb (dynalite)',
    create: async (now) => {
      const table = `ledger-${++tables}`;
      await dynamo.createTable(table);
      return { ledger: createDynamoDbDeliveryLedger({ table, client: dynamo.client(), now }), table };
    },
  },
];

describe.each(LEDGERS)('Ledger: $name', ({ name, create }) => {
  const setup = async () => {
    const clock = fakeClock();
    return { clock, ...(await create(clock.now)) };
  };

  it('settles a final receipt once with the send’s record, and repeats as not first', async () => {
    // Prepare
    const { clock, ledger } = await setup();
    const sentAt = clock.now();
    await ledger.recordSent(
      { provider: 'twilio', messageId: 'SM1', sentAt, country: 'GB', trigger: 'CustomSMSSender_SignUp' },
      { signal: signal() },
    );
    clock.advance(3000);
    // Act
    const first = await ledger.settle(receipt('SM1', 'delivered'));
    const repeat = await ledger.settle(receipt('SM1', 'delivered'));
    const contrary = await ledger.settle(receipt('SM1', 'undelivered'));
    // Assess
    expect(first).toEqual({
      first: true,
      sent: { provider: 'twilio', messageId: 'SM1', sentAt, country: 'GB', trigger: 'CustomSMSSender_SignUp' },
    });
    expect(repeat.first).toBe(false);
    expect(contrary.first).toBe(false);
    expect(await ledger.routeHealth('GB', ['twilio'], { signal: signal() })).toEqual(new Map([['twilio', { delivered: 1, total: 1 }]]));
  });

  it('does not settle an intermediate status, and settles the final one after it', async () => {
    const { ledger } = await setup();
    expect(await ledger.settle(receipt('SM2', 'unknown', { final: false, providerStatus: 'sent' }))).toEqual({ first: false });
    expect((await ledger.settle(receipt('SM2', 'delivered'))).first).toBe(true);
  });

  it('settles a receipt whose record is unknown, counting it under the country the receipt tells', async () => {
    const { ledger } = await setup();
    expect(await ledger.settle(receipt('SM3', 'failed', { country: 'DE' }))).toEqual({ first: true });
    expect(await ledger.settle(receipt('SM4', 'failed'))).toEqual({ first: true });
    expect(await ledger.routeHealth('DE', ['twilio'], { signal: signal() })).toEqual(new Map([['twilio', { delivered: 0, total: 1 }]]));
  });

  it('counts a receipt that overtook its record under the record’s country, once, and keeps its mark', async () => {
    const { clock, ledger } = await setup();
    expect((await ledger.settle(receipt('SM5', 'undelivered'))).first).toBe(true);
    await ledger.recordSent(
      { provider: 'twilio', messageId: 'SM5', sentAt: clock.now(), country: 'GB', trigger: 'CustomSMSSender_Authentication' },
      { signal: signal() },
    );
    expect((await ledger.settle(receipt('SM5', 'undelivered'))).first).toBe(false);
    // One that told its country was counted under it when it settled, and not again.
    await ledger.settle(receipt('SM7', 'delivered', { country: 'GB' }));
    await ledger.recordSent(
      { provider: 'twilio', messageId: 'SM7', sentAt: clock.now(), country: 'GB', trigger: 'CustomSMSSender_SignUp' },
      { signal: signal() },
    );
    expect(await ledger.routeHealth('GB', ['twilio'], { signal: signal() })).toEqual(new Map([['twilio', { delivered: 1, total: 2 }]]));
  });

  it('forgets a record after 2 days', async () => {
    const { clock, ledger } = await setup();
    await ledger.recordSent(
      { provider: 'twilio', messageId: 'SM6', sentAt: clock.now(), country: 'GB', trigger: 'CustomSMSSender_SignUp' },
      { signal: signal() },
    );
    clock.advance(RECORD_TTL_S * 1000 + 1000);
    const settled = await ledger.settle(receipt('SM6', 'delivered'));
    expect(settled.sent).toBeUndefined();
  });

  it('counts delivered and final receipts per provider and country over a sliding hour', async () => {
    // Prepare: GB through twilio 3 of 4 delivered; vonage 1 of 2; US apart.
    const { clock, ledger } = await setup();
    const sends: [string, string, string, DeliveryReceipt['state']][] = [
      ['twilio', 'a1', 'GB', 'delivered'],
      ['twilio', 'a2', 'GB', 'delivered'],
      ['twilio', 'a3', 'GB', 'undelivered'],
      ['vonage', 'b1', 'GB', 'delivered'],
      ['vonage', 'b2', 'GB', 'expired'],
      ['twilio', 'a4', 'US', 'failed'],
    ];
    for (const [provider, messageId, country, state] of sends) {
      await ledger.recordSent(
        { provider, messageId, sentAt: clock.now(), country, trigger: 'CustomSMSSender_SignUp' },
        { signal: signal() },
      );
      await ledger.settle(receipt(messageId, state, { provider }));
    }
    clock.advance(40 * MINUTE);
    await ledger.recordSent(
      { provider: 'twilio', messageId: 'a5', sentAt: clock.now(), country: 'GB', trigger: 'CustomSMSSender_SignUp' },
      { signal: signal() },
    );
    await ledger.settle(receipt('a5', 'delivered'));
    // Act
    const now = await ledger.routeHealth('GB', ['twilio', 'vonage', 'sns'], { signal: signal() });
    const sinceLast = await ledger.routeHealth('GB', ['twilio'], { signal: signal(), since: { twilio: clock.now() - MINUTE } });
    clock.advance(WINDOW_MS - 40 * MINUTE + BUCKET_MS);
    const later = await ledger.routeHealth('GB', ['twilio', 'vonage'], { signal: signal() });
    // Assess
    expect(now).toEqual(
      new Map([
        ['twilio', { delivered: 3, total: 4 }],
        ['vonage', { delivered: 1, total: 2 }],
      ]),
    );
    expect(sinceLast).toEqual(new Map([['twilio', { delivered: 1, total: 1 }]]));
    expect(later).toEqual(new Map([['twilio', { delivered: 1, total: 1 }]]));
  });

  if (name.startsWith('dynamodb')) {
    it('stores no message id in clear, and items under their own prefixes with a TTL', async () => {
      const { clock, ledger, table } = await setup();
      await ledger.recordSent(
        { provider: 'twilio', messageId: 'SMsecretish', sentAt: clock.now(), country: 'GB', trigger: 'CustomSMSSender_SignUp' },
        { signal: signal() },
      );
      await ledger.settle(receipt('SMsecretish', 'delivered'));
      const items = await dynamo.scan(table ?? '');
      expect(JSON.stringify(items)).not.toContain('SMsecretish');
      const ids = items.map((item) => (item as { id: { S: string } }).id.S).sort();
      expect(ids).toEqual([`rh#twilio#GB#${clock.now() / 1000}`, expect.stringMatching(/^rs#[0-9a-f]{64}$/)]);
      for (const item of items) expect(Number((item as { expiration: { N: string } }).expiration.N)).toBeGreaterThan(clock.now() / 1000);
    });

    it('throws when the store is unreachable, for the receipt to be retried', async () => {
      const ledger = createDynamoDbDeliveryLedger({ table: 'nowhere', client: dynamo.client() });
      await expect(ledger.settle(receipt('SM9', 'delivered'))).rejects.toThrow(/non-existent table|not found/i);
    });
  }
});

describe('Ledger: dynamodb under concurrency', () => {
  it('counts each of 30 receipts once when 4 processes settle every copy of each at once', async () => {
    // Prepare: every process gets the same 30 final receipts, twice over (a provider's retries).
    const table = 'ledger-concurrency';
    await dynamo.createTable(table);
    const receipts = Array.from({ length: 30 }, (_, i) => receipt(`SM${i}`, i % 3 === 0 ? 'undelivered' : 'delivered', { country: 'GB' }));
    // Act
    const runs = [0, 1, 2, 3].map(async () => {
      const child = spawn(
        process.execPath,
        [fileURLToPath(new URL('./fixtures/settle-worker.mjs', import.meta.url))],
        {
          env: { ...process.env, TABLE: table, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      );
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
      });
      child.stdin.end(JSON.stringify([...receipts, ...receipts]));
      await once(child, 'exit');
      const line = stdout.split('\n').find((text) => text.startsWith('RESULT '));
      return JSON.parse(line?.slice('RESULT '.length) ?? '[]') as boolean[];
    });
    const firsts = (await Promise.all(runs)).flat();
    // Assess
    expect(firsts).toHaveLength(240);
    expect(firsts.filter(Boolean)).toHaveLength(30);
    const ledger = createDynamoDbDeliveryLedger({ table, client: dynamo.client() });
    expect(await ledger.routeHealth('GB', ['twilio'], { signal: signal() })).toEqual(new Map([['twilio', { delivered: 20, total: 30 }]]));
  });
});
