import { inspect } from 'node:util';
import { isProviderError, type ProviderError, type SmsMessage } from '@cognito-sms/core/provider';
import type { ScriptedResponse } from '@cognito-sms/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import plivo, { createPlivoProvider, messageEndpoint, type PlivoProviderConfig } from '../src/index.js';
import {
  PLIVO_TEST_AUTH_ID,
  PLIVO_TEST_AUTH_TOKEN,
  type PlivoEmulator,
  plivoAllInvalid,
  plivoError,
  plivoErrors,
  startPlivoEmulator,
} from './emulator.js';

const CODE = '918273';
const message: SmsMessage = {
  to: '+447700900123',
  body: `Your verification code is ${CODE}`,
  trigger: 'CustomSMSSender_SignUp',
  userPoolId: 'eu-west-1_TestPool1',
};
const POWERPACK = 'd35f2e82-d387-427f-8594-6fa07613c43f';
const signal = () => AbortSignal.timeout(5000);

let emulator: PlivoEmulator;
const parse = (extra: Record<string, string | undefined> = {}): PlivoProviderConfig =>
  plivo.config.parse(
    Object.fromEntries(
      Object.entries({ authId: PLIVO_TEST_AUTH_ID, authToken: PLIVO_TEST_AUTH_TOKEN, from: '+14155550100', baseUrl: emulator.baseUrl, ...extra }).filter(
        ([, value]) => value !== undefined,
      ),
    ),
  );
const provider = (extra: Record<string, string | undefined> = {}) => createPlivoProvider(parse(extra));

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
  for (const secret of [CODE, message.body, '447700900123', PLIVO_TEST_AUTH_TOKEN, Buffer.from(`${PLIVO_TEST_AUTH_ID}:${PLIVO_TEST_AUTH_TOKEN}`).toString('base64')]) {
    expect(printed).not.toContain(secret);
  }
}

beforeAll(async () => {
  emulator = await startPlivoEmulator();
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
});

describe('Provider: plivo', () => {
  describe('sending', () => {
    it('posts every field as JSON to /v1/Account/{auth_id}/Message/ with Basic auth and returns the message UUID', async () => {
      // Prepare
      const sms = provider();
      // Act
      const receipt = await sms.send(message, { signal: signal() });
      // Assess
      const [request, ...more] = emulator.requests;
      expect(more).toHaveLength(0);
      expect(request?.method).toBe('POST');
      expect(request?.path).toBe(`/v1/Account/${PLIVO_TEST_AUTH_ID}/Message/`);
      expect(request?.headers.authorization).toBe(`Basic ${Buffer.from(`${PLIVO_TEST_AUTH_ID}:${PLIVO_TEST_AUTH_TOKEN}`).toString('base64')}`);
      expect(request?.headers['content-type']).toBe('application/json');
      expect(request?.headers.accept).toBe('application/json');
      expect(request?.json).toEqual({ src: '+14155550100', dst: '447700900123', text: message.body, type: 'sms' });
      expect(emulator.delivered).toEqual([expect.objectContaining({ dst: ['447700900123'], src: '+14155550100', text: message.body, type: 'sms' })]);
      expect(receipt).toEqual({ provider: 'plivo', messageId: emulator.delivered[0]?.messageUuids[0] });
    });

    it('sends non-GSM text (Cyrillic, a check mark, an emoji) as UTF-8 JSON, so it arrives intact', async () => {
      // Prepare
      const body = 'Код 123456 ✓ 🔐';
      // Act
      await provider().send({ ...message, body }, { signal: signal() });
      // Assess
      const request = emulator.requests[0];
      expect(request?.body).toContain(body);
      expect(Buffer.from(request?.body ?? '', 'utf8').includes(Buffer.from('Код 123456 ✓', 'utf8'))).toBe(true);
      expect(emulator.delivered[0]?.text).toBe(body);
    });

    it('sends powerpack_uuid and no src when PLIVO_POWERPACK_UUID is the sender', async () => {
      await provider({ from: undefined, powerpackUuid: POWERPACK }).send(message, { signal: signal() });
      expect(emulator.requests[0]?.json).toEqual({ powerpack_uuid: POWERPACK, dst: '447700900123', text: message.body, type: 'sms' });
    });

    it('uses the per-destination sender (SMS_SENDERS) as src, instead of the configured sender or Powerpack', async () => {
      await provider().send({ ...message, sender: 'Acme' }, { signal: signal() });
      await provider({ from: undefined, powerpackUuid: POWERPACK }).send({ ...message, sender: 'Acme' }, { signal: signal() });
      expect(emulator.requests.map((request) => request.json)).toEqual([
        { src: 'Acme', dst: '447700900123', text: message.body, type: 'sms' },
        { src: 'Acme', dst: '447700900123', text: message.body, type: 'sms' },
      ]);
    });

    it('asks Plivo to post the status to the message’s callback URL (url + method) when receipts are on', async () => {
      await provider().send({ ...message, statusCallbackUrl: 'https://receipts.example/plivo' }, { signal: signal() });
      expect(emulator.requests[0]?.json).toMatchObject({ url: 'https://receipts.example/plivo', method: 'POST' });
    });

    it('keeps a path prefix of the base URL (a proxy)', async () => {
      expect(messageEndpoint('https://proxy.example/plivo/', 'MA1')).toBe('https://proxy.example/plivo/v1/Account/MA1/Message/');
      expect(messageEndpoint('https://api.plivo.com', 'MA1')).toBe('https://api.plivo.com/v1/Account/MA1/Message/');
      const error = await rejection(provider({ baseUrl: `${emulator.baseUrl}/proxy` }).send(message, { signal: signal() }));
      expect(emulator.requests[0]?.path).toBe(`/proxy/v1/Account/${PLIVO_TEST_AUTH_ID}/Message/`);
      expect(error).toMatchObject({ code: 'not_found', status: 404, retryable: false });
    });

    it('reuses one TCP connection for two sends through one provider', async () => {
      // Prepare: a fresh emulator, so no pooled connection from another test counts
      const fresh = await startPlivoEmulator();
      try {
        const sms = provider({ baseUrl: fresh.baseUrl });
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
      ['400 invalid destination', plivoErrors.invalidNumber('447700900123'), { code: 'invalid_number', status: 400, retryable: false, notAccepted: true }],
      ['400 caller ID not allowed', plivoErrors.callerIdNotAllowed(), { code: 'invalid_sender', status: 400, retryable: false }],
      ['400 insufficient credit', plivoErrors.insufficientCredit(), { code: 'insufficient_credit', status: 400, retryable: false }],
      ['400 other parameter', plivoErrors.invalidParameter(), { code: 'invalid_parameter', status: 400, retryable: false }],
      ['401 authentication failed', plivoErrors.authenticationFailed(), { code: 'authentication_failed', status: 401, retryable: false }],
      ['403 geo permission', plivoErrors.geoPermission(), { code: 'geo_permission_denied', status: 403, retryable: false }],
      ['404 not found', plivoErrors.notFound(), { code: 'not_found', status: 404, retryable: false }],
      ['429 rate limited', plivoErrors.rateLimited(), { code: 'rate_limit_exceeded', status: 429, retryable: true, notAccepted: true }],
      ['500 server error', plivoErrors.serverError(), { code: 'server_error', status: 500, retryable: true, notAccepted: false }],
      ['503 (undocumented 5xx)', plivoError(503, 'unavailable'), { code: 'HTTP_503', status: 503, retryable: true, notAccepted: false }],
      ['418 (undocumented 4xx)', plivoError(418, 'teapot'), { code: 'HTTP_418', status: 418, retryable: false }],
      ['502 with an HTML body', { status: 502, body: '<html>Bad Gateway</html>' }, { code: 'HTTP_502', status: 502, retryable: true }],
      ['202 with every destination invalid', plivoAllInvalid('447700900123'), { code: 'invalid_number', status: 202, retryable: false, notAccepted: true }],
      ['202 without message_uuid', { status: 202, body: { api_id: 'x', message: 'message(s) queued' } }, { code: 'InvalidResponse', retryable: false, notAccepted: false }],
    ];

    it.each(cases)('throws a classified ProviderError when Plivo answers %s', async (_name, answer, expected) => {
      // Prepare
      emulator.enqueue(answer);
      // Act
      const error = await rejection(provider().send(message, { signal: signal() }));
      // Assess
      expect(error).toMatchObject({ provider: 'plivo', ...expected });
      expect(emulator.requests).toHaveLength(1);
      expectNoSecrets(error);
    });

    it("removes the number Plivo echoes in its error text, but keeps Plivo's words", async () => {
      emulator.enqueue(plivoErrors.invalidNumber('447700900123'));
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error.message).toContain("is not a valid phone number.");
      expect(error.message).toContain('[redacted]');
      expectNoSecrets(error);
    });

    it('throws authentication_failed when the emulator rejects a wrong Auth Token', async () => {
      const error = await rejection(provider({ authToken: 'wrong-token-0000' }).send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: 'authentication_failed', status: 401, retryable: false });
      expect(error.message).toContain('PLIVO_AUTH_TOKEN');
      expect(error.message).not.toContain('wrong-token-0000');
    });

    it("throws invalid_number when the emulator's validation rejects a destination", async () => {
      const error = await rejection(provider().send({ ...message, to: '+12' }, { signal: signal() }));
      expect(error).toMatchObject({ code: 'invalid_number', status: 400, retryable: false });
    });

    it('keeps Retry-After of a 429 as retryAfterMs', async () => {
      emulator.enqueue(plivoErrors.rateLimited(1));
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: 'rate_limit_exceeded', retryAfterMs: 1000 });
    });

    it('throws a retryable, not-accepted NetworkError when the connection is refused', async () => {
      // Prepare: a port that was just freed
      const closed = await startPlivoEmulator();
      await closed.close();
      // Act
      const error = await rejection(provider({ baseUrl: closed.baseUrl }).send(message, { signal: signal() }));
      // Assess
      expect(error).toMatchObject({ code: 'NetworkError', retryable: true, notAccepted: true });
      expect(error.message).toContain('ECONNREFUSED');
      expectNoSecrets(error);
    });

    it('throws a retryable NetworkError, not proven unsent, when the connection drops mid-request', async () => {
      emulator.enqueue({ drop: true });
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: 'NetworkError', retryable: true, notAccepted: false });
    });

    it('throws a retryable Timeout quickly when Plivo is slower than the signal', async () => {
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
  });

  describe('configuration', () => {
    const raw = { authId: PLIVO_TEST_AUTH_ID, authToken: PLIVO_TEST_AUTH_TOKEN, from: '+14155550100' };
    const issues = (input: Record<string, unknown>) => {
      const result = plivo.config.safeParse(input);
      return result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    };

    it('defaults the base URL to https://api.plivo.com', () => {
      expect(plivo.config.parse(raw).baseUrl).toBe('https://api.plivo.com');
    });

    it('rejects a missing Auth Token or Auth ID with messages that name the setting', () => {
      expect(issues({ ...raw, authToken: undefined })).toEqual([{ path: 'authToken', message: expect.any(String) }]);
      expect(issues({ ...raw, authToken: '' })).toEqual([{ path: 'authToken', message: 'is required' }]);
      expect(issues({ ...raw, authId: undefined })).toEqual([{ path: 'authId', message: expect.stringContaining('Auth ID') }]);
      expect(issues({ ...raw, authId: 'MA/../x' })).toEqual([{ path: 'authId', message: expect.stringContaining('letters and digits') }]);
    });

    it('requires exactly one sender: PLIVO_FROM or PLIVO_POWERPACK_UUID', () => {
      expect(issues({ ...raw, from: undefined })).toEqual([{ path: 'from', message: expect.stringContaining('PLIVO_POWERPACK_UUID') }]);
      expect(issues({ ...raw, powerpackUuid: POWERPACK })).toEqual([
        { path: 'powerpackUuid', message: 'set either PLIVO_FROM or PLIVO_POWERPACK_UUID, not both' },
      ]);
      expect(issues({ ...raw, from: undefined, powerpackUuid: 'not-a-uuid' })).toEqual([
        { path: 'powerpackUuid', message: expect.stringContaining('UUID') },
      ]);
      expect(issues({ ...raw, from: 'Acme Incorporated' })).toEqual([{ path: 'from', message: expect.stringContaining('alphanumeric sender ID') }]);
    });

    it('rejects a base URL that is not http(s) or carries a query string or credentials', () => {
      expect(issues({ ...raw, baseUrl: 'api.plivo.com' })).toEqual([{ path: 'baseUrl', message: expect.stringContaining('http(s) URL') }]);
      expect(issues({ ...raw, baseUrl: 'ftp://api.plivo.com' })).toEqual([{ path: 'baseUrl', message: expect.stringContaining('http(s) URL') }]);
      expect(issues({ ...raw, baseUrl: 'https://user:pw@api.plivo.com' })).toEqual([{ path: 'baseUrl', message: expect.stringContaining('credentials') }]);
    });

    it('prints the Auth Token as [redacted] in JSON and util.inspect of the parsed configuration', () => {
      const parsed = plivo.config.parse(raw);
      const printed = `${JSON.stringify(parsed)} ${inspect(parsed, { depth: 8 })} ${String(parsed.authToken)}`;
      expect(printed).not.toContain(PLIVO_TEST_AUTH_TOKEN);
      expect(printed).toContain('[redacted]');
    });
  });
});
