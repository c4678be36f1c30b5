import { inspect } from 'node:util';
import { isProviderError, type ProviderError, type SmsMessage } from '@cognito-sms/core/provider';
import type { ScriptedResponse } from '@cognito-sms/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import telnyx, { createTelnyxProvider, TELNYX_ERROR_CODES, type TelnyxProviderConfig } from '../src/index.js';
import { startTelnyxEmulator, TELNYX_TEST_API_KEY, type TelnyxEmulator, telnyxError } from './emulator.js';

const CODE = '918273';
const message: SmsMessage = {
  to: '+447700900123',
  body: `Your verification code is ${CODE}`,
  trigger: 'CustomSMSSender_SignUp',
  userPoolId: 'eu-west-1_TestPool1',
};
const PROFILE = '4000eba1-a0c0-4563-9925-b25e842a7cb6';
const signal = () => AbortSignal.timeout(5000);

let emulator: TelnyxEmulator;
const parse = (extra: Record<string, string | undefined> = {}): TelnyxProviderConfig =>
  telnyx.config.parse(
    Object.fromEntries(
      Object.entries({ apiKey: TELNYX_TEST_API_KEY, from: '+14155550100', baseUrl: `${emulator.baseUrl}/v2`, ...extra }).filter(
        ([, value]) => value !== undefined,
      ),
    ),
  );
const provider = (extra: Record<string, string | undefined> = {}) => createTelnyxProvider(parse(extra));

/** The error `promise` rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const outcome = await promise.then(
    () => new Error('expected the send to be rejected'),
    (error: unknown) => error,
  );
  expect(isProviderError(outcome), inspect(outcome)).toBe(true);
  return outcome as ProviderError;
}

/** Nothing secret in what an error prints: message, stack, JSON, inspect. */
function expectNoSecrets(error: ProviderError) {
  const printed = `${error.message}\n${error.stack ?? ''}\n${JSON.stringify(error)}\n${inspect(error, { depth: 8 })}`;
  for (const secret of [CODE, message.body, '447700900123', TELNYX_TEST_API_KEY]) expect(printed).not.toContain(secret);
}

beforeAll(async () => {
  emulator = await startTelnyxEmulator();
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('Provider: telnyx', () => {
  describe('sending', () => {
    it('posts every field as JSON to /v2/messages with the Bearer key and returns data.id and data.parts', async () => {
      // Prepare
      const sms = provider();
      // Act
      const receipt = await sms.send(message, { signal: signal() });
      // Assess
      const [request, ...more] = emulator.requests;
      expect(more).toHaveLength(0);
      expect(request?.method).toBe('POST');
      expect(request?.path).toBe('/v2/messages');
      expect(request?.headers.authorization).toBe(`Bearer ${TELNYX_TEST_API_KEY}`);
      expect(request?.headers['content-type']).toBe('application/json');
      expect(request?.headers.accept).toBe('application/json');
      expect(request?.headers['x-stainless-retry-count']).toBe('0');
      expect(request?.json).toEqual({ from: '+14155550100', to: '+447700900123', text: message.body, type: 'SMS' });
      expect(emulator.delivered).toEqual([expect.objectContaining({ to: '+447700900123', from: '+14155550100', text: message.body, parts: 1 })]);
      expect(receipt).toEqual({ provider: 'telnyx', messageId: emulator.delivered[0]?.id, segments: 1 });
    });

    it('sends non-GSM text (Cyrillic, a check mark, an emoji) as UTF-8 JSON, so it arrives intact', async () => {
      // Prepare
      const body = 'Код 123456 ✓ 🔐';
      // Act
      const receipt = await provider().send({ ...message, body }, { signal: signal() });
      // Assess
      const request = emulator.requests[0];
      expect(request?.body).toContain(body);
      expect(Buffer.from(request?.body ?? '', 'utf8').includes(Buffer.from('Код 123456 ✓', 'utf8'))).toBe(true);
      expect(emulator.delivered[0]).toMatchObject({ text: body, encoding: 'UCS-2' });
      expect(receipt.segments).toBe(1);
    });

    it('returns the parts Telnyx counts as segments for a long text', async () => {
      const receipt = await provider().send({ ...message, body: `Your code is ${CODE}. ${'x'.repeat(300)}` }, { signal: signal() });
      expect(receipt.segments).toBe(3);
    });

    it('sends messaging_profile_id alone (number pool), and with an alphanumeric sender', async () => {
      await provider({ from: undefined, messagingProfileId: PROFILE }).send(message, { signal: signal() });
      await provider({ from: 'Acme', messagingProfileId: PROFILE }).send(message, { signal: signal() });
      expect(emulator.requests.map((request) => request.json)).toEqual([
        { messaging_profile_id: PROFILE, to: '+447700900123', text: message.body, type: 'SMS' },
        { from: 'Acme', messaging_profile_id: PROFILE, to: '+447700900123', text: message.body, type: 'SMS' },
      ]);
    });

    it('uses the per-destination sender (SMS_SENDERS) as from, keeping the messaging profile', async () => {
      await provider({ messagingProfileId: PROFILE }).send({ ...message, sender: 'AcmeUK' }, { signal: signal() });
      expect(emulator.requests[0]?.json).toEqual({ from: 'AcmeUK', messaging_profile_id: PROFILE, to: '+447700900123', text: message.body, type: 'SMS' });
    });

    it('asks Telnyx to post the status to the message’s callback URL (webhook_url) when receipts are on', async () => {
      await provider({ messagingProfileId: PROFILE }).send({ ...message, statusCallbackUrl: 'https://receipts.example/telnyx' }, { signal: signal() });
      expect(emulator.requests[0]?.json).toMatchObject({ webhook_url: 'https://receipts.example/telnyx' });
    });

    it('appends /messages to a base URL with a path (a proxy), and drops a trailing slash', async () => {
      const error = await rejection(provider({ baseUrl: `${emulator.baseUrl}/proxy/v2/` }).send(message, { signal: signal() }));
      expect(emulator.requests[0]?.path).toBe('/proxy/v2/messages');
      expect(error).toMatchObject({ code: '10005', status: 404, retryable: false });
      expect(error.message).toContain('TELNYX_BASE_URL');
    });

    it('ignores TELNYX_LOG, TELNYX_CLIENT_ID/SECRET and TELNYX_BASE_URL in the environment: only its configuration counts', async () => {
      // Prepare: variables the SDK would read on its own
      vi.stubEnv('TELNYX_LOG', 'debug');
      vi.stubEnv('TELNYX_CLIENT_ID', 'client-id');
      vi.stubEnv('TELNYX_CLIENT_SECRET', 'client-secret');
      vi.stubEnv('TELNYX_BASE_URL', 'http://127.0.0.1:9/v2');
      const writes = vi.spyOn(console, 'debug');
      // Act
      await provider().send(message, { signal: signal() });
      // Assess: one request, to the configured URL, with the API key (no OAuth token request)
      expect(emulator.requests.map((request) => request.path)).toEqual(['/v2/messages']);
      expect(emulator.requests[0]?.headers.authorization).toBe(`Bearer ${TELNYX_TEST_API_KEY}`);
      expect(writes).not.toHaveBeenCalled();
      writes.mockRestore();
    });

    it('reuses one TCP connection for two sends through one provider', async () => {
      // Prepare: a fresh emulator, so no pooled connection from another test counts
      const fresh = await startTelnyxEmulator();
      try {
        const sms = provider({ baseUrl: `${fresh.baseUrl}/v2` });
        // Act
        await sms.send(message, { signal: signal() });
        await sms.send(message, { signal: signal() });
        // Assess
        expect(fresh.requests.map((request) => request.connectionId)).toEqual([1, 1]);
        expect(fresh.connections()).toBe(1);
      } finally {
        await fresh.close();
      }
    });
  });

  describe('errors', () => {
    const cases: [string, ScriptedResponse, Partial<ProviderError>][] = [
      ['10009 Authentication failed (401)', telnyxError('10009'), { code: '10009', status: 401, retryable: false, notAccepted: true }],
      ['10010 Authorization failed (403)', telnyxError('10010'), { code: '10010', status: 403, retryable: false }],
      ['10002 Invalid phone number', telnyxError('10002', { pointer: '/to' }), { code: '10002', status: 400, retryable: false }],
      ['10016 not +E.164', telnyxError('10016', { pointer: '/to' }), { code: '10016', status: 400, retryable: false }],
      ["40310 Invalid 'to' address", telnyxError('40310', { pointer: '/to' }), { code: '40310', status: 400, retryable: false, notAccepted: true }],
      ['40300 Blocked due to STOP message (opted out)', telnyxError('40300'), { code: '40300', status: 400, retryable: false }],
      ['40300 answered as HTTP 403', telnyxError('40300', { status: 403 }), { code: '40300', status: 403, retryable: false }],
      ['40309 destination region not whitelisted', telnyxError('40309'), { code: '40309', status: 400, retryable: false }],
      ["40305 Invalid 'from' address", telnyxError('40305', { pointer: '/from' }), { code: '40305', status: 400, retryable: false }],
      ['20100 Insufficient funds', telnyxError('20100'), { code: '20100', status: 403, retryable: false }],
      ['10011 Too many requests (429)', telnyxError('10011'), { code: '10011', status: 429, retryable: true, notAccepted: true }],
      ['40318 Message queue full', telnyxError('40318'), { code: '40318', status: 400, retryable: true, notAccepted: true }],
      ['10007 Unexpected error (500)', telnyxError('10007'), { code: '10007', status: 500, retryable: true, notAccepted: false }],
      ['an unknown code with 503', telnyxError('99999', { status: 503, title: 'Service unavailable' }), { code: '99999', status: 503, retryable: true }],
      ['an unknown code with 422', telnyxError('99998', { status: 422, title: 'Something new' }), { code: '99998', status: 422, retryable: false }],
      ['502 with an HTML body', { status: 502, body: '<html>Bad Gateway</html>' }, { code: 'HTTP_502', status: 502, retryable: true, notAccepted: false }],
      ['200 without data.id', { status: 200, body: { data: { record_type: 'message' } } }, { code: 'InvalidResponse', retryable: false, notAccepted: false }],
      ['200 with a body that is not JSON', { status: 200, body: 'not json', headers: { 'content-type': 'application/json' } }, { code: 'InvalidResponse', retryable: false }],
    ];

    it.each(cases)('throws a classified ProviderError when Telnyx answers %s', async (_name, answer, expected) => {
      // Prepare
      emulator.enqueue(answer);
      // Act
      const error = await rejection(provider().send(message, { signal: signal() }));
      // Assess
      expect(error).toMatchObject({ provider: 'telnyx', ...expected });
      expect(emulator.requests).toHaveLength(1);
      expectNoSecrets(error);
    });

    it("names Telnyx's title and the offending field, but never the detail, which may echo the number", async () => {
      emulator.enqueue(telnyxError('40310', { pointer: '/to', detail: '+447700900123 is not a valid number' }));
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error.message).toBe("telnyx: the Messaging API answered HTTP 400, error 40310 (Invalid 'to' address) at /to");
      expectNoSecrets(error);
    });

    it('scrubs the number from the title of a code it does not know', async () => {
      emulator.enqueue(telnyxError('49999', { title: 'Cannot send to +447700900123 now' }));
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error.message).toContain('Cannot send to [redacted] now');
      expectNoSecrets(error);
    });

    it('throws 10009 when the emulator rejects a wrong API key, and says which variable to check', async () => {
      const error = await rejection(provider({ apiKey: 'KEY-wrong-000000' }).send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: '10009', status: 401, retryable: false });
      expect(error.message).toContain('TELNYX_API_KEY');
      expect(error.message).not.toContain('KEY-wrong-000000');
    });

    it("throws 40310 when the emulator's validation rejects a destination", async () => {
      const error = await rejection(provider().send({ ...message, to: '447700900123' }, { signal: signal() }));
      expect(error).toMatchObject({ code: '40310', status: 400, retryable: false });
    });

    it('keeps Retry-After of a 429 as retryAfterMs, and does not retry on its own', async () => {
      emulator.enqueue(telnyxError('10011', { headers: { 'retry-after': '2' } }));
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: '10011', retryAfterMs: 2000 });
      expect(emulator.requests).toHaveLength(1);
    });

    it('does not retry a 500 on its own either (the SDK would, twice, by default)', async () => {
      emulator.enqueue(telnyxError('10007'), telnyxError('10007'));
      await rejection(provider().send(message, { signal: signal() }));
      expect(emulator.requests).toHaveLength(1);
    });

    it('throws a retryable, not-accepted NetworkError when the connection is refused', async () => {
      // Prepare: a port that was just freed
      const closed = await startTelnyxEmulator();
      await closed.close();
      // Act
      const error = await rejection(provider({ baseUrl: `${closed.baseUrl}/v2` }).send(message, { signal: signal() }));
      // Assess
      expect(error).toMatchObject({ code: 'NetworkError', retryable: true, notAccepted: true });
      expect(error.message).toContain('ECONNREFUSED');
      expectNoSecrets(error);
    });

    it('throws a retryable NetworkError, not proven unsent, when the connection drops mid-request', async () => {
      emulator.enqueue({ drop: true });
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: 'NetworkError', retryable: true, notAccepted: false });
      expect(emulator.requests).toHaveLength(1);
    });

    it('throws a retryable Timeout quickly when Telnyx is slower than the signal', async () => {
      // Prepare
      emulator.enqueue({ delayMs: 2000 });
      const started = performance.now();
      // Act
      const error = await rejection(provider().send(message, { signal: AbortSignal.timeout(100) }));
      // Assess
      expect(performance.now() - started).toBeLessThan(1000);
      expect(error).toMatchObject({ code: 'Timeout', retryable: true, notAccepted: false });
      expectNoSecrets(error);
    });

    it('throws a not-accepted Timeout, sending nothing, when the signal is already aborted', async () => {
      const error = await rejection(provider().send(message, { signal: AbortSignal.abort() }));
      expect(error).toMatchObject({ code: 'Timeout', retryable: true, notAccepted: true });
      expect(emulator.requests).toHaveLength(0);
    });

    it('classifies every code it lists as retryable only for throttling, time-outs, internal errors and a full queue', () => {
      const retryable = Object.entries(TELNYX_ERROR_CODES)
        .filter(([, known]) => known.retryable)
        .map(([code]) => code);
      expect(retryable).toEqual(['10007', '10008', '10011', '40006', '40011', '40318']);
    });
  });

  describe('configuration', () => {
    const raw = { apiKey: TELNYX_TEST_API_KEY, from: '+14155550100' };
    const issues = (input: Record<string, unknown>) => {
      const result = telnyx.config.safeParse(input);
      return result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    };

    it('defaults the base URL to https://api.telnyx.com/v2, the SDK default', () => {
      expect(telnyx.config.parse(raw).baseUrl).toBe('https://api.telnyx.com/v2');
    });

    it('rejects a missing API key with a message that names the setting', () => {
      expect(issues({ ...raw, apiKey: undefined })).toEqual([{ path: 'apiKey', message: expect.any(String) }]);
      expect(issues({ ...raw, apiKey: '' })).toEqual([{ path: 'apiKey', message: 'is required' }]);
    });

    it('requires TELNYX_FROM or TELNYX_MESSAGING_PROFILE_ID, and the profile with an alphanumeric sender', () => {
      expect(issues({ apiKey: TELNYX_TEST_API_KEY })).toEqual([{ path: 'from', message: expect.stringContaining('TELNYX_MESSAGING_PROFILE_ID') }]);
      expect(issues({ ...raw, from: 'Acme' })).toEqual([
        { path: 'messagingProfileId', message: 'is required with an alphanumeric sender ID in TELNYX_FROM' },
      ]);
      expect(issues({ ...raw, from: 'Acme', messagingProfileId: PROFILE })).toEqual([]);
      expect(issues({ ...raw, from: '447700900123' })).toEqual([{ path: 'from', message: expect.stringContaining('+E.164') }]);
      expect(issues({ ...raw, from: 'Acme Incorporated' })).toEqual([{ path: 'from', message: expect.stringContaining('alphanumeric sender ID') }]);
      expect(issues({ ...raw, messagingProfileId: 'profile-1' })).toEqual([{ path: 'messagingProfileId', message: expect.stringContaining('UUID') }]);
    });

    it('rejects a base URL that is not http(s) or carries a query string or credentials', () => {
      expect(issues({ ...raw, baseUrl: 'api.telnyx.com/v2' })).toEqual([{ path: 'baseUrl', message: expect.stringContaining('http(s) URL') }]);
      expect(issues({ ...raw, baseUrl: 'https://api.telnyx.com/v2?x=1' })).toEqual([{ path: 'baseUrl', message: expect.stringContaining('query') }]);
    });

    it('prints the API key as [redacted] in JSON and util.inspect of the parsed configuration', () => {
      const parsed = telnyx.config.parse(raw);
      const printed = `${JSON.stringify(parsed)} ${inspect(parsed, { depth: 8 })} ${String(parsed.apiKey)}`;
      expect(printed).not.toContain(TELNYX_TEST_API_KEY);
      expect(printed).toContain('[redacted]');
    });
  });
});
