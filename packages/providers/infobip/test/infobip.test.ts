import { inspect } from 'node:util';
import { isProviderError, type ProviderError, Secret, type SmsMessage } from '@cognito-sms/core/provider';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import infobip, { createInfobipProvider, INFOBIP_REJECTED_STATUSES, type InfobipConfig } from '../src/index.js';
import {
  INFOBIP_PENDING,
  INFOBIP_REJECTIONS,
  INFOBIP_TEST_API_KEY,
  type InfobipEmulator,
  infobipError,
  infobipRejected,
  infobipStatusResponse,
  startInfobipEmulator,
} from './emulator.js';

const CODE = '918273';
const message: SmsMessage = {
  to: '+447700900123',
  body: `Код ${CODE} ✓`,
  trigger: 'CustomSMSSender_SignUp',
  userPoolId: 'eu-west-1_Infobip1',
};
const signal = () => AbortSignal.timeout(5000);

let emulator: InfobipEmulator;
const provider = (overrides: Partial<Omit<InfobipConfig, 'apiKey'>> & { apiKey?: string } = {}) => {
  const { apiKey, ...rest } = overrides;
  return createInfobipProvider({ apiKey: new Secret(apiKey ?? INFOBIP_TEST_API_KEY), baseUrl: emulator.baseUrl, from: 'Acme', ...rest });
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
  emulator = await startInfobipEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe('Provider: infobip', () => {
  describe('sending', () => {
    it('posts one message with the App key, every field, and a non-GSM text intact', async () => {
      // Prepare
      const sms = provider();
      // Act
      const receipt = await sms.send(message, { signal: signal() });
      // Assess
      const [request, ...more] = emulator.requests;
      expect(more).toHaveLength(0);
      expect(request?.method).toBe('POST');
      expect(request?.path).toBe('/sms/2/text/advanced');
      expect(request?.headers.authorization).toBe(`App ${INFOBIP_TEST_API_KEY}`);
      expect(request?.headers['content-type']).toBe('application/json');
      expect(request?.headers.accept).toBe('application/json');
      expect(request?.json).toEqual({ messages: [{ destinations: [{ to: '447700900123' }], from: 'Acme', text: 'Код 918273 ✓' }] });
      expect(request?.body).toContain('"text":"Код 918273 ✓"'); // UTF-8 on the wire, not \u escapes
      expect(receipt).toEqual({ provider: 'infobip', messageId: emulator.delivered[0]?.messageId });
      expect(emulator.delivered[0]).toMatchObject({ to: '447700900123', from: 'Acme', text: 'Код 918273 ✓' });
    });

    it('leaves `from` out when INFOBIP_FROM is not set (the account default applies)', async () => {
      await provider({ from: undefined }).send(message, { signal: signal() });
      expect(emulator.requests[0]?.json).toEqual({ messages: [{ destinations: [{ to: '447700900123' }], text: message.body }] });
    });

    it('uses the message’s sender (SMS_SENDERS) instead of INFOBIP_FROM', async () => {
      await provider().send({ ...message, sender: 'AcmeUK' }, { signal: signal() });
      expect(emulator.requests[0]?.json).toMatchObject({ messages: [{ from: 'AcmeUK' }] });
    });

    it('asks Infobip to post the delivery report to the message’s callback URL (notifyUrl with ?token=, JSON) when receipts are on', async () => {
      const callbackToken = new Secret('test-callback-token-0123456789abcdef');
      await provider({ callbackToken }).send({ ...message, statusCallbackUrl: 'https://receipts.example/infobip' }, { signal: signal() });
      expect(emulator.requests[0]?.json).toMatchObject({
        messages: [
          {
            notifyUrl: 'https://receipts.example/infobip?token=test-callback-token-0123456789abcdef',
            notifyContentType: 'application/json',
          },
        ],
      });
    });

    it('returns smsCount as segments when Infobip reports it', async () => {
      emulator.enqueue({
        status: 200,
        body: { bulkId: 'b-1', messages: [{ messageId: 'm-1', status: INFOBIP_PENDING, to: '447700900123', smsCount: 2 }] },
      });
      const receipt = await provider().send(message, { signal: signal() });
      expect(receipt).toEqual({ provider: 'infobip', messageId: 'm-1', segments: 2 });
    });

    it('accepts a DELIVERED status in the send answer', async () => {
      emulator.enqueue(
        infobipStatusResponse({
          groupId: 3,
          groupName: 'DELIVERED',
          id: 5,
          name: 'DELIVERED_TO_HANDSET',
          description: 'Message delivered to handset',
        }),
      );
      await expect(provider().send(message, { signal: signal() })).resolves.toMatchObject({ provider: 'infobip' });
    });

    it('keeps a path prefix of the base URL (a proxy)', async () => {
      const error = await rejection(provider({ baseUrl: `${emulator.baseUrl}/proxy/infobip` }).send(message, { signal: signal() }));
      expect(emulator.requests[0]?.path).toBe('/proxy/infobip/sms/2/text/advanced');
      expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404, retryable: false });
    });

    it('reuses one TCP connection for two sends through one provider', async () => {
      // Prepare: a fresh emulator, so no pooled connection from another test counts
      const fresh = await startInfobipEmulator();
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
    it.each(Object.entries(INFOBIP_REJECTED_STATUSES))('classifies a 200 with status %s', async (name, known) => {
      // Prepare
      emulator.enqueue(infobipStatusResponse(infobipRejected(name)));
      // Act
      const error = await rejection(provider().send(message, { signal: signal() }));
      // Assess
      expect(INFOBIP_REJECTIONS[name]?.id).toBe(known.id);
      expect(error).toMatchObject({ provider: 'infobip', code: name, status: 200, retryable: known.retryable, notAccepted: true });
      expect(error.message).toContain(known.meaning);
    });

    it('retries only REJECTED_SYSTEM_ERROR and UNDELIVERABLE_REJECTED_PLATFORM', () => {
      const retryable = Object.entries(INFOBIP_REJECTED_STATUSES)
        .filter(([, known]) => known.retryable)
        .map(([name]) => name);
      expect(retryable).toEqual(['REJECTED_SYSTEM_ERROR', 'UNDELIVERABLE_REJECTED_PLATFORM']);
    });

    it('throws a permanent error for an undocumented REJECTED status and for UNDELIVERABLE / EXPIRED', async () => {
      emulator.enqueue(
        infobipStatusResponse({ groupId: 5, groupName: 'REJECTED', id: 999, name: 'REJECTED_SOMETHING_NEW', description: 'new' }),
        infobipStatusResponse({ groupId: 2, groupName: 'UNDELIVERABLE', id: 31, name: 'UNDELIVERABLE_NOT_SENT', description: 'not sent' }),
        infobipStatusResponse({ groupId: 4, groupName: 'EXPIRED', id: 15, name: 'EXPIRED_EXPIRED', description: 'expired' }),
      );
      const errors: ProviderError[] = [];
      for (let i = 0; i < 3; i++) errors.push(await rejection(provider().send(message, { signal: signal() })));
      expect(errors.map((e) => [e.code, e.retryable, e.notAccepted])).toEqual([
        ['REJECTED_SOMETHING_NEW', false, true],
        ['UNDELIVERABLE_NOT_SENT', false, false],
        ['EXPIRED_EXPIRED', false, false],
      ]);
    });

    it('throws REJECTED_DESTINATION when the emulator finds the number invalid', async () => {
      const error = await rejection(provider().send({ ...message, to: '+12' }, { signal: signal() }));
      expect(error).toMatchObject({ code: 'REJECTED_DESTINATION', retryable: false });
      expect(emulator.delivered).toHaveLength(0);
    });

    it('throws a permanent UNAUTHORIZED when the emulator rejects the API key', async () => {
      const error = await rejection(provider({ apiKey: 'wrong-key-0000' }).send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401, retryable: false, notAccepted: false });
      expect(error.message).toContain('Invalid login details');
    });

    it('throws a permanent BAD_REQUEST naming the invalid fields', async () => {
      emulator.enqueue(infobipError(400, 'BAD_REQUEST', 'Bad request', { 'messages[0].text': ['invalid text'] }));
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: 'BAD_REQUEST', status: 400, retryable: false });
      expect(error.message).toContain('invalid: messages[0].text');
    });

    it('throws a retryable, not-accepted TOO_MANY_REQUESTS with Retry-After', async () => {
      emulator.enqueue(infobipError(429, 'TOO_MANY_REQUESTS', 'Too many requests', undefined, { 'retry-after': '3' }));
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: 'TOO_MANY_REQUESTS', status: 429, retryable: true, notAccepted: true, retryAfterMs: 3000 });
    });

    it.each([
      [500, 'GENERAL_ERROR', true],
      [502, 'HTTP_502', true],
      [503, 'HTTP_503', true],
      [403, 'FORBIDDEN', false],
      [404, 'HTTP_404', false],
      [418, 'HTTP_418', false],
    ])('classifies HTTP %i as %s, retryable=%s', async (status, code, isRetryable) => {
      emulator.enqueue(
        code.startsWith('HTTP_') ? { status, body: '' } : infobipError(status, code, 'Something went wrong. Please contact support.'),
      );
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error).toMatchObject({ code, status, retryable: isRetryable, notAccepted: false });
    });

    it('reads the platform error shape { errorCode, description }', async () => {
      emulator.enqueue({ status: 401, body: { errorCode: 'E401', description: 'Unauthorized' } });
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: 'E401', status: 401, retryable: false });
    });

    it.each([
      ['no messages', { bulkId: 'b' }],
      ['an empty messages array', { bulkId: 'b', messages: [] }],
      ['no messageId', { messages: [{ status: INFOBIP_PENDING, to: '447700900123' }] }],
      ['not JSON', 'ok'],
    ])('throws a permanent InvalidResponse when a 200 has %s', async (_what, body) => {
      emulator.enqueue({ status: 200, body });
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: 'InvalidResponse', status: 200, retryable: false, notAccepted: false });
    });

    it('throws a retryable, not-accepted NetworkError when the connection is refused', async () => {
      // Prepare: a port that was listening and is closed now
      const gone = await startInfobipEmulator();
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

    it('throws a retryable Timeout promptly when Infobip is slower than the signal', async () => {
      // Prepare
      emulator.enqueue({ delayMs: 2000, ...infobipStatusResponse(INFOBIP_PENDING) });
      const started = performance.now();
      // Act
      const error = await rejection(provider().send(message, { signal: AbortSignal.timeout(100) }));
      // Assess
      expect(performance.now() - started).toBeLessThan(1000);
      expect(error).toMatchObject({ code: 'Timeout', retryable: true, notAccepted: false });
    });

    it('throws a not-accepted Timeout without calling Infobip when the signal is already aborted', async () => {
      const error = await rejection(provider().send(message, { signal: AbortSignal.abort() }));
      expect(error).toMatchObject({ code: 'Timeout', retryable: true, notAccepted: true });
      expect(emulator.requests).toHaveLength(0);
    });
  });

  describe('configuration', () => {
    const raw = { apiKey: INFOBIP_TEST_API_KEY, baseUrl: 'https://xxxxx.api.infobip.com' };

    it('adds https:// to a Base URL given as Infobip shows it, and strips a trailing slash', () => {
      expect(infobip.config.parse({ ...raw, baseUrl: 'xxxxx.api.infobip.com' }).baseUrl).toBe('https://xxxxx.api.infobip.com');
      expect(infobip.config.parse({ ...raw, baseUrl: 'https://proxy.example.com/infobip/' }).baseUrl).toBe(
        'https://proxy.example.com/infobip',
      );
      expect(infobip.config.parse({ ...raw, baseUrl: 'http://127.0.0.1:8080' }).baseUrl).toBe('http://127.0.0.1:8080');
      expect(infobip.config.parse(raw).from).toBeUndefined();
    });

    it('throws naming the API key and the Base URL when they are missing', () => {
      const result = infobip.config.safeParse({});
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path[0])).toEqual(['apiKey', 'baseUrl']);
      const empty = infobip.config.safeParse({ apiKey: '', baseUrl: ' ' });
      expect(empty.error?.issues.map((issue) => issue.message)).toEqual([
        'is required',
        'is required: your account’s Base URL from the Infobip web interface, e.g. https://xxxxx.api.infobip.com',
      ]);
    });

    it.each([
      ['baseUrl', 'ftp://xxxxx.api.infobip.com', /http\(s\) URL/],
      ['baseUrl', 'not a url at all', /http\(s\) URL/],
      ['baseUrl', 'https://xxxxx.api.infobip.com/?a=1', /query string/],
      ['baseUrl', 'https://user:pw@xxxxx.api.infobip.com', /credentials/],
      ['from', 'AcmeIncorporated', /3 to 11 characters/],
      ['from', 'Ac', /3 to 11 characters/],
      ['from', '+123456789012345', /3 to 14 digits/],
      ['from', '   ', /must not be blank/],
    ])('throws a readable message when %s is %j', (key, value, expected) => {
      const result = infobip.config.safeParse({ ...raw, [key]: value });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual([key]);
      expect(result.error?.issues[0]?.message).toMatch(expected);
    });

    it.each(['InfoSMS', 'Acme', '447700900000', '+447700900000', '12345'])('accepts %s as a sender', (value) => {
      expect(infobip.config.safeParse({ ...raw, from: value }).success).toBe(true);
    });

    it('builds a working provider through the definition', async () => {
      const sms = await infobip.create(infobip.config.parse({ ...raw, baseUrl: emulator.baseUrl }), {
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      });
      expect(sms.id).toBe('infobip');
      await expect(sms.send(message, { signal: signal() })).resolves.toMatchObject({ provider: 'infobip' });
    });
  });

  describe('secrets', () => {
    it('prints no API key in JSON or util.inspect of the parsed configuration or the provider', () => {
      const config = infobip.config.parse({ apiKey: INFOBIP_TEST_API_KEY, baseUrl: 'xxxxx.api.infobip.com' });
      for (const printed of [
        JSON.stringify(config),
        inspect(config, { depth: 5 }),
        String(config.apiKey),
        inspect(provider(), { depth: 5 }),
      ]) {
        expect(printed).not.toContain(INFOBIP_TEST_API_KEY);
      }
    });

    it('puts neither the text, the code, the number nor the key in any error message', async () => {
      // Prepare: texts that echo the request, and every other kind of failure
      emulator.enqueue(
        infobipError(400, 'BAD_REQUEST', `Invalid destination 447700900123 for "${message.body}" (${INFOBIP_TEST_API_KEY})`, {
          'messages[0].destinations[0].to=447700900123': ['invalid'],
        }),
        infobipStatusResponse({ ...infobipRejected('REJECTED_DND'), description: `+447700900123 is on DND; text ${CODE}` }),
        infobipError(401, 'UNAUTHORIZED', 'Invalid login details'),
        infobipError(429, 'TOO_MANY_REQUESTS', 'Too many requests'),
        { drop: true },
        { delayMs: 1000, ...infobipError(500, 'GENERAL_ERROR') },
      );
      const sms = provider();
      const errors: ProviderError[] = [];
      // Act
      for (let i = 0; i < 5; i++) errors.push(await rejection(sms.send(message, { signal: signal() })));
      errors.push(await rejection(sms.send(message, { signal: AbortSignal.timeout(50) })));
      // Assess
      expect(errors.map((e) => e.code)).toEqual([
        'BAD_REQUEST',
        'REJECTED_DND',
        'UNAUTHORIZED',
        'TOO_MANY_REQUESTS',
        'NetworkError',
        'Timeout',
      ]);
      for (const error of errors) {
        const printed = [error.message, error.stack ?? '', JSON.stringify(error), inspect(error, { depth: 5 })].join('\n');
        for (const secret of [CODE, message.body, '447700900123', INFOBIP_TEST_API_KEY]) expect(printed).not.toContain(secret);
      }
      expect(errors[0]?.message).toContain('Invalid destination [redacted]');
    });
  });
});
