import { inspect } from 'node:util';
import { isProviderError, type ProviderError, Secret, type SmsMessage } from '@cognito-sms/core/provider';
import { startEmulator } from '@cognito-sms/testkit';
import {
  type MessageBirdEmulator,
  type MessageBirdErrorCode,
  messageBirdError,
  startMessageBirdEmulator,
} from '@cognito-sms/testkit/emulators/messagebird';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import messageBirdProvider, { createMessageBirdProvider, type MessageBirdProviderConfig } from '../src/index.js';

const CODE = '918273';
const PHONE = '+447700900123';
const message: SmsMessage = { to: PHONE, body: `Код ${CODE} ✓`, trigger: 'CustomSMSSender_SignUp', userPoolId: 'eu-west-1_TestPool1' };
const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };

let emulator: MessageBirdEmulator;
const config = (overrides: Partial<MessageBirdProviderConfig> = {}): MessageBirdProviderConfig => ({
  accessKey: new Secret(emulator.accessKey),
  originator: 'Acme',
  datacoding: 'auto',
  baseUrl: emulator.baseUrl,
  ...overrides,
});
const signal = () => AbortSignal.timeout(5000);
const sendExpectingError = async (provider = createMessageBirdProvider(config(), { logger }), options = { signal: signal() }, sms = message) => {
  const error: unknown = await provider.send(sms, options).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!isProviderError(error)) throw new Error(`expected a ProviderError, got ${inspect(error)}`);
  return error;
};
/** Nothing an operator may see carries the code, the number or the key. */
const expectNoSecret = (error: ProviderError) => {
  for (const text of [error.message, JSON.stringify(error), inspect(error, { depth: 6 })]) {
    expect(text).not.toContain(CODE);
    expect(text).not.toContain(PHONE.slice(1));
    expect(text).not.toContain(emulator.accessKey);
  }
};

beforeAll(async () => {
  emulator = await startMessageBirdEmulator({ accessKey: 'live_Abc123SecretKeyXyz' });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  vi.clearAllMocks();
});

describe('Provider: messagebird', () => {
  it('sends POST /messages with the access key and every documented field, non-GSM text intact', async () => {
    // Prepare
    const provider = createMessageBirdProvider(config(), { logger });
    // Act
    const receipt = await provider.send(message, { signal: signal() });
    // Assess
    const [request, ...more] = emulator.requests;
    expect(more).toHaveLength(0);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/messages');
    expect(request?.headers.authorization).toBe(`AccessKey ${emulator.accessKey}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.accept).toBe('application/json');
    expect(request?.json).toStrictEqual({ originator: 'Acme', recipients: ['447700900123'], body: 'Код 918273 ✓', datacoding: 'auto' });
    expect(request?.body).toContain('Код 918273 ✓');
    expect(Buffer.byteLength(request?.body ?? '')).toBe(Number(request?.headers['content-length']));
    expect(receipt).toStrictEqual({ provider: 'messagebird', messageId: expect.stringMatching(/^[0-9a-f]{32}$/), segments: 1 });
  });

  it('reports segments from recipients.items[].messagePartCount, not from totalCount', async () => {
    const provider = createMessageBirdProvider(config(), { logger });
    const receipt = await provider.send({ ...message, body: `Ваш код ${CODE}. ${'Ж'.repeat(80)}` }, { signal: signal() });
    expect(receipt.segments).toBe(2);
  });

  it('omits segments when the answer has no messagePartCount', async () => {
    emulator.enqueue({
      status: 201,
      body: { id: 'c3cddce045416dab6378c58b96540915', recipients: { totalCount: 1, items: [{ recipient: 447700900123, status: 'sent' }] } },
    });
    const receipt = await createMessageBirdProvider(config(), { logger }).send(message, { signal: signal() });
    expect(receipt).toStrictEqual({ provider: 'messagebird', messageId: 'c3cddce045416dab6378c58b96540915' });
  });

  it('sends the per-destination sender instead of the configured originator when the message has one', async () => {
    const provider = createMessageBirdProvider(config(), { logger });
    await provider.send({ ...message, sender: 'AcmeUK' }, { signal: signal() });
    expect((emulator.requests[0]?.json as { originator?: string } | undefined)?.originator).toBe('AcmeUK');
  });

  it('asks MessageBird for status reports to the message’s callback URL (reportUrl, with the reference it requires) when receipts are on', async () => {
    const provider = createMessageBirdProvider(config(), { logger });
    await provider.send({ ...message, statusCallbackUrl: 'https://receipts.example/messagebird' }, { signal: signal() });
    await provider.send(message, { signal: signal() });
    expect(emulator.requests[0]?.json).toMatchObject({ reportUrl: 'https://receipts.example/messagebird', reference: message.trigger });
    expect(emulator.requests[1]?.json).not.toHaveProperty('reference');
  });

  it('sends the configured datacoding and honours a base URL with a path prefix', async () => {
    const proxy = await startEmulator(() => ({ status: 201, body: { id: 'abc', recipients: { items: [] } } }));
    try {
      const provider = createMessageBirdProvider(config({ datacoding: 'plain', baseUrl: `${proxy.baseUrl}/mb` }), { logger });
      await provider.send(message, { signal: signal() });
      expect(proxy.requests[0]?.path).toBe('/mb/messages');
      expect((proxy.requests[0]?.json as { datacoding?: string } | undefined)?.datacoding).toBe('plain');
    } finally {
      await proxy.close();
    }
  });

  it.each<[MessageBirdErrorCode, number, boolean]>([
    [2, 401, false],
    [9, 422, false],
    [10, 422, false],
    [20, 404, false],
    [21, 422, false],
    [25, 422, false],
    [98, 404, false],
    [99, 500, true],
  ])('throws code %s (HTTP %s) with retryable %s when MessageBird answers that error', async (code, status, retryable) => {
    // Prepare
    emulator.enqueue(messageBirdError(code));
    // Act
    const error = await sendExpectingError();
    // Assess
    expect(error).toMatchObject({ name: 'ProviderError', provider: 'messagebird', code: String(code), status, retryable, notAccepted: false });
    expectNoSecret(error);
  });

  it('throws a permanent code 2 when the access key is wrong (emulator auth check)', async () => {
    const provider = createMessageBirdProvider(config({ accessKey: new Secret('live_wrongKey999') }), { logger });
    const error = await sendExpectingError(provider);
    expect(error).toMatchObject({ code: '2', status: 401, retryable: false });
    expect(error.message).toContain('Request not allowed (incorrect access_key) (code 2, parameter access_key)');
    expect(error.message).not.toContain('live_wrongKey999');
  });

  it('throws a permanent code 9 when the emulator finds no correct recipient', async () => {
    const provider = createMessageBirdProvider(config(), { logger });
    const error = await sendExpectingError(provider, { signal: signal() }, { ...message, to: '+44abc' });
    expect(error).toMatchObject({ code: '9', status: 422, retryable: false });
    expect(error.message).toContain('no (correct) recipients found (code 9, parameter recipient)');
  });

  it('keeps the description and parameter, without the code or the number they may echo', async () => {
    emulator.enqueue(messageBirdError(10, { description: `recipient ${PHONE.slice(1)} rejected for body "${message.body}"`, parameter: 'recipients' }));
    const error = await sendExpectingError();
    expect(error.code).toBe('10');
    expect(error.message).toMatch(/^messagebird: invalid params \(HTTP 422\): recipient \[redacted\] rejected for body "\[redacted\]" \(code 10, parameter recipients\)$/);
    expect(error.cause).toMatchObject({ status: 422, errors: [{ code: 10, parameter: 'recipients' }] });
    expectNoSecret(error);
  });

  it('throws retryable and notAccepted when MessageBird answers HTTP 429, with or without an error body', async () => {
    emulator.enqueue({ status: 429, body: 'Too Many Requests' }, { status: 429, body: { errors: [{ code: 99, description: 'rate limited', parameter: null }] } });
    const bare = await sendExpectingError();
    const withBody = await sendExpectingError();
    expect(bare).toMatchObject({ code: 'HTTP_429', status: 429, retryable: true, notAccepted: true });
    expect(withBody).toMatchObject({ code: '99', status: 429, retryable: true, notAccepted: true });
  });

  it('throws retryAfterMs from Retry-After on a 429 and a 503, never on a permanent answer', async () => {
    emulator.enqueue(
      { status: 429, headers: { 'retry-after': '2' }, body: '' },
      { status: 503, headers: { 'retry-after': '1' }, body: '' },
      { ...messageBirdError(25), headers: { 'retry-after': '5' } },
    );
    expect(await sendExpectingError()).toMatchObject({ code: 'HTTP_429', retryAfterMs: 2000 });
    expect(await sendExpectingError()).toMatchObject({ code: 'HTTP_503', retryAfterMs: 1000 });
    expect((await sendExpectingError()).retryAfterMs).toBeUndefined();
  });

  it.each([
    [{ status: 503, body: '<html>Service Unavailable</html>' }, 'HTTP_503', true],
    [{ status: 502, body: { errors: [{ code: 1234, description: 'upstream', parameter: null }] } }, '1234', true],
    [{ status: 401, body: '' }, 'HTTP_401', false],
    [{ status: 418, body: '' }, 'HTTP_418', false],
    [{ status: 422, body: { errors: [{ code: 1234, description: 'new rule', parameter: null }] } }, '1234', false],
    [{ status: 500, body: { errors: [{ code: 10, description: 'originator is invalid', parameter: 'originator' }] } }, '10', false],
  ])('classifies %o by status when the code is undocumented (code %s, retryable %s)', async (response, code, retryable) => {
    emulator.enqueue(response);
    const error = await sendExpectingError();
    expect(error).toMatchObject({ code, status: response.status, retryable, notAccepted: false });
  });

  it('throws a permanent error when the answer lists a permanent code beside the internal error', async () => {
    emulator.enqueue({ status: 500, body: { errors: [{ code: 99, description: 'Internal error' }, { code: 25, description: 'Not enough balance' }] } });
    const error = await sendExpectingError();
    expect(error).toMatchObject({ code: '99', retryable: false });
  });

  it('throws a retryable ProviderError when the recipient is already delivery_failed in the 201', async () => {
    emulator.enqueue({ status: 201, body: { id: 'f00d', recipients: { totalCount: 1, items: [{ recipient: 447700900123, status: 'delivery_failed' }] } } });
    const error = await sendExpectingError();
    expect(error).toMatchObject({ code: 'delivery_failed', status: 201, retryable: true });
    expectNoSecret(error);
  });

  it('throws a permanent InvalidResponse when a 2xx answer is not a Message object', async () => {
    emulator.enqueue({ status: 201, body: '<html>ok</html>' }, { status: 200, body: { recipients: {} } });
    expect(await sendExpectingError()).toMatchObject({ code: 'InvalidResponse', status: 201, retryable: false });
    expect(await sendExpectingError()).toMatchObject({ code: 'InvalidResponse', status: 200, retryable: false });
  });

  it('throws retryable, notAccepted ECONNREFUSED when nothing listens', async () => {
    // Prepare: a port that was just freed
    const gone = await startEmulator(() => ({ status: 500 }));
    await gone.close();
    const provider = createMessageBirdProvider(config({ baseUrl: gone.baseUrl }), { logger });
    // Act
    const error = await sendExpectingError(provider);
    // Assess
    expect(error).toMatchObject({ code: 'ECONNREFUSED', retryable: true, notAccepted: true });
    expectNoSecret(error);
  });

  it('throws retryable but not notAccepted when the connection drops after the request left', async () => {
    emulator.enqueue({ drop: true });
    const error = await sendExpectingError();
    expect(error).toMatchObject({ retryable: true, notAccepted: false });
    expect(error.code).not.toBe('Timeout');
  });

  it('throws a retryable Timeout promptly when MessageBird is slower than the signal', async () => {
    // Prepare
    emulator.enqueue({ status: 201, body: { id: 'late', recipients: { items: [] } }, delayMs: 2000 });
    const provider = createMessageBirdProvider(config(), { logger });
    const started = performance.now();
    // Act
    const error = await sendExpectingError(provider, { signal: AbortSignal.timeout(100) });
    // Assess
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ code: 'Timeout', retryable: true, notAccepted: false });
  });

  it('throws Timeout without calling MessageBird when the signal is already aborted', async () => {
    const error = await sendExpectingError(undefined, { signal: AbortSignal.abort() });
    expect(error).toMatchObject({ code: 'Timeout', retryable: true, notAccepted: true });
    expect(emulator.requests).toHaveLength(0);
  });

  it('reuses one TCP connection for two sends through one provider', async () => {
    // Prepare: a fresh origin, so fetch's pool holds no socket left over by the other tests
    const fresh = await startMessageBirdEmulator({ accessKey: emulator.accessKey });
    try {
      const provider = createMessageBirdProvider(config({ baseUrl: fresh.baseUrl }), { logger });
      // Act
      await provider.send(message, { signal: signal() });
      // fetch (undici) returns a socket to its pool one event-loop turn after the body ends;
      // Lambda invocations are always further apart than that, so the test waits one turn too.
      await new Promise((resolve) => setImmediate(resolve));
      await provider.send(message, { signal: signal() });
      // Assess
      expect(fresh.connections()).toBe(1);
      expect(fresh.requests.map((request) => request.connectionId)).toEqual([1, 1]);
    } finally {
      await fresh.close();
    }
  });

  it('warns, without the key, when the access key is a test key', () => {
    createMessageBirdProvider(config({ accessKey: new Secret('test_abcdef123456') }), { logger });
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('abcdef123456');
  });
});

describe('Provider: messagebird configuration', () => {
  const parse = (input: Record<string, string>) => messageBirdProvider.config.safeParse(input);
  const issues = (input: Record<string, string>) => {
    const result = parse(input);
    return result.success ? [] : result.error.issues.map((issue) => ({ key: String(issue.path[0]), message: issue.message }));
  };

  it('parses the access key as a Secret and applies the defaults', () => {
    const result = parse({ accessKey: 'live_Abc123SecretKeyXyz', originator: ' Acme ' });
    expect(result.success).toBe(true);
    const parsed = result.data as MessageBirdProviderConfig;
    expect(parsed.accessKey.reveal()).toBe('live_Abc123SecretKeyXyz');
    expect(parsed).toMatchObject({ originator: 'Acme', datacoding: 'auto', baseUrl: 'https://rest.messagebird.com' });
  });

  it('never prints the access key through JSON.stringify or util.inspect', () => {
    const parsed = parse({ accessKey: 'live_Abc123SecretKeyXyz', originator: 'Acme' }).data;
    expect(JSON.stringify(parsed)).not.toContain('Abc123');
    expect(inspect(parsed, { depth: 5 })).not.toContain('Abc123');
    expect(`${(parsed as MessageBirdProviderConfig).accessKey}`).toBe('[redacted]');
  });

  it('throws an issue on accessKey and originator when both are missing', () => {
    expect(issues({}).map((issue) => issue.key).sort()).toEqual(['accessKey', 'originator']);
    expect(issues({ accessKey: '', originator: 'Acme' })).toEqual([{ key: 'accessKey', message: 'is required' }]);
  });

  it.each(['+31612345678', '31612345678', '3669', 'Acme', 'Acme Bank 1', 'A1'])('accepts the originator %j', (originator) => {
    expect(issues({ accessKey: 'k', originator })).toEqual([]);
  });

  it.each(['TooLongSenderName', '12', '+0123456', '1234567890123456', 'Acme!', '   ', 'Ünïcode'])('rejects the originator %j with a readable message', (originator) => {
    const [issue, ...more] = issues({ accessKey: 'k', originator });
    expect(more).toHaveLength(0);
    expect(issue).toEqual({ key: 'originator', message: expect.stringMatching(/phone number with country code .* alphanumeric sender ID/) });
  });

  it.each(['not a url', 'ftp://rest.messagebird.com', 'rest.messagebird.com'])('rejects the base URL %j', (baseUrl) => {
    expect(issues({ accessKey: 'k', originator: 'Acme', baseUrl })).toEqual([
      { key: 'baseUrl', message: 'must be an http(s) URL such as https://rest.messagebird.com' },
    ]);
  });

  it('strips a trailing slash from the base URL and accepts plain http for a local emulator', () => {
    expect(parse({ accessKey: 'k', originator: 'Acme', baseUrl: 'http://127.0.0.1:8080/' }).data?.baseUrl).toBe('http://127.0.0.1:8080');
  });

  it('rejects an unknown datacoding', () => {
    expect(issues({ accessKey: 'k', originator: 'Acme', datacoding: 'utf8' })).toEqual([{ key: 'datacoding', message: 'must be plain, unicode or auto' }]);
    expect(parse({ accessKey: 'k', originator: 'Acme', datacoding: 'unicode' }).data?.datacoding).toBe('unicode');
  });
});
