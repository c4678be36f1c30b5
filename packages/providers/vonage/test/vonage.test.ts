import { inspect } from 'node:util';
import { isProviderError, type ProviderError, type SmsMessage } from '@cognito-sms/core/provider';
import {
  startVonageEmulator,
  VONAGE_STATUS_MEANINGS,
  type VonageEmulator,
  vonageError,
  vonageHttpError,
  vonageResponse,
} from '@cognito-sms/testkit/emulators/vonage';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import vonageProvider, { createVonageProvider, isVonageSmsError, smsType, VONAGE_STATUSES, type VonageProviderConfig } from '../src/index.js';

const API_KEY = 'k3y0a1b2';
const API_SECRET = 'S3cr3tValue0987654321';
const message: SmsMessage = {
  to: '+447700900123',
  body: 'Your verification code is 918273',
  trigger: 'CustomSMSSender_SignUp',
  userPoolId: 'eu-west-1_TestPool1',
};
const deps = { logger: { debug() {}, info() {}, warn() {}, error() {} } };
const signal = () => AbortSignal.timeout(5000);

let vonage: VonageEmulator;
const parse = (extra: Record<string, string> = {}): VonageProviderConfig =>
  vonageProvider.config.parse({ apiKey: API_KEY, apiSecret: API_SECRET, from: 'AcmeInc', baseUrl: vonage.baseUrl, ...extra });
const provider = (extra: Record<string, string> = {}) => createVonageProvider(parse(extra), deps);

/** The error `promise` rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<ProviderError & { vonageStatus?: string; errorText?: string }> {
  try {
    await promise;
  } catch (error) {
    expect(isProviderError(error)).toBe(true);
    return error as ProviderError;
  }
  throw new Error('expected the send to be rejected');
}

beforeAll(async () => {
  vonage = await startVonageEmulator({ apiKey: API_KEY, apiSecret: API_SECRET });
});
afterAll(async () => {
  await vonage.close();
});
beforeEach(() => {
  vonage.reset();
});

describe('Provider: vonage', () => {
  describe('sending', () => {
    it('posts every field to /sms/json with Basic auth and returns the first message-id', async () => {
      // Prepare
      const sms = provider();
      // Act
      const receipt = await sms.send(message, { signal: signal() });
      // Assess
      const [request, ...more] = vonage.requests;
      expect(more).toHaveLength(0);
      expect(request?.method).toBe('POST');
      expect(request?.path).toBe('/sms/json');
      expect(request?.headers.authorization).toBe(`Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')}`);
      expect(request?.headers['content-type']).toBe('application/json');
      expect(request?.json).toEqual({ from: 'AcmeInc', to: '447700900123', text: message.body, type: 'text' });
      expect(vonage.delivered).toEqual([
        expect.objectContaining({ to: '447700900123', from: 'AcmeInc', type: 'text', text: message.body, segments: 1 }),
      ]);
      expect(receipt).toEqual({ provider: 'vonage', messageId: vonage.delivered[0]?.messageIds[0], segments: 1 });
    });

    it('sends non-GSM text (Cyrillic, emoji) as type=unicode, UTF-8 on the wire, so it arrives intact', async () => {
      // Prepare
      const sms = provider();
      const body = 'Код 123456 ✓ 🔐';
      // Act
      await sms.send({ ...message, body }, { signal: signal() });
      // Assess
      const request = vonage.requests[0];
      expect(request?.body).toContain('Код 123456 ✓ 🔐');
      expect(Buffer.from(request?.body ?? '', 'utf8').includes(Buffer.from('Код', 'utf8'))).toBe(true);
      expect(request?.json).toMatchObject({ text: body, type: 'unicode' });
      expect(vonage.delivered[0]).toMatchObject({ type: 'unicode', text: body });
    });

    it('would lose non-GSM characters with type=text, which is why auto picks unicode', () => {
      expect(smsType('Your code is 123456 (valid 5 min) €')).toBe('text');
      expect(smsType('Ihr Code: 123456 – gültig')).toBe('unicode'); // en dash is not GSM-7
      expect(smsType('Код 123456')).toBe('unicode');
      expect(smsType('code 1 ✓')).toBe('unicode');
      expect(smsType('plain', 'unicode')).toBe('unicode');
    });

    it('sends GSM text as unicode when VONAGE_TYPE=unicode', async () => {
      await provider({ type: 'unicode' }).send(message, { signal: signal() });
      expect(vonage.requests[0]?.json).toMatchObject({ type: 'unicode' });
    });

    it('asks Vonage for the delivery receipt at the message’s callback URL (callback) when receipts are on', async () => {
      await provider().send({ ...message, statusCallbackUrl: 'https://receipts.example/vonage' }, { signal: signal() });
      expect(vonage.requests[0]?.json).toMatchObject({ callback: 'https://receipts.example/vonage' });
      await provider().send(message, { signal: signal() });
      expect(vonage.requests[1]?.json).not.toHaveProperty('callback');
    });

    it('returns the first id and message-count as segments when a long text comes back in several parts', async () => {
      // Prepare
      const sms = provider();
      const body = `Your code is 918273. ${'x'.repeat(300)}`;
      // Act
      const receipt = await sms.send({ ...message, body }, { signal: signal() });
      // Assess
      const delivery = vonage.delivered[0];
      expect(delivery?.segments).toBe(3);
      expect(receipt).toEqual({ provider: 'vonage', messageId: delivery?.messageIds[0], segments: 3 });
    });

    it('appends /sms/json to a base URL with a path (a proxy)', async () => {
      const error = await rejection(provider({ baseUrl: `${vonage.baseUrl}/proxy/vonage/` }).send(message, { signal: signal() }));
      expect(vonage.requests[0]?.path).toBe('/proxy/vonage/sms/json');
      expect(error).toMatchObject({ code: 'HTTP_404', retryable: false, status: 404 });
    });

    it('reuses one TCP connection for two sends through one provider', async () => {
      // Prepare: a fresh emulator, so no connection from another test is in the pool
      const fresh = await startVonageEmulator({ apiKey: API_KEY, apiSecret: API_SECRET });
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
    const retryable = ['1', '5', '10'];
    const permanent = ['2', '3', '4', '6', '7', '8', '9', '11', '12', '14', '15', '29', '33'];

    it.each(retryable)('throws a retryable error when Vonage answers status %s', async (status) => {
      // Prepare
      vonage.enqueue(vonageError(status));
      // Act
      const error = await rejection(provider().send(message, { signal: signal() }));
      // Assess
      expect(error).toMatchObject({ provider: 'vonage', code: status, retryable: true, status: 200, vonageStatus: status });
      expect(error.errorText).toBe(VONAGE_STATUS_MEANINGS[status]);
      expect(error.notAccepted).toBe(status !== '5');
      expect(error.message).toContain(`status ${status}`);
    });

    it.each(permanent)('throws a permanent error when Vonage answers status %s', async (status) => {
      vonage.enqueue(vonageError(status));
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error).toMatchObject({ provider: 'vonage', code: status, retryable: false, status: 200, vonageStatus: status });
      expect(error.errorText).toBe(VONAGE_STATUS_MEANINGS[status]);
      expect(error.message).toContain(VONAGE_STATUSES[status]?.meaning);
      expect(isVonageSmsError(error)).toBe(true);
    });

    it('throws a permanent status 4 when the emulator rejects the credentials', async () => {
      const error = await rejection(provider({ apiSecret: 'wrong-secret' }).send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: '4', retryable: false, errorText: 'Bad Credentials' });
      expect(vonage.delivered).toHaveLength(0);
    });

    it('throws a permanent error for a status Vonage does not document', async () => {
      vonage.enqueue(vonageError(99, 'Something new'));
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: '99', retryable: false, errorText: 'Something new' });
    });

    it('throws when one part of a long message fails, and says it was partly accepted', async () => {
      // Prepare
      vonage.enqueue(
        vonageResponse([
          { status: '0', 'message-id': '0A00000001', to: '447700900123' },
          { status: '1', 'error-text': 'Throughput Rate Exceeded - please wait [ 1000 ] and retry' },
        ]),
      );
      // Act
      const error = await rejection(provider().send({ ...message, body: 'x'.repeat(200) }, { signal: signal() }));
      // Assess
      expect(error).toMatchObject({ code: '1', retryable: true, notAccepted: false });
      expect(error.message).toMatch(/accepted 1 of 2 parts/);
      expect(error.errorText).toContain('[ 1000 ]');
    });

    it.each([
      [429, true, true],
      [500, true, false],
      [502, true, false],
      [503, true, false],
      [401, false, false],
      [400, false, false],
      [403, false, false],
    ])('classifies HTTP %i as retryable=%s (notAccepted=%s)', async (status, isRetryable, notAccepted) => {
      vonage.enqueue(vonageHttpError(status, status === 429 ? { 'retry-after': '1' } : {}));
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: `HTTP_${status}`, status, retryable: isRetryable, notAccepted });
    });

    it('throws a permanent InvalidResponse when a 200 answer has no message-id', async () => {
      vonage.enqueue({ status: 200, body: { 'message-count': '1', messages: [{ status: '0' }] } });
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: 'InvalidResponse', retryable: false });
    });

    it('throws a retryable, not-accepted NetworkError when the connection is refused', async () => {
      // Prepare: a port that was just listening and is closed now
      const gone = await startVonageEmulator();
      const baseUrl = gone.baseUrl;
      await gone.close();
      // Act
      const error = await rejection(provider({ baseUrl }).send(message, { signal: signal() }));
      // Assess
      expect(error).toMatchObject({ code: 'NetworkError', retryable: true, notAccepted: true });
      expect(error.message).toContain('ECONNREFUSED');
    });

    it('throws a retryable NetworkError, not marked not-accepted, when the connection drops mid-request', async () => {
      vonage.enqueue({ drop: true });
      const error = await rejection(provider().send(message, { signal: signal() }));
      expect(error).toMatchObject({ code: 'NetworkError', retryable: true, notAccepted: false });
    });

    it('throws a retryable Timeout promptly when Vonage is slower than the signal', async () => {
      // Prepare
      vonage.enqueue({ delayMs: 2000, ...vonageResponse([{ status: '0', 'message-id': 'late' }]) });
      const started = performance.now();
      // Act
      const error = await rejection(provider().send(message, { signal: AbortSignal.timeout(100) }));
      // Assess
      expect(performance.now() - started).toBeLessThan(1000);
      expect(error).toMatchObject({ code: 'Timeout', retryable: true, notAccepted: false });
    });

    it('throws a not-accepted Timeout without calling Vonage when the signal is already aborted', async () => {
      const error = await rejection(provider().send(message, { signal: AbortSignal.abort() }));
      expect(error).toMatchObject({ code: 'Timeout', retryable: true, notAccepted: true });
      expect(vonage.requests).toHaveLength(0);
    });
  });

  describe('configuration', () => {
    it('defaults the base URL and type, and strips a trailing slash and a leading + on a numeric sender', () => {
      const config = vonageProvider.config.parse({ apiKey: 'k', apiSecret: 's', from: '+447700900000' });
      expect(config).toMatchObject({ from: '447700900000', type: 'auto', baseUrl: 'https://rest.nexmo.com' });
      expect(parse({ baseUrl: 'https://proxy.example.com/vonage/' }).baseUrl).toBe('https://proxy.example.com/vonage');
    });

    it('throws naming every missing credential and the sender when they are absent', () => {
      const result = vonageProvider.config.safeParse({});
      expect(result.success).toBe(false);
      const paths = result.error?.issues.map((issue) => issue.path[0]);
      expect(paths).toEqual(expect.arrayContaining(['apiKey', 'apiSecret', 'from']));
      expect(vonageProvider.config.safeParse({ apiKey: '', apiSecret: '', from: 'AcmeInc' }).error?.issues.map((i) => i.message)).toEqual([
        'is required',
        'is required',
      ]);
    });

    it.each([
      ['not a url', /http\(s\) URL/],
      ['ftp://rest.nexmo.com', /http\(s\) URL/],
      ['https://rest.nexmo.com/?region=eu', /query string/],
      ['https://user:pw@rest.nexmo.com', /credentials/],
    ])('throws a readable message when VONAGE_BASE_URL is %s', (value, expected) => {
      const result = vonageProvider.config.safeParse({ apiKey: 'k', apiSecret: 's', from: 'AcmeInc', baseUrl: value });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['baseUrl']);
      expect(result.error?.issues[0]?.message).toMatch(expected);
    });

    it.each([
      ['Acme Inc', /cannot contain spaces/],
      ['AcmeIncorporated', /at most 11 characters/],
      ['1234567890123456', /at most 15 digits/],
      ['00447700900123', /without a leading 00/],
      ['Acme!', /only letters, digits/],
    ])('throws a readable message when VONAGE_FROM is %s', (value, expected) => {
      const result = vonageProvider.config.safeParse({ apiKey: 'k', apiSecret: 's', from: value });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['from']);
      expect(result.error?.issues[0]?.message).toMatch(expected);
    });

    it.each(['AcmeInc', 'Acme-Bank', '12345', '447700900123', 'A'])('accepts %s as a sender', (value) => {
      expect(vonageProvider.config.safeParse({ apiKey: 'k', apiSecret: 's', from: value }).success).toBe(true);
    });

    it('throws when VONAGE_TYPE is neither auto nor unicode', () => {
      const result = vonageProvider.config.safeParse({ apiKey: 'k', apiSecret: 's', from: 'AcmeInc', type: 'binary' });
      expect(result.error?.issues[0]).toMatchObject({ path: ['type'], message: 'must be auto or unicode' });
    });

    it('builds a working provider through the definition', async () => {
      const sms = await vonageProvider.create(parse(), deps);
      expect(sms.id).toBe('vonage');
      await expect(sms.send(message, { signal: signal() })).resolves.toMatchObject({ provider: 'vonage', segments: 1 });
    });
  });

  describe('secrets', () => {
    it('prints no credential in JSON or util.inspect of the parsed configuration', () => {
      const config = parse();
      for (const printed of [JSON.stringify(config), inspect(config, { depth: 5 }), String(config.apiSecret)]) {
        expect(printed).not.toContain(API_KEY);
        expect(printed).not.toContain(API_SECRET);
      }
      expect(inspect(provider(), { depth: 5 })).not.toContain(API_SECRET);
    });

    it('puts neither the text, the code, the number nor a credential in any error message', async () => {
      // Prepare: an error-text that echoes the request, and every other kind of failure
      const code = '918273';
      vonage.enqueue(
        vonageError(3, `Invalid to param 447700900123 for text "${message.body}" (+447700900123, code ${code})`),
        vonageHttpError(401),
        vonageHttpError(429),
        { drop: true },
        { delayMs: 1000, ...vonageError(1) },
      );
      const sms = provider();
      const errors: ProviderError[] = [];
      // Act
      for (let i = 0; i < 4; i++) errors.push(await rejection(sms.send(message, { signal: signal() })));
      errors.push(await rejection(sms.send(message, { signal: AbortSignal.timeout(50) })));
      errors.push(await rejection(provider({ apiSecret: 'wrong-secret' }).send(message, { signal: signal() })));
      // Assess
      expect(errors.map((e) => e.code)).toEqual(['3', 'HTTP_401', 'HTTP_429', 'NetworkError', 'Timeout', '4']);
      for (const error of errors) {
        const printed = [error.message, JSON.stringify(error), String((error as { errorText?: string }).errorText ?? '')].join('\n');
        for (const secret of [code, message.body, '447700900123', API_SECRET, 'wrong-secret', API_KEY]) {
          expect(printed).not.toContain(secret);
        }
      }
      expect(errors[0]?.message).toContain('Invalid to param');
    });
  });
});
