import { isConfigError, isProviderError } from '@cognito-sms/core';
import { cognitoEvent, type Emulator } from '@cognito-sms/testkit';
import { endUserMessagingError, startEndUserMessagingEmulator } from '@cognito-sms/testkit/emulators/end-user-messaging';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const PHONE = '+447700900123';
const POOL = 'pool-0123456789abcdef';

describe('Handler: SMS_PROVIDER=end-user-messaging, end to end', () => {
  let eum: Emulator;
  beforeAll(async () => {
    // The harness has already pointed the SDK at its KMS with AKIDHARNESS / harness-secret;
    // End User Messaging gets its own endpoint through the SDK's standard variable, before any create().
    eum = await startEndUserMessagingEmulator({
      region: h.kms.region,
      credentials: { accessKeyId: 'AKIDHARNESS', secretAccessKey: 'harness-secret' },
      originationIdentities: [POOL],
    });
    vi.stubEnv('AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2', eum.baseUrl);
  });
  afterAll(async () => {
    await eum.close();
  });
  beforeEach(() => {
    eum.reset();
  });

  it('sends the decrypted code with SendTextMessage from the configured origination identity', async () => {
    // Prepare
    const handler = await createHandler(
      h.env({ SMS_PROVIDER: 'end-user-messaging', END_USER_MESSAGING_ORIGINATION_IDENTITY: POOL, END_USER_MESSAGING_TIME_TO_LIVE: '300' }),
    );
    const event = cognitoEvent('CustomSMSSender_ForgotPassword', { code: await h.encrypt('918273'), phoneNumber: PHONE });
    // Act
    const receipt = await handler(event, h.context);
    // Assess
    const [request, ...more] = eum.requests;
    expect(more).toHaveLength(0);
    expect(request?.headers['x-amz-target']).toBe('PinpointSMSVoiceV2.SendTextMessage');
    expect(String(request?.headers.authorization)).toContain('/sms-voice/aws4_request');
    expect(request?.json).toEqual({
      DestinationPhoneNumber: PHONE,
      OriginationIdentity: POOL,
      MessageBody: 'Your password reset code is 918273',
      MessageType: 'TRANSACTIONAL',
      TimeToLive: 300,
      Context: { cognitoTrigger: 'CustomSMSSender_ForgotPassword', cognitoUserPoolId: 'eu-west-1_TestPool1' },
    });
    expect(receipt.provider).toBe('end-user-messaging');
    expect(receipt.messageId).toMatch(/^[0-9a-f-]{36}$/);
    const logs = h.output.join('');
    expect(logs).toContain('"SMS sent"');
    expect(logs).not.toContain('918273');
    expect(logs).not.toContain(PHONE);
  });

  it('throws the permanent ProviderError and logs neither the code nor the full number', async () => {
    // Prepare: AWS refuses, quoting the number in its message.
    const handler = await createHandler(h.env({ SMS_PROVIDER: 'end-user-messaging' }));
    eum.enqueue(
      endUserMessagingError('ValidationException', {
        message: `Value '${PHONE}' at 'destinationPhoneNumber': destination country is blocked`,
        reason: 'DESTINATION_COUNTRY_BLOCKED',
      }),
    );
    const event = cognitoEvent('CustomSMSSender_Authentication', { code: await h.encrypt('554433'), phoneNumber: PHONE });
    // Act
    const error = await handler(event, h.context).catch((e: unknown) => e);
    // Assess
    expect(isProviderError(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'end-user-messaging', code: 'ValidationException', retryable: false, status: 400 });
    expect(eum.requests).toHaveLength(1);
    const logs = h.output.join('');
    expect(logs).toContain('DESTINATION_COUNTRY_BLOCKED');
    expect(logs).not.toContain('554433');
    expect(logs).not.toContain(PHONE);
    expect(logs).not.toContain(PHONE.slice(1));
  });

  it('rejects at cold start with a ConfigError naming END_USER_MESSAGING_MAX_PRICE when it is invalid', async () => {
    const error = await createHandler(h.env({ SMS_PROVIDER: 'end-user-messaging', END_USER_MESSAGING_MAX_PRICE: '$1' })).catch(
      (e: unknown) => e,
    );
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toMatch(/END_USER_MESSAGING_MAX_PRICE: must be an amount in USD/);
  });

  it('rejects at cold start with a ConfigError naming AWS_ACCESS_KEY_ID when the SDK finds no credentials', async () => {
    // Prepare: empty the whole default chain (env, files, instance metadata).
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    try {
      // Act
      const error = await createHandler(h.env({ SMS_PROVIDER: 'end-user-messaging' })).catch((e: unknown) => e);
      // Assess
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message).toMatch(/AWS_ACCESS_KEY_ID: no AWS credentials/);
      expect(eum.requests).toHaveLength(0);
    } finally {
      vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDHARNESS');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'harness-secret');
    }
  });

  it('rejects at cold start with a ConfigError naming AWS_REGION when no region is set', async () => {
    vi.stubEnv('AWS_REGION', '');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    try {
      const error = await createHandler(h.env({ SMS_PROVIDER: 'end-user-messaging' })).catch((e: unknown) => e);
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message).toMatch(/AWS_REGION: is required by the End User Messaging client/);
    } finally {
      vi.stubEnv('AWS_REGION', h.kms.region);
    }
  });
});
