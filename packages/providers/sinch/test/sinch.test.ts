import { inspect } from 'node:util';
import { isProviderError, type ProviderError, Secret, type SmsMessage } from '@cognito-sms/core/provider';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import sinch, { createSinchProvider, SINCH_ERROR_CODES, type SinchConfig, sinchRegionUrl } from '../src/index.js';
import {
  SINCH_TEST_API_TOKEN,
  SINCH_TEST_SERVICE_PLAN_ID,
  type SinchEmulator,
  sinchError,
  sinchHttpError,
  startSinchEmulator,
} from './emulator.js';

const CODE = '918273';
const message: SmsMessage = {
  to: '+447700900123',
  body: `Код ${CODE} ✓`,
  trigger: 'CustomSMSSender_SignUp',
  userPoolId: 'eu-west-1_Sinch1',
};
const signal = () => AbortSignal.timeout(5000);

let emulator: SinchEmulator;
const provider = (overrides: Partial<Omit<SinchConfig, 'apiToken'>> & { apiToken?: string } = {}) => {
  const { apiToken, ...rest } = overrides;
  return createSinchProvider({
    servicePlanId: SINCH_TEST_SERVICE_PLAN_ID,
    apiToken: new Secret(apiToken ?? SINCH_TEST_API_TOKEN),
    from: '+12025550134',
    region: 'us',
    baseUrl: emulator.baseUrl,
    ...rest,
  });
};
const rejection = async (promise: Promise<unknown>): Promise<ProviderError> => {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(isProviderError(outcome), `expected a ProviderError, got ${inspect(outcome)}`).toBe(true);
  return outcome as ProviderError;
};

beforeAll(async () => {
  emulator = await startSinchEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());
afterEach(() => {
  vi.restoreAllMocks();
});

describe('Provider: sinch', () => {
  describe('sending', () => {
    it('posts one mt_text batch with the Bearer token, every field, and a non-GSM body intact', async () => {
      // Prepare
      const sms = provider();
      // Act
      const receipt = await sms.send(message, { signal: signal() });
      // Assess
      const [request, ...more] = emulator.requests;
      expect(more).toHaveLength(0);
      expect(request?.method).toBe('POST');
      expect(request?.path).toBe(`/xms/v1/${SINCH_TEST_SERVICE_PLAN_ID}/batches`);
      expect(request?.headers.authorization).toBe(`Bearer ${SINCH_TEST_API_TOKEN}`);
      expect(request?.headers['content-type']).toBe('application/json');
      expect(request?.headers.accept).toBe('application/json');
      expect(request?.json).toEqual({ to: ['+447700900123'], body: 'Код 918273 ✓', type: 'mt_text', from: '+12025550134' });
      expect(request?.body).toContain('"body":"Код 918273 ✓"'); // UTF-8 on the wire, not \u escapes
      expect(receipt).toEqual({ provider: 'sinch', messageId: emulator.delivered[0]?.batchId });
      expect(emulator.delivered[0]).toMatchObject({ to: ['447700900123'], body: 'Код 918273 ✓', from: '+12025550134' });
    });

    it('leaves `from` out when SINCH_FROM is not set (Sinch picks its default originator)', async () => {
      await provider({ from: undefined }).send(message, { signal: signal() });
      expect(emulator.requests[0]?.json).toEqual({ to: ['+447700900123'], body: message.body, type: 'mt_text' });
    });

    it('uses the message’s sender (SMS_SENDERS) instead of SINCH_FROM', async () => {
      await provider().send({ ...message, sender: 'AcmeUK' }, { signal: signal() });
      expect(emulator.requests[0]?.json).toMatchObject({ from: 'AcmeUK' });
    });

    it('asks Sinch for a per-recipient delivery report to the message’s callback URL when receipts are on', async () => {
      await provider().send({ ...message, statusCallbackUrl: 'https://receipts.example/sinch' }, { signal: signal() });
      expect(emulator.requests[0]?.json).toMatchObject({ delivery_report: 'per_recipient', callback_url: 'https://receipts.example/sinch' });
    });

    it('sends to https://{region}.sms.api.sinch.com when no base URL is set', async () => {
      // Prepare: capture the request instead of reaching Sinch
      const fetchSpy = vi
        .spyOn(globalThis, 'fetch')
        .mockResolvedValue(new Response(JSON.stringify({ id: '01FC66621XXXXX119Z8PMV1QPQ' }), { status: 201 }));
      // Act
      const receipt = await provider({ region: 'eu', baseUrl: undefined }).send(message, { signal: signal() });
      // Assess
      expect(fetchSpy).toHaveBeenCalledTimes(1);
      expect(fetchSpy.mock.calls[0]?.[0]).toBe(`https://eu.sms.api.sinch.com/xms/v1/${SINCH_TEST_SERVICE_PLAN_ID}/batches`);
      expect(receipt.messageId).toBe('01FC66621XXXXX119Z8PMV1QPQ');
      expect(sinchRegionUrl('au')).toBe('https://au.sms.api.sinch.com');
    });

    it('keeps a path prefix of the base URL (a proxy)', async () => {
      const error = await rejection(provider({ baseUrl: `${emulator.baseUrl}/proxy/sinch` }).send(message, { signal: signal() }));
      expect(emulator.requests[0]?.path).toBe(`/proxy/sinch/xms/v1/${SINCH_TEST_SERVICE_PLAN_ID}/batches`);
      expect(error).toMatchObject({ code: 'HTTP_404', status: 404, retryable: false });
    });

    it('reuses one TCP connection for two sends through one provider', async () => {
      // Prepare: a fresh emulator, so no pooled connection from another test counts
      const fresh = await startSinchEmulator();
      const sms = provider({ baseUrl: fresh.baseUrl });
      try {
        // Act
        await sms.send(message, { signal: signal() });
        await sms.send(message, { signal: signal() });
        // Assess
        const [first, second] = fresh.requests;
        expect(fresh.connections()).toBe(1);
        expect(second?.connectionId).toBe(first?.connectionId);
      } finally {
        await fresh.close();
      }
    });
  });

  describe('errors', () => {
    it.each(Object.entries(SINCH_ERROR_CODES))('throws a permanent error when Sinch answers %s', async (code, known) => {
      // Prepare
      emulator.enqueue(sinchError(known.status, code, `${code} happened`));
      // Act
      const error = await rejection(provider().send(message, { signal: signal() }));
      // Assess
      expect(error).toMatchObject({ provider: 'sinch', code, status: known.status, retryable: false, notAccepted: false });
      expect(error.message).toContain(known.meaning);
      expect(error.message).toContain(`${code} happened`);
    });

    it.each([
      [401, 'HTTP_401', false],
      [404, 'HTTP_404', false],
      [405, 'HTTP_405', false],
      [415, 'HTTP_415', false],
      [418, 'HTTP_418', false],
      [500, 'HTTP_500', true],
      [502, 'HTTP_502', true],
      [503, 'HTTP_503', true],
    ])('classifies HTTP %i without a body as %s, retryable=%s', async (status, code, isRetryable) => {
      emulator.enqueue(sinchHttpError(status));
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error).toMatchObject({ code, status, retryable: isRetryable });
    });

    it('throws a retryable, not-accepted error with Retry-After on 429', async () => {
      emulator.enqueue(sinchHttpError(429, { 'retry-after': '2' }));
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: 'HTTP_429', status: 429, retryable: true, notAccepted: true, retryAfterMs: 2000 });
    });

    it('marks 500 and 503 not-accepted (the reference: "the request was not processed"), but not 502', async () => {
      const errors: ProviderError[] = [];
      for (const status of [500, 503, 502]) {
        emulator.enqueue(sinchHttpError(status));
        errors.push(await rejection(provider().send(message, { signal: signal() })));
      }
      expect(errors.map((e) => e.notAccepted)).toEqual([true, true, false]);
    });

    it('throws a permanent HTTP_401 when the emulator rejects the API token', async () => {
      const error = await rejection(provider({ apiToken: 'wrong-token-0000' }).send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: 'HTTP_401', status: 401, retryable: false });
      expect(error.message).toContain('API token is invalid');
      expect(emulator.delivered).toHaveLength(0);
    });

    it('throws a permanent HTTP_401 when the service plan id is not the token’s', async () => {
      const error = await rejection(provider({ servicePlanId: 'otherplan0001' }).send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: 'HTTP_401', retryable: false });
    });

    it('throws syntax_invalid_parameter_format when the emulator rejects the number', async () => {
      const error = await rejection(provider().send({ ...message, to: '+12' }, { signal: signal() }));
      expect(error).toMatchObject({ code: 'syntax_invalid_parameter_format', status: 400, retryable: false });
    });

    it('reads the gateway error shape { error: { code, message, status } }', async () => {
      emulator.enqueue({ status: 401, body: { error: { code: 401, message: 'Unauthorized', status: 'UNAUTHENTICATED' } } });
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401, retryable: false });
    });

    it('classifies a documented code by the code even under an unexpected status', async () => {
      emulator.enqueue(sinchError(500, 'syntax_constraint_violation'));
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: 'syntax_constraint_violation', retryable: false });
    });

    it.each([
      ['no id', { canceled: false }],
      ['an empty id', { id: '' }],
      ['not JSON', 'created'],
    ])('throws a permanent InvalidResponse when a 201 has %s', async (_what, body) => {
      emulator.enqueue({ status: 201, body });
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: 'InvalidResponse', status: 201, retryable: false, notAccepted: false });
    });

    it('throws a retryable, not-accepted NetworkError when the connection is refused', async () => {
      // Prepare: a port that was listening and is closed now
      const gone = await startSinchEmulator();
      const baseUrl = gone.baseUrl;
      await gone.close();
      // Act
      const error = await rejection(provider({ baseUrl }).send(message, { signal: signal() }));
      // Assess
      expect(error).toMatchObject({ code: 'NetworkError', retryable: true, notAccepted: true });
      expect(error.message).toContain('ECONNREFUSED');
    });

    it('throws a retryable NetworkError, not marked not-accepted, when the connection drops mid-request', async () => {
      emulator.enqueue({ drop: true });
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: 'NetworkError', retryable: true, notAccepted: false });
    });

    it('throws a retryable Timeout promptly when Sinch is slower than the signal', async () => {
      // Prepare
      emulator.enqueue({ delayMs: 2000, status: 201, body: { id: 'late' } });
      const started = performance.now();
      // Act
      const error = await rejection(provider().send(message, { signal: AbortSignal.timeout(100) }));
      // Assess
      expect(performance.now() - started).toBeLessThan(1000);
      expect(error).toMatchObject({ code: 'Timeout', retryable: true, notAccepted: false });
    });

    it('throws a not-accepted Timeout without calling Sinch when the signal is already aborted', async () => {
      const error = await rejection(provider().send(message, { signal: AbortSignal.abort() }));
      expect(error).toMatchObject({ code: 'Timeout', retryable: true, notAccepted: true });
      expect(emulator.requests).toHaveLength(0);
    });
  });

  describe('configuration', () => {
    const raw = { servicePlanId: SINCH_TEST_SERVICE_PLAN_ID, apiToken: SINCH_TEST_API_TOKEN };

    it('defaults the region to us, leaves from and the base URL unset, and strips a trailing slash', () => {
      const config = sinch.config.parse(raw);
      expect(config).toMatchObject({ servicePlanId: SINCH_TEST_SERVICE_PLAN_ID, region: 'us' });
      expect(config.from).toBeUndefined();
      expect(config.baseUrl).toBeUndefined();
      expect(sinch.config.parse({ ...raw, baseUrl: 'https://proxy.example.com/sinch/' }).baseUrl).toBe('https://proxy.example.com/sinch');
      expect(sinch.config.parse({ ...raw, region: 'ca' }).region).toBe('ca');
    });

    it('throws naming the service plan id and the API token when they are missing', () => {
      const result = sinch.config.safeParse({});
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path[0])).toEqual(expect.arrayContaining(['servicePlanId', 'apiToken']));
      const empty = sinch.config.safeParse({ servicePlanId: '', apiToken: '' });
      expect(empty.error?.issues.map((issue) => issue.message)).toEqual([
        'is required: the service plan id from the Sinch dashboard (SMS → APIs)',
        'is required',
      ]);
    });

    it.each([
      ['baseUrl', 'not a url', /http\(s\) URL/],
      ['baseUrl', 'ftp://eu.sms.api.sinch.com', /http\(s\) URL/],
      ['baseUrl', 'https://eu.sms.api.sinch.com/?x=1', /query string/],
      ['baseUrl', 'https://user:pw@eu.sms.api.sinch.com', /credentials/],
      ['region', 'asia', /us, eu, au, br, ca/],
      ['servicePlanId', 'plan/../../other', /letters and digits/],
      ['from', '   ', /must not be blank/],
    ])('throws a readable message when %s is %j', (key, value, expected) => {
      const result = sinch.config.safeParse({ ...raw, [key]: value });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual([key]);
      expect(result.error?.issues[0]?.message).toMatch(expected);
    });

    it('builds a working provider through the definition', async () => {
      const sms = await sinch.create(sinch.config.parse({ ...raw, baseUrl: emulator.baseUrl }), {
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      });
      expect(sms.id).toBe('sinch');
      await expect(sms.send(message, { signal: signal() })).resolves.toMatchObject({ provider: 'sinch' });
    });
  });

  describe('secrets', () => {
    it('prints no API token in JSON or util.inspect of the parsed configuration or the provider', () => {
      const config = sinch.config.parse({ servicePlanId: SINCH_TEST_SERVICE_PLAN_ID, apiToken: SINCH_TEST_API_TOKEN });
      for (const printed of [JSON.stringify(config), inspect(config, { depth: 5 }), String(config.apiToken), inspect(provider(), { depth: 5 })]) {
        expect(printed).not.toContain(SINCH_TEST_API_TOKEN);
      }
    });

    it('puts neither the text, the code, the number nor the token in any error message', async () => {
      // Prepare: a `text` that echoes the request, and every other kind of failure
      emulator.enqueue(
        sinchError(400, 'syntax_invalid_parameter_format', `Invalid to +447700900123 / 447700900123 for "${message.body}" (${SINCH_TEST_API_TOKEN})`),
        sinchHttpError(401),
        sinchHttpError(429),
        { drop: true },
        { delayMs: 1000, ...sinchHttpError(500) },
      );
      const sms = provider();
      const errors: ProviderError[] = [];
      // Act
      for (let i = 0; i < 4; i++) errors.push(await rejection(sms.send(message, { signal: signal() })));
      errors.push(await rejection(sms.send(message, { signal: AbortSignal.timeout(50) })));
      // Assess
      expect(errors.map((e) => e.code)).toEqual(['syntax_invalid_parameter_format', 'HTTP_401', 'HTTP_429', 'NetworkError', 'Timeout']);
      for (const error of errors) {
        const printed = [error.message, error.stack ?? '', JSON.stringify(error), inspect(error, { depth: 5 })].join('\n');
        for (const secret of [CODE, message.body, '447700900123', SINCH_TEST_API_TOKEN]) expect(printed).not.toContain(secret);
      }
      expect(errors[0]?.message).toContain('Invalid to [redacted]');
    });
  });
});
