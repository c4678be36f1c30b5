import { inspect } from 'node:util';
import { isConfigError, isProviderError, maskPhoneNumber, type ProviderError, type SmsMessage, type SmsProvider } from '@cognito-sms/core/provider';
import { type Emulator, startEmulator } from '@cognito-sms/testkit';
import { endUserMessagingError, startEndUserMessagingEmulator } from '@cognito-sms/testkit/emulators/end-user-messaging';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import endUserMessaging, { createEndUserMessagingProvider, type EndUserMessagingProviderConfig } from '../src/index.js';

const credentials = { accessKeyId: 'AKIDEUMTEST', secretAccessKey: 'eum-test-secret' };
const message: SmsMessage = {
  to: '+447700900123',
  body: 'Код 123456 ✓',
  trigger: 'CustomSMSSender_SignUp',
  userPoolId: 'eu-west-1_TestPool1',
};
const config: EndUserMessagingProviderConfig = { messageType: 'TRANSACTIONAL', dryRun: false };
const signal = () => AbortSignal.timeout(5000);

/** Points the SDK's default chain at `endpoint` (set before create: the client reads it once). */
function stubAws(endpoint: string) {
  vi.stubEnv('AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2', endpoint);
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', credentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey);
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
}

async function sendError(provider: SmsProvider, msg: SmsMessage = message): Promise<ProviderError> {
  const error = await provider.send(msg, { signal: signal() }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(isProviderError(error)).toBe(true);
  return error as ProviderError;
}

describe('Provider: end-user-messaging', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEndUserMessagingEmulator({
      region: 'eu-west-1',
      credentials,
      originationIdentities: ['pool-0123456789abcdef', '+14155550100'],
      configurationSets: ['otp-events'],
      optedOutNumbers: ['+447700900999'],
    });
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

  it('sends SendTextMessage with every configured field, signed for sms-voice, and returns the MessageId', async () => {
    // Prepare
    const provider = await createEndUserMessagingProvider(
      {
        originationIdentity: 'pool-0123456789abcdef',
        configurationSet: 'otp-events',
        messageType: 'TRANSACTIONAL',
        maxPrice: '0.50',
        timeToLive: 300,
        protectConfigurationId: 'protect-0123456789abcdef',
        dryRun: true,
      },
      {},
    );
    // Act
    const receipt = await provider.send(message, { signal: signal() });
    // Assess
    const [request, ...more] = emulator.requests;
    expect(more).toHaveLength(0);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/');
    expect(request?.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(request?.headers['x-amz-target']).toBe('PinpointSMSVoiceV2.SendTextMessage');
    expect(String(request?.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEUMTEST\/\d{8}\/eu-west-1\/sms-voice\/aws4_request, SignedHeaders=[^,]*x-amz-target[^,]*, Signature=[0-9a-f]{64}$/,
    );
    expect(request?.json).toEqual({
      DestinationPhoneNumber: '+447700900123',
      OriginationIdentity: 'pool-0123456789abcdef',
      MessageBody: 'Код 123456 ✓',
      MessageType: 'TRANSACTIONAL',
      ConfigurationSetName: 'otp-events',
      MaxPrice: '0.50',
      TimeToLive: 300,
      Context: { cognitoTrigger: 'CustomSMSSender_SignUp', cognitoUserPoolId: 'eu-west-1_TestPool1' },
      DryRun: true,
      ProtectConfigurationId: 'protect-0123456789abcdef',
    });
    // The body travels as UTF-8 JSON, not escaped or transcoded.
    expect(request?.body).toContain('"MessageBody":"Код 123456 ✓"');
    expect(receipt).toEqual({ provider: 'end-user-messaging', messageId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('sends only the required fields and MessageType when nothing optional is configured', async () => {
    const provider = await createEndUserMessagingProvider(config, {});
    await provider.send(message, { signal: signal() });
    expect(emulator.requests[0]?.json).toEqual({
      DestinationPhoneNumber: '+447700900123',
      MessageBody: 'Код 123456 ✓',
      MessageType: 'TRANSACTIONAL',
      Context: { cognitoTrigger: 'CustomSMSSender_SignUp', cognitoUserPoolId: 'eu-west-1_TestPool1' },
    });
  });

  it('sends the destination\'s sender as OriginationIdentity instead of the configured one', async () => {
    const provider = await createEndUserMessagingProvider({ ...config, originationIdentity: 'pool-0123456789abcdef' }, {});
    await provider.send({ ...message, sender: '+14155550100' }, { signal: signal() });
    expect(emulator.requests[0]?.json).toMatchObject({ OriginationIdentity: '+14155550100' });
  });

  it('reuses one TCP connection for two sends through one provider', async () => {
    const provider = await createEndUserMessagingProvider(config, {});
    const before = emulator.connections();
    await provider.send(message, { signal: signal() });
    await provider.send(message, { signal: signal() });
    expect(emulator.connections() - before).toBe(1);
    expect(emulator.requests.map((r) => r.connectionId)).toEqual([before + 1, before + 1]);
  });

  it.each([
    // [error, reason, status, retryable, notAccepted]
    ['ValidationException', 'INVALID_PARAMETER', 400, false, false],
    ['ValidationException', 'DESTINATION_COUNTRY_BLOCKED', 400, false, false],
    ['ConflictException', 'DESTINATION_PHONE_NUMBER_OPTED_OUT', 400, false, false],
    ['ResourceNotFoundException', undefined, 400, false, false],
    ['AccessDeniedException', 'ACCOUNT_DISABLED', 400, false, false],
    ['ThrottlingException', undefined, 400, true, true],
    ['ServiceQuotaExceededException', 'MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT', 400, true, true],
    ['InternalServerException', undefined, 500, true, false],
    ['ServiceUnavailable', undefined, 503, true, false],
    ['UnrecognizedClientException', undefined, 400, false, false],
    ['SomethingNewException', undefined, 400, false, false],
  ] as const)('throws %s (%s, HTTP %i) with retryable %s', async (type, reason, status, retryable, notAccepted) => {
    // Prepare
    const provider = await createEndUserMessagingProvider(config, {});
    emulator.enqueue(endUserMessagingError(type, { message: `${type} happened`, reason, requestId: 'req-9' }));
    // Act
    const error = await sendError(provider);
    // Assess
    expect(error.provider).toBe('end-user-messaging');
    expect(error.code).toBe(type);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(retryable);
    expect(error.notAccepted).toBe(notAccepted);
    expect(error.message).toBe(
      `end-user-messaging: SendTextMessage refused with HTTP ${status} ${type}${reason ? ` (${reason})` : ''}: ${type} happened (request id req-9)`,
    );
  });

  it('throws an unknown 5xx as retryable', async () => {
    const provider = await createEndUserMessagingProvider(config, {});
    emulator.enqueue(endUserMessagingError('BrandNewFault', { status: 502 }));
    const error = await sendError(provider);
    expect([error.code, error.status, error.retryable]).toEqual(['BrandNewFault', 502, true]);
  });

  it('throws ValidationException for a malformed number, without echoing it', async () => {
    // Prepare: the emulator answers as AWS validation does, quoting the value.
    const provider = await createEndUserMessagingProvider(config, {});
    // Act
    const error = await sendError(provider, { ...message, to: '+0447700900123' });
    // Assess
    expect(error.code).toBe('ValidationException');
    expect(error.message).toContain('(FIELD_VALIDATION_FAILED)');
    expect(error.message).toContain("at 'destinationPhoneNumber'");
    expect(error.message).not.toContain('0447700900123');
  });

  it('throws ValidationException for a body over 1600 characters, without echoing it', async () => {
    const provider = await createEndUserMessagingProvider(config, {});
    const long = { ...message, body: `Your code is 987654 ${'x'.repeat(1600)}` };
    const error = await sendError(provider, long);
    expect(error.code).toBe('ValidationException');
    expect(error.message).not.toContain('987654');
    expect(error.message).not.toContain('xxxx');
  });

  it('throws ResourceNotFoundException (permanent) for an origination identity the account does not own', async () => {
    const provider = await createEndUserMessagingProvider({ ...config, originationIdentity: 'pool-ffffffffffffffff' }, {});
    const error = await sendError(provider);
    expect([error.code, error.retryable]).toEqual(['ResourceNotFoundException', false]);
  });

  it('throws ConflictException DESTINATION_PHONE_NUMBER_OPTED_OUT (permanent) for an opted-out number', async () => {
    const provider = await createEndUserMessagingProvider(config, {});
    const error = await sendError(provider, { ...message, to: '+447700900999' });
    expect([error.code, error.retryable]).toEqual(['ConflictException', false]);
    expect(error.message).toContain('DESTINATION_PHONE_NUMBER_OPTED_OUT');
  });

  it('throws InvalidSignatureException (permanent) when the secret key is wrong', async () => {
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'not-the-secret');
    const provider = await createEndUserMessagingProvider(config, {});
    const error = await sendError(provider);
    expect([error.code, error.status, error.retryable]).toEqual(['InvalidSignatureException', 400, false]);
    expect(error.message).not.toContain('not-the-secret');
  });

  it('throws a retryable, not-accepted ECONNREFUSED when nothing listens', async () => {
    const closed = await startEmulator(() => ({ status: 200 }));
    await closed.close();
    stubAws(closed.baseUrl);
    const provider = await createEndUserMessagingProvider(config, {});
    const error = await sendError(provider);
    expect([error.code, error.retryable, error.notAccepted, error.status]).toEqual(['ECONNREFUSED', true, true, undefined]);
  });

  it('throws a retryable ECONNRESET when the connection drops mid-request', async () => {
    const provider = await createEndUserMessagingProvider(config, {});
    emulator.enqueue({ drop: true });
    const error = await sendError(provider);
    expect([error.code, error.retryable, error.notAccepted]).toEqual(['ECONNRESET', true, false]);
  });

  it('throws Timeout promptly when the service answers slower than the signal allows', async () => {
    const provider = await createEndUserMessagingProvider(config, {});
    emulator.enqueue({ delayMs: 2000, status: 200 });
    const started = performance.now();
    const error = await provider.send(message, { signal: AbortSignal.timeout(100) }).catch((e: unknown) => e as ProviderError);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(isProviderError(error)).toBe(true);
    expect([(error as ProviderError).code, (error as ProviderError).retryable]).toEqual(['Timeout', true]);
  });

  it('throws ProviderErrors whose message and inspection hold neither the code nor the full number', async () => {
    const provider = await createEndUserMessagingProvider(config, {});
    emulator.enqueue(
      endUserMessagingError('ValidationException', {
        message: `Value '${message.body}' at 'messageBody' bad; to ${message.to}; code 123456; 447700900123`,
        reason: 'INVALID_PARAMETER',
      }),
    );
    const error = await sendError(provider);
    for (const text of [error.message, inspect(error, { depth: 5 }), JSON.stringify(error)]) {
      expect(text).not.toContain('123456');
      expect(text).not.toContain('447700900123');
      expect(text).not.toContain('Код');
    }
    expect(error.message).toContain(maskPhoneNumber(message.to));
  });

  describe('configuration', () => {
    const parse = (raw: Record<string, string>) => endUserMessaging.config.safeParse(raw);

    it('defaults to TRANSACTIONAL, no dry run, and parses every setting from strings', () => {
      expect(parse({}).data).toEqual({ messageType: 'TRANSACTIONAL', dryRun: false });
      expect(
        parse({
          originationIdentity: 'arn:aws:sms-voice:eu-west-1:111122223333:pool/pool-0123456789abcdef',
          configurationSet: 'otp-events',
          messageType: 'promotional',
          maxPrice: '0.05',
          timeToLive: '300',
          protectConfigurationId: 'protect-1',
          dryRun: 'true',
        }).data,
      ).toEqual({
        originationIdentity: 'arn:aws:sms-voice:eu-west-1:111122223333:pool/pool-0123456789abcdef',
        configurationSet: 'otp-events',
        messageType: 'PROMOTIONAL',
        maxPrice: '0.05',
        timeToLive: 300,
        protectConfigurationId: 'protect-1',
        dryRun: true,
      });
    });

    it.each([
      ['originationIdentity', 'my pool', /phone number \(E\.164\), sender ID, pool ID/],
      ['configurationSet', 'otp events', /configuration set name or ARN/],
      ['messageType', 'MARKETING', /TRANSACTIONAL or PROMOTIONAL/],
      ['maxPrice', '1', /decimal point/],
      ['timeToLive', '2', /at least 5 seconds/],
      ['timeToLive', 'soon', /number of seconds/],
      ['dryRun', 'maybe', /true or false/],
    ])('rejects %s=%s with a readable message', (key, value, pattern) => {
      const result = parse({ [key]: value });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual([key]);
      expect(result.error?.issues[0]?.message).toMatch(pattern);
    });

    it('holds no secret: the parsed config inspects and serialises to plain settings', () => {
      const parsed = endUserMessaging.config.parse({ originationIdentity: '+14155550100' });
      expect(JSON.parse(JSON.stringify(parsed))).toEqual({ originationIdentity: '+14155550100', messageType: 'TRANSACTIONAL', dryRun: false });
      expect(inspect(parsed)).not.toContain(credentials.secretAccessKey);
    });

    it('throws a ConfigError naming AWS_REGION when no region is configured', async () => {
      vi.stubEnv('AWS_REGION', '');
      vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
      const error = await createEndUserMessagingProvider(config, {}).catch((e: unknown) => e);
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message).toMatch(/AWS_REGION/);
    });

    it('throws a ConfigError naming AWS_ACCESS_KEY_ID when the SDK finds no credentials', async () => {
      vi.stubEnv('AWS_ACCESS_KEY_ID', '');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
      vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
      vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
      const error = await createEndUserMessagingProvider(config, {}).catch((e: unknown) => e);
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message).toMatch(/AWS_ACCESS_KEY_ID: no AWS credentials/);
    });

    it('throws a ConfigError naming AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2 when the endpoint is not a URL', async () => {
      vi.stubEnv('AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2', 'localhost:4566');
      const error = await createEndUserMessagingProvider(config, {}).catch((e: unknown) => e);
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message).toMatch(/AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: "localhost:4566" is not an http\(s\) URL/);
    });
  });
});
