import { isRateLimitedError, type RateLimitedError } from '@cognito-sms/core';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '@cognito-sms/testkit/dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbGuardStore } from '../src/dynamodb.js';
import { createSendGuard, type GuardSettings } from '../src/guard.js';
import { createMemoryGuardStore } from '../src/memory.js';
import type { GuardStore } from '../src/store.js';
import { budget, countryLimits, fakeClock, limits, NO_LIMITS, prices, request, signal } from './support.js';

const HOUR = 3_600_000;
const KEY = 'test-hash-key-0123456789abcdef0123456789';
let dynamo: DynamoDbEmulator;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynamoDbEmulator();
});
afterAll(async () => {
  await dynamo.close();
});

const STORES: { name: string; create: (now: () => number) => Promise<{ store: GuardStore; table?: string }> }[] = [
  { name: 'memory', create: async (now) => ({ store: createMemoryGuardStore({ now }) }) },
  {
    name: 'dynamodb (dynalite)',
    create: async (now) => {
      const table = `guard-${++tables}`;
      await dynamo.createTable(table);
      return { store: createDynamoDbGuardStore({ table, client: dynamo.client(), now }), table };
    },
  },
];

/** Admits each request in turn; the outcome of each: `sent` or the refusal's code. */
async function outcomes(guard: ReturnType<typeof createSendGuard>, requests: Parameters<typeof guard.admit>[0][]) {
  const results: string[] = [];
  for (const r of requests) {
    try {
      await guard.admit(r, { signal: signal() });
      results.push('sent');
    } catch (error) {
      if (!isRateLimitedError(error)) throw error;
      results.push(error.code);
    }
  }
  return results;
}
const refusalOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isRateLimitedError(error)).toBe(true);
  return error as RateLimitedError;
};

describe.each(STORES)('Function: createSendGuard, store $name', ({ create }) => {
  const setup = async (settings: Partial<GuardSettings>) => {
    const clock = fakeClock();
    const { store, table } = await create(clock.now);
    const guard = createSendGuard({ settings: { ...NO_LIMITS, ...settings }, store, hashKey: KEY, now: clock.now });
    return { clock, guard, table };
  };

  it('refuses the message after SMS_LIMIT_PER_NUMBER and names the limit, never the number', async () => {
    // Prepare
    const { guard } = await setup({ perNumber: limits('3/10m,5/d') });
    const to = '+447700900123';
    // Act
    const first = await outcomes(
      guard,
      Array.from({ length: 4 }, () => request(to)),
    );
    const error = await refusalOf(guard.admit(request(to), { signal: signal() }));
    const other = await outcomes(guard, [request('+447700900999')]);
    // Assess
    expect(first).toEqual(['sent', 'sent', 'sent', 'NumberLimit']);
    expect(error.code).toBe('NumberLimit');
    expect(error.limit).toBe('3/10m');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('SMS_LIMIT_PER_NUMBER 3/10m');
    expect(error.message).not.toMatch(/7700|900123/);
    expect(other).toEqual(['sent']);
  });

  it('holds every limit of a list: the daily one after the short windows reset', async () => {
    const { guard, clock } = await setup({ perNumber: limits('3/10m,5/d') });
    const to = '+447700900123';
    const firstWindow = await outcomes(
      guard,
      Array.from({ length: 3 }, () => request(to)),
    );
    clock.advance(11 * 60_000);
    const secondWindow = await outcomes(
      guard,
      Array.from({ length: 3 }, () => request(to)),
    );
    expect(firstWindow).toEqual(['sent', 'sent', 'sent']);
    expect(secondWindow).toEqual(['sent', 'sent', 'NumberLimit']);
  });

  it('counts SMS_LIMIT_PER_USER per pool and user (sub), whatever the number', async () => {
    const { guard } = await setup({ perUser: limits('2/h') });
    const user = { userKey: 'sub-1' };
    const results = await outcomes(guard, [
      request('+447700900001', user),
      request('+447700900002', user),
      request('+447700900003', user),
      request('+447700900003', { userKey: 'sub-1', userPoolId: 'eu-west-1_Other' }),
    ]);
    expect(results).toEqual(['sent', 'sent', 'UserLimit', 'sent']);
  });

  it('quarantines a prefix that reached SMS_LIMIT_PER_PREFIX for SMS_PREFIX_QUARANTINE_S, past its window', async () => {
    const { guard, clock } = await setup({ perPrefix: limits('3/h'), prefixDigits: 6, quarantineSeconds: 86_400 });
    const inPrefix = (i: number) => request(`+44770090${String(i).padStart(4, '0')}`);
    const burst = await outcomes(guard, [0, 1, 2, 3, 4].map(inPrefix));
    const otherPrefix = await outcomes(guard, [request('+447800900001')]);
    clock.advance(2 * HOUR);
    const later = await outcomes(guard, [inPrefix(9)]);
    const error = await refusalOf(guard.admit(inPrefix(10), { signal: signal() }));
    clock.advance(23 * HOUR);
    const afterQuarantine = await outcomes(guard, [inPrefix(11)]);
    expect(burst).toEqual(['sent', 'sent', 'sent', 'PrefixLimit', 'PrefixQuarantined']);
    expect(otherPrefix).toEqual(['sent']);
    expect(later).toEqual(['PrefixQuarantined']);
    expect(error.message).toMatch(/quarantined for \d+ s more/);
    expect(afterQuarantine).toEqual(['sent']);
  });

  it('limits countries by ISO code, calling code or default, each default country apart', async () => {
    const { guard } = await setup({ perCountry: countryLimits('default=2/h;US=3/h') });
    const results = await outcomes(guard, [
      ...['+447700900001', '+447700900002', '+447700900003'].map((to) => request(to)),
      ...['+4915112345601', '+4915112345602'].map((to) => request(to)),
      ...['+14155550101', '+14155550102', '+14155550103', '+14155550104'].map((to) => request(to)),
    ]);
    expect(results).toEqual(['sent', 'sent', 'CountryLimit', 'sent', 'sent', 'sent', 'sent', 'sent', 'CountryLimit']);
  });

  it('applies SMS_LIMIT_GLOBAL to every message of the function', async () => {
    const { guard } = await setup({ global: limits('2/m') });
    const results = await outcomes(
      guard,
      ['+447700900001', '+14155550101', '+4915112345601'].map((to) => request(to)),
    );
    expect(results).toEqual(['sent', 'sent', 'GlobalLimit']);
  });

  it('spends the budget by segments × price and keeps serving home countries when it is spent', async () => {
    const { guard } = await setup({ prices: prices('default=0.05;US=0.01'), budget: budget('0.12/h'), homeCountries: ['US'] });
    const results = await outcomes(guard, [
      request('+447700900001'),
      request('+447700900002'),
      request('+447700900003'),
      request('+14155550101', { segments: 3 }),
      request('+14155550102'),
    ]);
    const twoSegments = await refusalOf(guard.admit(request('+4915112345601', { segments: 2 }), { signal: signal() }));
    expect(results).toEqual(['sent', 'sent', 'BudgetExhausted', 'sent', 'sent']);
    expect(twoSegments.code).toBe('BudgetExhausted');
    expect(twoSegments.message).toContain('SMS_BUDGET 0.12/h');
  });

  it('gives back what a refused message took, so an attack on one prefix does not eat the country allowance', async () => {
    const { guard } = await setup({ perPrefix: limits('2/h'), quarantineSeconds: 3600, perCountry: countryLimits('default=5/h') });
    const attack = await outcomes(
      guard,
      Array.from({ length: 20 }, (_, i) => request(`+4477009${String(i).padStart(5, '0')}`)),
    );
    const normal = await outcomes(
      guard,
      ['+447811100001', '+447822200002', '+447833300003', '+447844400004'].map((to) => request(to)),
    );
    expect(attack.filter((r) => r === 'sent')).toHaveLength(2);
    expect(normal).toEqual(['sent', 'sent', 'sent', 'CountryLimit']);
  });

  it('limits a surging country to max(SMS_SURGE_MIN, factor × mean hour of the previous 7 days) for the rest of the hour', async () => {
    const { guard, clock } = await setup({ surge: { factor: 8, min: 5 }, homeCountries: ['US'] });
    // 7 whole days of one message an hour to BD: mean hour 1, so the floor is max(5, 8 × 1) = 8.
    clock.advance(24 * HOUR - (clock.now() % (24 * HOUR)));
    for (let hour = 0; hour < 7 * 24; hour++) {
      await guard.admit(request(`+88017${String(hour).padStart(8, '0')}`), { signal: signal() });
      clock.advance(HOUR);
    }
    clock.advance(60_000);
    const surge = await outcomes(
      guard,
      Array.from({ length: 10 }, (_, i) => request(`+88019${String(i).padStart(8, '0')}`)),
    );
    const home = await outcomes(
      guard,
      Array.from({ length: 10 }, (_, i) => request(`+1415555${String(i).padStart(4, '0')}`)),
    );
    clock.advance(HOUR);
    const nextHour = await outcomes(guard, [request('+8801900000099')]);
    expect(surge.filter((r) => r === 'sent')).toHaveLength(8);
    expect(surge.slice(8)).toEqual(['CountrySurge', 'CountrySurge']);
    expect(home.every((r) => r === 'sent')).toBe(true);
    expect(nextHour).toEqual(['sent']);
  });

  it('never counts or refuses SMS_GUARD_EXEMPT_NUMBERS', async () => {
    const { guard } = await setup({ perNumber: limits('1/d'), exemptNumbers: ['+15005550006'] });
    expect(
      await outcomes(
        guard,
        Array.from({ length: 5 }, () => request('+15005550006')),
      ),
    ).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
  });
});

describe('Function: createSendGuard, store failures', () => {
  const failing: GuardStore = {
    apply: async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { name: 'TimeoutError' });
    },
    release: async () => {},
    mark: async () => {},
  };
  it('sends unchecked and reports the store error with SMS_GUARD_ON_STORE_ERROR=open', async () => {
    const guard = createSendGuard({ settings: { ...NO_LIMITS, perNumber: limits('1/d') }, store: failing, hashKey: KEY });
    await expect(guard.admit(request('+447700900123'), { signal: signal() })).resolves.toEqual({ storeError: 'TimeoutError' });
  });
  it('refuses with GuardUnavailable with SMS_GUARD_ON_STORE_ERROR=closed', async () => {
    const guard = createSendGuard({
      settings: { ...NO_LIMITS, perNumber: limits('1/d'), onStoreError: 'closed' },
      store: failing,
      hashKey: KEY,
    });
    const error = await refusalOf(guard.admit(request('+447700900123'), { signal: signal() }));
    expect(error.code).toBe('GuardUnavailable');
    expect(error.message).toContain('SMS_GUARD_ON_STORE_ERROR=closed');
  });
  it('answers a refusal it already saw from memory, with no store request', async () => {
    const memory = createMemoryGuardStore();
    let rounds = 0;
    const counting: GuardStore = {
      ...memory,
      apply: (round, options) => {
        rounds += 1;
        return memory.apply(round, options);
      },
    };
    const guard = createSendGuard({ settings: { ...NO_LIMITS, perNumber: limits('2/h') }, store: counting, hashKey: KEY });
    const results = await outcomes(
      guard,
      Array.from({ length: 10 }, () => request('+447700900123')),
    );
    expect(results).toEqual(['sent', 'sent', ...Array(8).fill('NumberLimit')]);
    expect(rounds).toBe(3);
  });
});

describe('Function: createDynamoDbGuardStore, what it stores', () => {
  it('keeps no number, prefix, user name or pool id in clear, only keyed hashes', async () => {
    const table = 'guard-clear';
    await dynamo.createTable(table);
    const guard = createSendGuard({
      settings: {
        ...NO_LIMITS,
        perNumber: limits('5/h'),
        perUser: limits('5/h'),
        perPrefix: limits('1/h'),
        quarantineSeconds: 3600,
        perCountry: countryLimits('default=50/h'),
      },
      store: createDynamoDbGuardStore({ table, client: dynamo.client() }),
      hashKey: KEY,
    });
    await outcomes(guard, [request('+447700900123', { userKey: 'alice@example.com' }), request('+447700900124', { userKey: 'bob' })]);
    const items = JSON.stringify(await dynamo.scan(table));
    expect(items).toContain('gq#');
    for (const clear of ['447700', '900123', '900124', 'alice', 'bob', 'Pool1']) expect(items).not.toContain(clear);
  });
});
