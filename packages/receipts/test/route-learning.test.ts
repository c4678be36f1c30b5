// The core route learner on the real ledgers: the memory one for the rules, the DynamoDB one
// (dynalite) for what a store failure does.
import { createRouteLearner, type Logger, type RouteLearnerOptions } from '@cognito-sms/core';
import type { DeliveryReceipt } from '@cognito-sms/core/receipts';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '@cognito-sms/testkit/dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDynamoDbDeliveryLedger } from '../src/dynamodb.js';
import type { DeliveryLedgerStore } from '../src/ledger.js';
import { createMemoryDeliveryLedger } from '../src/memory.js';

const MINUTE = 60_000;
const signal = () => AbortSignal.timeout(5000);
const A = { id: 'twilio' };
const B = { id: 'vonage' };
const C = { id: 'sns' };

function fakeClock(start = Date.UTC(2026, 11, 7, 12, 0, 0)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function captureLogger(): Logger & { lines: { level: string; message: string; fields: unknown }[] } {
  const lines: { level: string; message: string; fields: unknown }[] = [];
  const at = (level: string) => (message: string, fields?: unknown) => lines.push({ level, message, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

let sequence = 0;
/** Records and settles `count` sends through `provider` to `country`, `delivered` of them delivered. */
async function receipts(ledger: DeliveryLedgerStore, provider: string, country: string, count: number, delivered: number) {
  for (let i = 0; i < count; i++) {
    const messageId = `M${++sequence}`;
    await ledger.recordSent({ provider, messageId, sentAt: Date.now(), country, trigger: 'CustomSMSSender_SignUp' }, { signal: signal() });
    const state: DeliveryReceipt['state'] = i < delivered ? 'delivered' : 'undelivered';
    await ledger.settle({ provider, messageId, state, final: true, providerStatus: state });
  }
}

function setup(overrides: Partial<RouteLearnerOptions> = {}) {
  const clock = fakeClock();
  const ledger = createMemoryDeliveryLedger({ now: clock.now });
  const logger = captureLogger();
  const learner = createRouteLearner({
    health: ledger,
    minDeliveryRate: 0.8,
    minSamples: 10,
    demoteMs: 15 * MINUTE,
    clock,
    logger,
    ...overrides,
  });
  const ids = async (country: string | undefined, chain = [A, B, C]) => {
    const learned = await learner.order(country, chain, { signal: signal() });
    return { ...learned, ids: learned.providers.map((p) => p.id) };
  };
  return { clock, ledger, logger, learner, ids };
}

describe('Function: createRouteLearner', () => {
  it('moves a provider whose delivered share is below the minimum behind the next one, in that country only, and says so once', async () => {
    // Prepare: twilio delivers 3 of 10 in GB, 10 of 10 in US.
    const { ledger, ids } = setup();
    await receipts(ledger, 'twilio', 'GB', 10, 3);
    await receipts(ledger, 'twilio', 'US', 10, 10);
    // Act
    const gb = await ids('GB');
    const again = await ids('GB');
    const us = await ids('US');
    // Assess
    expect(gb.ids).toEqual(['vonage', 'twilio', 'sns']);
    expect(gb.demoted).toEqual([expect.objectContaining({ provider: 'twilio', country: 'GB', deliveredShare: 0.3, samples: 10 })]);
    expect(again.ids).toEqual(['vonage', 'twilio', 'sns']);
    expect(again.demoted).toEqual([]);
    expect(us.ids).toEqual(['twilio', 'vonage', 'sns']);
  });

  it('does not demote on fewer than minSamples receipts, nor a share at the minimum', async () => {
    const { ledger, ids } = setup();
    await receipts(ledger, 'twilio', 'GB', 9, 0);
    await receipts(ledger, 'vonage', 'GB', 10, 8);
    expect((await ids('GB')).ids).toEqual(['twilio', 'vonage', 'sns']);
  });

  it('puts two demoted providers behind the next healthy one, and never demotes the last', async () => {
    const { ledger, ids } = setup();
    await receipts(ledger, 'twilio', 'GB', 10, 0);
    await receipts(ledger, 'vonage', 'GB', 10, 1);
    await receipts(ledger, 'sns', 'GB', 10, 0);
    const learned = await ids('GB');
    expect(learned.ids).toEqual(['sns', 'twilio', 'vonage']);
    expect(learned.demoted.map((change) => change.provider)).toEqual(['twilio', 'vonage']);
  });

  it('reads the store at most once per country per minute', async () => {
    // Prepare
    const { clock, ledger, ids } = setup();
    const reads = vi.spyOn(ledger, 'routeHealth');
    // Act: the failures arrive after the first read; they count only at the next one.
    await ids('GB');
    await receipts(ledger, 'twilio', 'GB', 10, 0);
    clock.advance(30_000);
    const cached = await ids('GB');
    await ids('US');
    clock.advance(30_000);
    const fresh = await ids('GB');
    // Assess
    expect(cached.ids).toEqual(['twilio', 'vonage', 'sns']);
    expect(fresh.ids).toEqual(['vonage', 'twilio', 'sns']);
    expect(reads.mock.calls.map(([country]) => country)).toEqual(['GB', 'US', 'GB']);
  });

  it('reads nothing for a chain of one or an unknown country', async () => {
    const { ledger, ids } = setup();
    const reads = vi.spyOn(ledger, 'routeHealth');
    expect((await ids('GB', [A])).ids).toEqual(['twilio']);
    expect((await ids(undefined)).ids).toEqual(['twilio', 'vonage', 'sns']);
    expect(reads).not.toHaveBeenCalled();
  });

  it('recovers by itself after demoteMs, and demotes again only on fresh evidence', async () => {
    // Prepare
    const { clock, ledger, ids } = setup();
    await receipts(ledger, 'twilio', 'GB', 10, 2);
    await ids('GB');
    // Act: the window still holds the old failures when the demotion ends.
    clock.advance(14 * MINUTE);
    const during = await ids('GB');
    clock.advance(MINUTE);
    const after = await ids('GB');
    clock.advance(MINUTE);
    const stillBack = await ids('GB');
    await receipts(ledger, 'twilio', 'GB', 10, 0);
    clock.advance(MINUTE);
    const again = await ids('GB');
    // Assess
    expect(during.ids).toEqual(['vonage', 'twilio', 'sns']);
    expect(after.ids).toEqual(['twilio', 'vonage', 'sns']);
    expect(after.recovered).toEqual([{ provider: 'twilio', country: 'GB' }]);
    expect(stillBack.ids).toEqual(['twilio', 'vonage', 'sns']);
    expect(again.ids).toEqual(['vonage', 'twilio', 'sns']);
    expect(again.demoted).toEqual([expect.objectContaining({ provider: 'twilio', deliveredShare: 0, samples: 10 })]);
  });

  describe('with the DynamoDB ledger', () => {
    let dynamo: DynamoDbEmulator;
    beforeAll(async () => {
      dynamo = await startDynamoDbEmulator();
    });
    afterAll(async () => {
      await dynamo.close();
    });

    it('keeps the chain when the store fails, logs it once, and waits a minute before reading again', async () => {
      // Prepare: a table that does not exist.
      const clock = fakeClock();
      const logger = captureLogger();
      const ledger = createDynamoDbDeliveryLedger({ table: 'no-such-table', client: dynamo.client(), now: clock.now });
      const reads = vi.spyOn(ledger, 'routeHealth');
      const learner = createRouteLearner({ health: ledger, minDeliveryRate: 0.8, minSamples: 10, demoteMs: 900_000, clock, logger });
      // Act
      const first = await learner.order('GB', [A, B], { signal: signal() });
      await learner.order('GB', [A, B], { signal: signal() });
      clock.advance(MINUTE);
      await learner.order('GB', [A, B], { signal: signal() });
      // Assess
      expect(first.providers).toEqual([A, B]);
      expect(reads).toHaveBeenCalledTimes(2);
      expect(logger.lines).toEqual([
        {
          level: 'warn',
          message: 'SMS route health unavailable; keeping the chain as configured',
          fields: { country: 'GB', error: 'ResourceNotFoundException' },
        },
      ]);
    });

    it('demotes from counters a DynamoDB ledger keeps', async () => {
      const clock = fakeClock();
      await dynamo.createTable('learner-state');
      const ledger = createDynamoDbDeliveryLedger({ table: 'learner-state', client: dynamo.client(), now: clock.now });
      await receipts(ledger, 'vonage', 'FR', 12, 6);
      const learner = createRouteLearner({
        health: ledger,
        minDeliveryRate: 0.9,
        minSamples: 12,
        demoteMs: 900_000,
        clock,
        logger: captureLogger(),
      });
      expect((await learner.order('FR', [B, A], { signal: signal() })).providers).toEqual([A, B]);
    });
  });
});
