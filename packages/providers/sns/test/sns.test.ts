import { inspect } from 'node:util';
import { isConfigError, isProviderError, maskPhoneNumber, type ProviderError, type SmsMessage } from '@cognito-sms/core/provider';
import { type Emulator, startEmulator } from '@cognito-sms/testkit';
import { publishInput, snsError, startSnsEmulator } from '@cognito-sms/testkit/emulators/sns';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import snsProvider, { createSnsProvider, type SnsProviderConfig } from '../src/index.js';

const credentials = { accessKeyId: 'AKIDSNSTEST', secretAccessKey: 'sns-test-secret' };
const message: SmsMessage = {
  to: '+447700900123',
  body: 'Код 123456 ✓',
  trigger: 'CustomSMSSender_SignUp',
  userPoolId: 'eu-west-1_TestPool1',
};
const config: SnsProviderConfig = { smsType: 'Transactional' };
const signal = () => AbortSignal.timeout(5000);

/** Points the SDK's default chain at `endpoint` (set before create: the client reads it once). */
function stubAws(endpoint: string, extra: Record<string, string> = {}) {
  vi.stubEnv('AWS_ENDPOINT_URL_SNS', endpoint);
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', credentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey);
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  for (const [key, value] of Object.entries(extra)) vi.stubEnv(key, value);
}

async function sendError(provider: Awaited<ReturnType<typeof createSnsProvider>>, msg: SmsMessage = message): Promise<ProviderError> {
  const error = await provider.send(msg, { signal: signal() }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(isProviderError(error)).toBe(true);
  return error as ProviderError;
}

describe('Provider: sns', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startSnsEmulator({ region: 'eu-west-1', credentials });
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset();
    stubAws(emulator.baseUrl);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('publishes to the phone number with every SMS attribute, signed for sns, and returns the MessageId', async () => {
    // Prepare
    const provider = await createSnsProvider(
      { smsType: 'Transactional', senderId: 'Acme', originationNumber: '+14155550100', maxPrice: '0.50' },
      {},
    );
    // Act
    const receipt = await provider.send(message, { signal: signal() });
    // Assess
    const [request, ...more] = emulator.requests;
    expect(more).toHaveLength(0);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(String(request?.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDSNSTEST\/\d{8}\/eu-west-1\/sns\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/,
    );
    const input = publishInput(request as NonNullable<typeof request>);
    expect(input).toEqual({
      action: 'Publish',
      version: '2010-03-31',
      phoneNumber: '+447700900123',
      topicArn: null,
      targetArn: null,
      message: 'Код 123456 ✓',
      attributes: {
        'AWS.SNS.SMS.SMSType': { dataType: 'String', stringValue: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { dataType: 'String', stringValue: 'Acme' },
        'AWS.SNS.SMS.OriginationNumber': { dataType: 'String', stringValue: '+14155550100' },
        'AWS.SNS.SMS.MaxPrice': { dataType: 'Number', stringValue: '0.50' },
      },
    });
    // The body travels as percent-encoded UTF-8, intact.
    expect(request?.body).toContain('Message=%D0%9A%D0%BE%D0%B4%20123456%20%E2%9C%93');
    expect(receipt).toEqual({ provider: 'sns', messageId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('sends only SMSType when the optional attributes are not configured', async () => {
    const provider = await createSnsProvider({ smsType: 'Promotional' }, {});
    await provider.send(message, { signal: signal() });
    expect(publishInput(emulator.requests[0] as NonNullable<(typeof emulator.requests)[0]>).attributes).toEqual({
      'AWS.SNS.SMS.SMSType': { dataType: 'String', stringValue: 'Promotional' },
    });
  });

  it.each([
    ['Acme2', 'AWS.SNS.SMS.SenderID'],
    ['+14155550111', 'AWS.SNS.SMS.OriginationNumber'],
  ])("sends the destination's sender %s as %s instead of the configured ones", async (sender, attribute) => {
    const provider = await createSnsProvider({ smsType: 'Transactional', senderId: 'Acme', originationNumber: '+14155550100' }, {});
    await provider.send({ ...message, sender }, { signal: signal() });
    expect(publishInput(emulator.requests[0] as NonNullable<(typeof emulator.requests)[0]>).attributes).toEqual({
      'AWS.SNS.SMS.SMSType': { dataType: 'String', stringValue: 'Transactional' },
      [attribute]: { dataType: 'String', stringValue: sender },
    });
  });

  it('reuses one TCP connection for two sends through one provider', async () => {
    const provider = await createSnsProvider(config, {});
    const before = emulator.connections();
    await provider.send(message, { signal: signal() });
    await provider.send(message, { signal: signal() });
    expect(emulator.connections() - before).toBe(1);
    expect(emulator.requests.map((r) => r.connectionId)).toEqual([before + 1, before + 1]);
  });

  it.each([
    // [wire code, status, AWS error name kept as code, retryable, notAccepted]
    ['InvalidParameter', 400, 'InvalidParameterException', false, false],
    ['ParameterValueInvalid', 400, 'InvalidParameterValueException', false, false],
    ['AuthorizationError', 403, 'AuthorizationErrorException', false, false],
    ['OptedOut', 400, 'OptedOutException', false, false],
    ['EndpointDisabled', 400, 'EndpointDisabledException', false, false],
    ['ValidationException', 400, 'ValidationException', false, false],
    ['NotFound', 404, 'NotFoundException', false, false],
    ['Throttling', 400, 'Throttling', true, true],
    ['Throttled', 429, 'ThrottledException', true, true],
    ['InternalError', 500, 'InternalErrorException', true, false],
    ['ServiceUnavailable', 503, 'ServiceUnavailable', true, false],
    ['SomethingNew', 400, 'SomethingNew', false, false],
  ] as const)('throws %s (HTTP %i) as ProviderError %s, retryable %s', async (wire, status, code, retryable, notAccepted) => {
    // Prepare
    const provider = await createSnsProvider(config, {});
    emulator.enqueue(snsError(wire, `${wire} happened`, { requestId: 'req-123' }));
    // Act
    const error = await sendError(provider);
    // Assess
    expect(error.provider).toBe('sns');
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(retryable);
    expect(error.notAccepted).toBe(notAccepted);
    expect(error.message).toBe(`sns: Publish refused with HTTP ${status} ${wire}: ${wire} happened (request id req-123)`);
  });

  it('throws an unknown 5xx as retryable', async () => {
    const provider = await createSnsProvider(config, {});
    emulator.enqueue(snsError('BrandNewFault', 'oops', { status: 502 }));
    const error = await sendError(provider);
    expect([error.code, error.status, error.retryable]).toEqual(['BrandNewFault', 502, true]);
  });

  it('throws InvalidParameter for a number SNS will not publish to, with the number masked in the message', async () => {
    // Prepare: not E.164, so the emulator refuses it the way SNS does, echoing the number.
    const provider = await createSnsProvider(config, {});
    // Act
    const error = await sendError(provider, { ...message, to: '+0447700900123' });
    // Assess
    expect(error.code).toBe('InvalidParameterException');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('Invalid parameter: PhoneNumber Reason:');
    expect(error.message).not.toContain('0447700900123');
  });

  it('throws SignatureDoesNotMatch (403, permanent) when the secret key is wrong', async () => {
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'not-the-secret');
    const provider = await createSnsProvider(config, {});
    const error = await sendError(provider);
    expect([error.code, error.status, error.retryable]).toEqual(['SignatureDoesNotMatch', 403, false]);
    expect(error.message).not.toContain('not-the-secret');
  });

  it('throws InvalidClientTokenId (403, permanent) for an unknown access key', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDUNKNOWN');
    const provider = await createSnsProvider(config, {});
    const error = await sendError(provider);
    expect([error.code, error.status, error.retryable]).toEqual(['InvalidClientTokenId', 403, false]);
  });

  it('throws a retryable, not-accepted ECONNREFUSED when nothing listens', async () => {
    // Prepare
    const closed = await startEmulator(() => ({ status: 200 }));
    await closed.close();
    stubAws(closed.baseUrl);
    const provider = await createSnsProvider(config, {});
    // Act
    const error = await sendError(provider);
    // Assess
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.retryable).toBe(true);
    expect(error.notAccepted).toBe(true);
    expect(error.status).toBeUndefined();
  });

  it('throws a retryable ECONNRESET when the connection drops mid-request', async () => {
    const provider = await createSnsProvider(config, {});
    emulator.enqueue({ drop: true });
    const error = await sendError(provider);
    expect(error.code).toBe('ECONNRESET');
    expect([error.retryable, error.notAccepted]).toEqual([true, false]);
  });

  it('throws Timeout promptly when SNS answers slower than the signal allows', async () => {
    // Prepare
    const provider = await createSnsProvider(config, {});
    emulator.enqueue({ delayMs: 2000, status: 200 });
    const started = performance.now();
    // Act
    const error = await provider.send(message, { signal: AbortSignal.timeout(100) }).catch((e: unknown) => e as ProviderError);
    // Assess
    expect(performance.now() - started).toBeLessThan(1000);
    expect(isProviderError(error)).toBe(true);
    expect((error as ProviderError).code).toBe('Timeout');
    expect((error as ProviderError).retryable).toBe(true);
  });

  it('throws ProviderErrors whose message and inspection hold neither the code nor the full number', async () => {
    // Prepare: an answer that echoes both (as AWS validation messages can).
    const provider = await createSnsProvider(config, {});
    emulator.enqueue(
      snsError('InvalidParameter', `Invalid parameter: Value '${message.body}' at 'message' for +447700900123; code 123456; 447700900123`),
    );
    // Act
    const error = await sendError(provider);
    // Assess
    for (const text of [error.message, inspect(error, { depth: 5 }), JSON.stringify(error)]) {
      expect(text).not.toContain('123456');
      expect(text).not.toContain('447700900123');
      expect(text).not.toContain('Код');
    }
    expect(error.message).toContain(maskPhoneNumber(message.to));
  });

  describe('configuration', () => {
    const parse = (raw: Record<string, string>) => snsProvider.config.safeParse(raw);

    it('defaults SMS type to Transactional and accepts any case', () => {
      expect(parse({})).toEqual({ success: true, data: { smsType: 'Transactional' } });
      expect(parse({ smsType: 'promotional' }).data).toEqual({ smsType: 'Promotional' });
    });

    it.each([
      ['smsType', 'Bulk', /Transactional or Promotional/],
      ['senderId', 'Acme Corp Ltd', /1 to 11 letters or digits/],
      ['senderId', '12345', /at least one letter/],
      ['originationNumber', 'call me', /E\.164/],
      ['maxPrice', '$1', /amount in USD/],
    ])('rejects %s=%s with a readable message', (key, value, pattern) => {
      const result = parse({ [key]: value });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual([key]);
      expect(result.error?.issues[0]?.message).toMatch(pattern);
    });

    it('holds no secret: the parsed config inspects and serialises to plain settings', () => {
      const parsed = snsProvider.config.parse({ senderId: 'Acme', smsType: 'Transactional' });
      expect(JSON.stringify(parsed)).toBe('{"smsType":"Transactional","senderId":"Acme"}');
      expect(inspect(parsed)).not.toContain(credentials.secretAccessKey);
    });

    it('throws a ConfigError naming AWS_REGION when no region is configured', async () => {
      vi.stubEnv('AWS_REGION', '');
      vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
      const error = await createSnsProvider(config, {}).catch((e: unknown) => e);
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message).toMatch(/AWS_REGION/);
    });

    it('throws a ConfigError naming AWS_ACCESS_KEY_ID when the SDK finds no credentials', async () => {
      vi.stubEnv('AWS_ACCESS_KEY_ID', '');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
      vi.stubEnv('AWS_PROFILE', 'cognito-sms-test-no-such-profile');
      vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
      vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
      const error = await createSnsProvider(config, {}).catch((e: unknown) => e);
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message).toMatch(/AWS_ACCESS_KEY_ID: no AWS credentials/);
    });

    it('throws a ConfigError naming AWS_ENDPOINT_URL_SNS when the endpoint is not a URL', async () => {
      vi.stubEnv('AWS_ENDPOINT_URL_SNS', 'localhost-4566');
      const error = await createSnsProvider(config, {}).catch((e: unknown) => e);
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message).toMatch(/AWS_ENDPOINT_URL_SNS: "localhost-4566" is not an http\(s\) URL/);
    });
  });
});
