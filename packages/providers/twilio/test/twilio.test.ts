import { inspect } from 'node:util';
import { isProviderError, type Logger, maskPhoneNumber, type ProviderError, type SmsMessage } from '@cognito-sms/core/provider';
import { startTwilioEmulator, type TwilioEmulator, type TwilioErrorCode, twilioError } from '@cognito-sms/testkit/emulators/twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTwilioProvider, twilioConfigSchema } from '../src/index.js';

const TO = '+447700900123';
const CODE = '918273';
const FROM = '+15005550006';
const SERVICE_SID = 'MG00112233445566778899aabbccddeeff';
const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

const sms = (overrides: Partial<SmsMessage> = {}): SmsMessage => ({
  to: TO,
  body: `Your verification code is ${CODE}`,
  trigger: 'CustomSMSSender_SignUp',
  userPoolId: 'eu-west-1_TestPool1',
  ...overrides,
});

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let emulator: TwilioEmulator;

/** A provider configured the way the handler does it: raw strings through the schema. */
const provider = (env: Record<string, string | undefined> = {}) =>
  createTwilioProvider(
    twilioConfigSchema.parse({
      accountSid: emulator.accountSid,
      authToken: emulator.authToken,
      from: FROM,
      baseUrl: emulator.baseUrl,
      ...env,
    }),
    { logger: silent },
  );

/** Sends and returns what it threw, failing the test when it does not throw a ProviderError. */
async function sendExpectingError(send: Promise<unknown>): Promise<ProviderError> {
  const error = await send.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!isProviderError(error)) throw new Error(`expected a ProviderError, got ${inspect(error)}`);
  return error;
}

describe('Provider: twilio', () => {
  beforeAll(async () => {
    emulator = await startTwilioEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset();
  });

  describe('sending', () => {
    it('posts one form to Messages.json with Basic auth and returns the sid and segments', async () => {
      // Act
      const receipt = await provider().send(sms(), { signal: AbortSignal.timeout(5000) });

      // Assess
      expect(emulator.requests).toHaveLength(1);
      const [request] = emulator.requests;
      expect(request?.method).toBe('POST');
      expect(request?.path).toBe(`/2010-04-01/Accounts/${emulator.accountSid}/Messages.json`);
      expect(request?.headers.authorization).toBe(basic(emulator.accountSid, emulator.authToken));
      expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(request?.headers.accept).toBe('application/json');
      expect(Object.fromEntries(request?.form ?? [])).toEqual({ To: TO, From: FROM, Body: `Your verification code is ${CODE}` });
      expect(receipt).toEqual({ provider: 'twilio', messageId: expect.stringMatching(/^SM[0-9a-f]{32}$/), segments: 1 });
    });

    it('delivers a non-GSM body intact as UTF-8', async () => {
      // Prepare
      const body = 'Код 123456 ✓';

      // Act
      const receipt = await provider().send(sms({ body }), { signal: AbortSignal.timeout(5000) });

      // Assess
      const [request] = emulator.requests;
      expect(request?.form?.get('Body')).toBe(body);
      // UTF-8 bytes, percent-encoded: К = D0 9A, ✓ = E2 9C 93.
      expect(request?.body).toContain('Body=%D0%9A%D0%BE%D0%B4');
      expect(request?.body).toContain('%E2%9C%93');
      expect(receipt.segments).toBe(1);
    });

    it('reports num_segments as a number for a long message', async () => {
      // Act
      const receipt = await provider().send(sms({ body: `${'a'.repeat(200)} ${CODE}` }), { signal: AbortSignal.timeout(5000) });

      // Assess
      expect(receipt.segments).toBe(2);
    });

    it('authenticates as the API key SID while the path keeps the account SID', async () => {
      // Prepare
      const withApiKey = provider({ authToken: undefined, apiKeySid: emulator.apiKeySid, apiKeySecret: emulator.apiKeySecret });

      // Act
      await withApiKey.send(sms(), { signal: AbortSignal.timeout(5000) });

      // Assess
      const [request] = emulator.requests;
      expect(request?.headers.authorization).toBe(basic(emulator.apiKeySid, emulator.apiKeySecret));
      expect(request?.path).toBe(`/2010-04-01/Accounts/${emulator.accountSid}/Messages.json`);
    });

    it('sends MessagingServiceSid and no From when a Messaging Service is the sender', async () => {
      // Prepare
      const viaService = provider({ from: undefined, messagingServiceSid: SERVICE_SID });

      // Act
      await viaService.send(sms(), { signal: AbortSignal.timeout(5000) });

      // Assess
      const form = emulator.requests[0]?.form;
      expect(form?.get('MessagingServiceSid')).toBe(SERVICE_SID);
      expect(form?.has('From')).toBe(false);
      expect([...(form?.keys() ?? [])].sort()).toEqual(['Body', 'MessagingServiceSid', 'To']);
    });

    it('sends the sender chosen for the destination as From, in place of the configured Messaging Service', async () => {
      // Prepare
      const viaService = provider({ from: undefined, messagingServiceSid: SERVICE_SID });

      // Act
      await viaService.send(sms({ sender: 'Acme' }), { signal: AbortSignal.timeout(5000) });

      // Assess
      expect(Object.fromEntries(emulator.requests[0]?.form ?? [])).toEqual({ To: TO, From: 'Acme', Body: `Your verification code is ${CODE}` });
    });

    it('asks Twilio for status callbacks to the message’s callback URL (StatusCallback) when receipts are on', async () => {
      await provider().send(sms({ statusCallbackUrl: 'https://receipts.example/twilio' }), { signal: AbortSignal.timeout(5000) });
      expect(emulator.requests[0]?.form?.get('StatusCallback')).toBe('https://receipts.example/twilio');
    });

    it('reuses one TCP connection for two sends through one provider', async () => {
      // Prepare: an emulator of its own, so no earlier test's pooled connection counts.
      const own = await startTwilioEmulator();
      const twilio = provider({ baseUrl: own.baseUrl });

      // Act
      await twilio.send(sms(), { signal: AbortSignal.timeout(5000) });
      await twilio.send(sms(), { signal: AbortSignal.timeout(5000) });
      await own.close();

      // Assess
      expect(own.requests).toHaveLength(2);
      expect(own.connections()).toBe(1);
      expect(own.requests[0]?.connectionId).toBe(own.requests[1]?.connectionId);
    });
  });

  describe('errors', () => {
    it.each<[TwilioErrorCode, number, boolean, boolean]>([
      // code, HTTP status, retryable, notAccepted
      [20429, 429, true, true],
      [20500, 500, true, false],
      [21211, 400, false, true],
      [21610, 400, false, true],
      [21408, 400, false, true],
      [21606, 400, false, true],
      [21608, 400, false, true],
      [21614, 400, false, true],
      [20003, 401, false, true],
    ])('throws %s with HTTP %s as retryable=%s, notAccepted=%s', async (code, status, retryable, notAccepted) => {
      // Prepare
      emulator.enqueue(twilioError(code, { to: TO, from: FROM }));

      // Act
      const error = await sendExpectingError(provider().send(sms(), { signal: AbortSignal.timeout(5000) }));

      // Assess
      expect(error).toMatchObject({ name: 'ProviderError', provider: 'twilio', code: String(code), status, retryable, notAccepted });
      expect(error.message).toContain(`error ${code}`);
      expect(error.message).not.toContain(TO);
      expect(error.message).not.toContain(CODE);
      expect(error.message).not.toContain(emulator.authToken);
    });

    it("passes a 429's Retry-After on as retryAfterMs", async () => {
      // Prepare
      emulator.enqueue({ ...twilioError(20429), headers: { 'retry-after': '2' } });

      // Act
      const error = await sendExpectingError(provider().send(sms(), { signal: AbortSignal.timeout(5000) }));

      // Assess
      expect(error).toMatchObject({ code: '20429', retryable: true, notAccepted: true, retryAfterMs: 2000 });
    });

    it("keeps Twilio's message with the phone number masked", async () => {
      // Prepare
      emulator.enqueue(twilioError(21211, { to: TO }));

      // Act
      const error = await sendExpectingError(provider().send(sms(), { signal: AbortSignal.timeout(5000) }));

      // Assess
      expect(error.message).toBe(
        `twilio: The 'To' number ${maskPhoneNumber(TO)} is not a valid phone number. (error 21211, HTTP 400, https://www.twilio.com/docs/errors/21211)`,
      );
      expect(JSON.stringify(error)).not.toContain(TO);
      expect(inspect(error, { depth: 5 })).not.toContain(TO);
    });

    it('throws a permanent 21211 when the emulator rejects a number that is not E.164', async () => {
      // Act
      const error = await sendExpectingError(provider().send(sms({ to: '07700900123' }), { signal: AbortSignal.timeout(5000) }));

      // Assess
      expect(error).toMatchObject({ code: '21211', status: 400, retryable: false });
      expect(error.message).not.toContain('07700900123');
    });

    it('throws a permanent 20003 when the auth token is wrong', async () => {
      // Prepare
      const wrong = provider({ authToken: 'not-the-token' });

      // Act
      const error = await sendExpectingError(wrong.send(sms(), { signal: AbortSignal.timeout(5000) }));

      // Assess
      expect(error).toMatchObject({ code: '20003', status: 401, retryable: false });
      expect(error.message).not.toContain('not-the-token');
    });

    it('throws a permanent error for an unknown 4xx code and a retryable one for a bare 5xx', async () => {
      // Prepare
      emulator.enqueue(twilioError(21617), { status: 503, body: '<html>Service Unavailable</html>' });

      // Act
      const unknown4xx = await sendExpectingError(provider().send(sms(), { signal: AbortSignal.timeout(5000) }));
      const bare5xx = await sendExpectingError(provider().send(sms(), { signal: AbortSignal.timeout(5000) }));

      // Assess
      expect(unknown4xx).toMatchObject({ code: '21617', status: 400, retryable: false });
      expect(bare5xx).toMatchObject({ code: 'HTTP_503', status: 503, retryable: true, notAccepted: false });
    });

    it('reads the detail of an RFC 9457 error body', async () => {
      // Prepare
      emulator.enqueue({
        status: 400,
        body: { type: 'https://www.twilio.com/docs/errors/21211', title: 'Invalid To', status: 400, code: 21211, detail: `Number ${TO} is invalid` },
      });

      // Act
      const error = await sendExpectingError(provider().send(sms(), { signal: AbortSignal.timeout(5000) }));

      // Assess
      expect(error).toMatchObject({ code: '21211', status: 400, retryable: false });
      expect(error.message).toContain(`Number ${maskPhoneNumber(TO)} is invalid`);
    });

    it('throws a retryable, not-accepted error when the connection is refused', async () => {
      // Prepare
      const closed = await startTwilioEmulator();
      await closed.close();
      const unreachable = provider({ baseUrl: closed.baseUrl });

      // Act
      const error = await sendExpectingError(unreachable.send(sms(), { signal: AbortSignal.timeout(5000) }));

      // Assess
      expect(error).toMatchObject({ code: 'ECONNREFUSED', retryable: true, notAccepted: true, status: undefined });
    });

    it('throws a retryable error that does not claim non-delivery when the connection drops mid-request', async () => {
      // Prepare
      emulator.enqueue({ drop: true });

      // Act
      const error = await sendExpectingError(provider().send(sms(), { signal: AbortSignal.timeout(5000) }));

      // Assess
      expect(error.retryable).toBe(true);
      expect(error.notAccepted).toBe(false);
      expect(error.code).toBe('ECONNRESET');
    });

    it('throws Timeout without sending when the signal is already aborted', async () => {
      // Act
      const error = await sendExpectingError(provider().send(sms(), { signal: AbortSignal.abort() }));

      // Assess
      expect(error).toMatchObject({ code: 'Timeout', retryable: true });
      expect(emulator.requests).toHaveLength(0);
    });

    it('throws Timeout promptly when Twilio answers after the signal fires', async () => {
      // Prepare
      emulator.enqueue({ delayMs: 2000, ...twilioError(20500) });
      const started = performance.now();

      // Act
      const error = await sendExpectingError(provider().send(sms(), { signal: AbortSignal.timeout(100) }));

      // Assess
      expect(performance.now() - started).toBeLessThan(1000);
      expect(error).toMatchObject({ code: 'Timeout', retryable: true, notAccepted: false });
    });
  });

  describe('configuration', () => {
    it('warns when a plain http base URL would carry the credentials off the machine', () => {
      // Prepare
      const logger = { ...silent, warn: vi.fn() };
      const config = twilioConfigSchema.parse({ accountSid: emulator.accountSid, authToken: 'token', from: FROM, baseUrl: 'http://twilio-proxy.internal' });

      // Act
      createTwilioProvider(config, { logger });

      // Assess
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('plain http'), { host: 'twilio-proxy.internal' });
    });
  });
});
