import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isConfigError, isRateLimitedError } from '@cognito-sms/core';
import { cognitoEvent } from '@cognito-sms/testkit';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '@cognito-sms/testkit/dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { logLines, metricValues } from './policy-support.js';
import { deliveredByConsole, useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const HASH_KEY = 'guard-test-hash-key-0123456789abcdefghij';
const TABLE = 'cognito-sms-state';
let dynamo: DynamoDbEmulator;

beforeAll(async () => {
  dynamo = await startDynamoDbEmulator();
  await dynamo.createTable(TABLE);
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
});
afterAll(async () => {
  await dynamo.close();
});

const decrypts = () => h.kms.calls.filter((call) => call.operation === 'Decrypt').length;
const signUp = async (phoneNumber: string, userName = `user-${phoneNumber}`) =>
  cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt('271828'), phoneNumber, userName });
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'sent',
    (error: unknown) => (isRateLimitedError(error) ? error.code : `unexpected ${String(error)}`),
  );

describe('Handler: fraud guard (SMS_GUARD, SMS_LIMIT_*)', () => {
  it('refuses past the limit before KMS is called, logs "SMS rate-limited" without the number and counts SmsRateLimited by limit', async () => {
    // Prepare
    const handler = await createHandler(h.env({ SMS_GUARD: 'memory', SMS_LIMIT_PER_NUMBER: '2/h' }));
    const events = await Promise.all([1, 2, 3].map(() => signUp('+447700900123')));
    const before = decrypts();
    // Act
    const results = [];
    for (const event of events) results.push(await outcome(handler(event, h.context)));
    // Assess
    expect(results).toEqual(['sent', 'sent', 'NumberLimit']);
    expect(decrypts() - before).toBe(2);
    expect(deliveredByConsole(h.output)).toHaveLength(2);
    const [line] = logLines(h.output, 'SMS rate-limited');
    expect(line).toMatchObject({ limit: 'NumberLimit', rule: '2/h', country: 'GB', trigger: 'CustomSMSSender_SignUp' });
    expect(JSON.stringify(logLines(h.output, 'SMS rate-limited'))).not.toMatch(/7700|900123/);
    expect(metricValues(h.output, 'SmsRateLimited')).toContainEqual(expect.objectContaining({ value: 1, limit: 'NumberLimit' }));
  });

  it('runs with the default limits in memory when no table is set, and warns at cold start that they hold per container', async () => {
    const handler = await createHandler(h.env());
    const events = await Promise.all(Array.from({ length: 11 }, () => signUp('+447700900777')));
    const results = [];
    for (const event of events) results.push(await outcome(handler(event, h.context)));
    expect(logLines(h.output, 'Fraud guard counts in this container only: each limit holds per container, not per function')).toHaveLength(
      1,
    );
    expect(results).toEqual([...Array(10).fill('sent'), 'NumberLimit']);
  });

  it('does not count a replayed event that duplicate suppression answers', async () => {
    const handler = await createHandler(h.env({ SMS_GUARD: 'memory', SMS_LIMIT_PER_NUMBER: '1/h', SMS_IDEMPOTENCY: 'memory' }));
    const event = await signUp('+447700900124');
    const results = [await outcome(handler(event, h.context)), await outcome(handler(structuredClone(event), h.context))];
    expect(results).toEqual(['sent', 'sent']);
    expect(logLines(h.output, 'SMS rate-limited')).toHaveLength(0);
    expect(deliveredByConsole(h.output)).toHaveLength(1);
  });

  it('skips SMS_GUARD_EXEMPT_NUMBERS', async () => {
    const handler = await createHandler(
      h.env({ SMS_GUARD: 'memory', SMS_LIMIT_PER_NUMBER: '1/d', SMS_GUARD_EXEMPT_NUMBERS: '+447700900999' }),
    );
    const events = await Promise.all([1, 2, 3].map(() => signUp('+447700900999')));
    const results = [];
    for (const event of events) results.push(await outcome(handler(event, h.context)));
    expect(results).toEqual(['sent', 'sent', 'sent']);
  });

  it('keeps its counters in SMS_GUARD_TABLE under keyed hashes: no number, user name or code in clear', async () => {
    const handler = await createHandler(
      h.env({ SMS_GUARD_TABLE: TABLE, SMS_GUARD_HASH_KEY: HASH_KEY, SMS_LIMIT_PER_COUNTRY: 'default=100/h' }),
    );
    await handler(await signUp('+447700900555', 'carol@example.com'), h.context);
    const items = JSON.stringify(await dynamo.scan(TABLE));
    expect(items).toContain('gc#GB');
    for (const clear of ['447700', '900555', 'carol', '271828']) expect(items).not.toContain(clear);
  });

  it('sends unchecked when the store is unreachable with SMS_GUARD_ON_STORE_ERROR=open, logging it and counting SmsGuardStoreError', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', 'http://127.0.0.1:9');
    try {
      const handler = await createHandler(h.env({ SMS_GUARD_TABLE: TABLE, SMS_GUARD_HASH_KEY: HASH_KEY }));
      const result = await outcome(handler(await signUp('+447700900556'), h.context));
      expect(result).toBe('sent');
      expect(logLines(h.output, 'Fraud guard store unavailable; sending unchecked (SMS_GUARD_ON_STORE_ERROR=open)')).toHaveLength(1);
      expect(metricValues(h.output, 'SmsGuardStoreError')).toContainEqual(expect.objectContaining({ value: 1 }));
    } finally {
      vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
    }
  });

  it('refuses with GuardUnavailable, and calls no KMS, when the store is unreachable with SMS_GUARD_ON_STORE_ERROR=closed', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', 'http://127.0.0.1:9');
    try {
      const handler = await createHandler(
        h.env({ SMS_GUARD_TABLE: TABLE, SMS_GUARD_HASH_KEY: HASH_KEY, SMS_GUARD_ON_STORE_ERROR: 'closed' }),
      );
      const event = await signUp('+447700900557');
      const before = decrypts();
      expect(await outcome(handler(event, h.context))).toBe('GuardUnavailable');
      expect(decrypts()).toBe(before);
      expect(deliveredByConsole(h.output)).toHaveLength(0);
    } finally {
      vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
    }
  });

  it('sends exactly 5 of 50 concurrent invocations for one number limited to 5 a day, across 4 handler processes on one table', async () => {
    // Prepare: 50 events (each its own ciphertext), split over 4 processes that share the table.
    const table = 'cognito-sms-concurrency';
    await dynamo.createTable(table);
    const events = await Promise.all(Array.from({ length: 50 }, () => signUp('+447700900321')));
    const before = decrypts();
    const env = {
      ...process.env,
      KMS_KEY_ARN: h.keyArn,
      SMS_PROVIDER: 'console',
      SMS_GUARD_TABLE: table,
      SMS_GUARD_HASH_KEY: HASH_KEY,
      SMS_LIMIT_PER_NUMBER: '5/d',
      // Only the number's limit, so every refusal must be NumberLimit: 50 attempts at once would
      // also fill the default prefix limit (20/h), which is right for a burst but not this test.
      SMS_LIMIT_PER_USER: 'off',
      SMS_LIMIT_PER_PREFIX: 'off',
      POWERTOOLS_METRICS_DISABLED: 'true',
    };
    // Act
    const runs = [0, 1, 2, 3].map(async (worker) => {
      const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/guard-worker.mjs', import.meta.url))], {
        env,
        // Their log lines (45 refusals) are not what this test reads.
        stdio: ['pipe', 'pipe', 'ignore'],
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
      });
      child.stdin.end(JSON.stringify(events.filter((_, i) => i % 4 === worker)));
      await once(child, 'exit');
      const result = stdout.split('\n').find((line) => line.startsWith('RESULT '));
      return JSON.parse(result?.slice('RESULT '.length) ?? '[]') as string[];
    });
    const outcomes = (await Promise.all(runs)).flat();
    // Assess
    expect(outcomes).toHaveLength(50);
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'NumberLimit')).toHaveLength(45);
    expect(decrypts() - before).toBe(5);
  });
});

describe('Handler: fraud guard configuration', () => {
  const configError = async (env: Record<string, string>) => {
    const error = await createHandler(h.env(env)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConfigError(error)).toBe(true);
    return (error as { message: string }).message;
  };

  it('names every bad guard variable at cold start', async () => {
    const message = await configError({
      SMS_GUARD: 'redis',
      SMS_LIMIT_PER_NUMBER: '5/week',
      SMS_LIMIT_PER_COUNTRY: 'default=50/h;USA=5/h',
      SMS_BUDGET: '20/h',
      SMS_PRICES: 'US=0.01',
      SMS_SURGE_FACTOR: '0.5',
      SMS_GUARD_ON_STORE_ERROR: 'maybe',
      SMS_GUARD_EXEMPT_NUMBERS: '5550006',
      SMS_PREFIX_DIGITS: '20',
    });
    for (const text of [
      'SMS_GUARD: must be dynamodb, memory or off',
      'SMS_LIMIT_PER_NUMBER: "week" is not a window',
      'SMS_LIMIT_PER_COUNTRY: "USA" is not an ISO 3166 country code',
      'SMS_PRICES: needs a default price with SMS_BUDGET',
      'SMS_SURGE_FACTOR: must be a number above 1',
      'SMS_GUARD_ON_STORE_ERROR: must be open',
      'SMS_GUARD_EXEMPT_NUMBERS: each entry must be an E.164 number',
      'SMS_PREFIX_DIGITS: must be a whole number from 2 to 14',
    ]) {
      expect(message).toContain(text);
    }
  });

  it('reads the guard section of SMS_CONFIG_FILE, the variables winning entry by entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cognito-sms-guard-'));
    const file = join(dir, 'sms.json');
    writeFileSync(
      file,
      JSON.stringify({ guard: { countryLimits: { default: '1/h', DE: '1/h' }, prices: { default: 0.05 }, homeCountries: ['US'] } }),
    );
    const handler = await createHandler(h.env({ SMS_GUARD: 'memory', SMS_CONFIG_FILE: file, SMS_LIMIT_PER_COUNTRY: 'DE=2/h' }));
    const results = [];
    for (const to of ['+447700900201', '+447700900202', '+4915112345601', '+4915112345602', '+4915112345603']) {
      results.push(await outcome(handler(await signUp(to), h.context)));
    }
    // GB keeps the file's default (1/h); DE takes the variable's 2/h over the file's 1/h.
    expect(results).toEqual(['sent', 'CountryLimit', 'sent', 'sent', 'CountryLimit']);
    expect(await configError({ SMS_CONFIG_FILE: file, SMS_BUDGET: '1/h', SMS_PRICES: 'US=x' })).toContain('SMS_PRICES: "x" is not a price');
  });

  it('requires a hash key of 32 characters or more with the DynamoDB store', async () => {
    expect(await configError({ SMS_GUARD_TABLE: TABLE })).toContain('SMS_GUARD_HASH_KEY: is required with the DynamoDB guard');
    expect(await configError({ SMS_GUARD_TABLE: TABLE, SMS_GUARD_HASH_KEY: 'short' })).toContain(
      'SMS_GUARD_HASH_KEY: must be 32 characters or more',
    );
    expect(await configError({ SMS_GUARD: 'dynamodb' })).toContain('SMS_GUARD_TABLE: is required with SMS_GUARD=dynamodb');
  });
});
