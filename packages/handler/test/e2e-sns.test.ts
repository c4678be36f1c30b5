import { isConfigError, isProviderError } from '@cognito-sms/core';
import { cognitoEvent, type Emulator } from '@cognito-sms/testkit';
import { publishInput, snsError, startSnsEmulator } from '@cognito-sms/testkit/emulators/sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const PHONE = '+447700900123';

describe('Handler: SMS_PROVIDER=sns, end to end', () => {
  let sns: Emulator;
  beforeAll(async () => {
    // The harness has already pointed the SDK at its KMS with AKIDHARNESS / harness-secret;
    // SNS gets its own endpoint through the SDK's standard variable, before any create().
    sns = await startSnsEmulator({ region: h.kms.region, credentials: { accessKeyId: 'AKIDHARNESS', secretAccessKey: 'harness-secret' } });
    vi.stubEnv('AWS_ENDPOINT_URL_SNS', sns.baseUrl);
  });
  afterAll(async () => {
    await sns.close();
  });
  beforeEach(() => {
    sns.reset();
  });

  it('publishes the decrypted code to the phone number as a Transactional SMS', async () => {
    // Prepare
    const handler = await createHandler(h.env({ SMS_PROVIDER: 'sns', SNS_SENDER_ID: 'Acme' }));
    const event = cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt('918273'), phoneNumber: PHONE });
    // Act
    const receipt = await handler(event, h.context);
    // Assess
    const [request, ...more] = sns.requests;
    expect(more).toHaveLength(0);
    expect(String(request?.headers.authorization)).toContain('/sns/aws4_request');
    const input = publishInput(request as NonNullable<typeof request>);
    expect(input.action).toBe('Publish');
    expect(input.phoneNumber).toBe(PHONE);
    expect(input.message).toBe('Your verification code is 918273');
    expect(input.attributes['AWS.SNS.SMS.SMSType']?.stringValue).toBe('Transactional');
    expect(input.attributes['AWS.SNS.SMS.SenderID']?.stringValue).toBe('Acme');
    expect(receipt.provider).toBe('sns');
    expect(receipt.messageId).toMatch(/^[0-9a-f-]{36}$/);
    const logs = h.output.join('');
    expect(logs).toContain('"SMS sent"');
    expect(logs).not.toContain('918273');
    expect(logs).not.toContain(PHONE);
  });

  it('throws the permanent ProviderError and logs neither the code nor the full number', async () => {
    // Prepare: SNS refuses, echoing the number in its message.
    const handler = await createHandler(h.env({ SMS_PROVIDER: 'sns' }));
    sns.enqueue(snsError('InvalidParameter', `Invalid parameter: PhoneNumber Reason: ${PHONE} is not valid to publish to`));
    const event = cognitoEvent('CustomSMSSender_Authentication', { code: await h.encrypt('554433'), phoneNumber: PHONE });
    // Act
    const error = await handler(event, h.context).catch((e: unknown) => e);
    // Assess
    expect(isProviderError(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'sns', code: 'InvalidParameterException', retryable: false, status: 400 });
    expect(sns.requests).toHaveLength(1);
    const logs = h.output.join('');
    expect(logs).toContain('InvalidParameterException');
    expect(logs).not.toContain('554433');
    expect(logs).not.toContain(PHONE);
    expect(logs).not.toContain(PHONE.slice(1));
  });

  it('rejects at cold start with a ConfigError naming SNS_SMS_TYPE when it is invalid', async () => {
    const error = await createHandler(h.env({ SMS_PROVIDER: 'sns', SNS_SMS_TYPE: 'Bulk' })).catch((e: unknown) => e);
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toMatch(/SNS_SMS_TYPE: must be Transactional or Promotional/);
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
      const error = await createHandler(h.env({ SMS_PROVIDER: 'sns' })).catch((e: unknown) => e);
      // Assess
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message).toMatch(/AWS_ACCESS_KEY_ID: no AWS credentials/);
      expect(sns.requests).toHaveLength(0);
    } finally {
      vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDHARNESS');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'harness-secret');
    }
  });

  it('rejects at cold start with a ConfigError naming AWS_REGION when no region is set', async () => {
    vi.stubEnv('AWS_REGION', '');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    try {
      const error = await createHandler(h.env({ SMS_PROVIDER: 'sns' })).catch((e: unknown) => e);
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message).toMatch(/AWS_REGION: is required by the SNS client/);
    } finally {
      vi.stubEnv('AWS_REGION', h.kms.region);
    }
  });
});
