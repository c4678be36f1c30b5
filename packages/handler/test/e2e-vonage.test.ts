import { isConfigError, isProviderError } from '@cognito-sms/core';
import { cognitoEvent } from '@cognito-sms/testkit';
import { startVonageEmulator, type VonageEmulator, vonageError } from '@cognito-sms/testkit/emulators/vonage';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const API_KEY = 'e2ek3y01';
const API_SECRET = 'e2e-Vonage-Secret-42';
let vonage: VonageEmulator;

const vonageEnv = (extra: Record<string, string | undefined> = {}) =>
  h.env({
    SMS_PROVIDER: 'vonage',
    VONAGE_API_KEY: API_KEY,
    VONAGE_API_SECRET: API_SECRET,
    VONAGE_FROM: 'AcmeInc',
    VONAGE_BASE_URL: vonage.baseUrl,
    ...extra,
  });

beforeAll(async () => {
  vonage = await startVonageEmulator({ apiKey: API_KEY, apiSecret: API_SECRET });
});
afterAll(async () => {
  await vonage.close();
});
beforeEach(() => {
  vonage.reset();
});

describe('Handler: SMS_PROVIDER=vonage, end to end', () => {
  it('delivers the decrypted code to Vonage and logs neither the code nor the number', async () => {
    // Prepare
    const handler = await createHandler(vonageEnv());
    const event = cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt('918273') });
    // Act
    const receipt = await handler(event, h.context);
    // Assess
    const [request, ...more] = vonage.requests;
    expect(more).toHaveLength(0);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/sms/json');
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')}`);
    expect(request?.json).toEqual({ from: 'AcmeInc', to: '447700900123', text: 'Your verification code is 918273', type: 'text' });
    expect(receipt).toEqual({ provider: 'vonage', messageId: vonage.delivered[0]?.messageIds[0], segments: 1 });
    const output = h.output.join('');
    expect(output).toContain('"SMS sent"');
    for (const secret of ['918273', '+447700900123', '447700900123', API_SECRET]) expect(output).not.toContain(secret);
  });

  it('delivers an AdminCreateUser temporary password unescaped', async () => {
    const handler = await createHandler(vonageEnv());
    const event = cognitoEvent('CustomSMSSender_AdminCreateUser', { code: await h.encrypt('Q7&lt;zz&amp;9!'), userName: 'ana' });
    await handler(event, h.context);
    expect(vonage.delivered[0]?.text).toBe('Your username is ana and your temporary password is Q7<zz&9!');
  });

  it('throws a permanent ProviderError when Vonage rejects the number, and logs no secret', async () => {
    // Prepare
    const handler = await createHandler(vonageEnv());
    vonage.enqueue(vonageError(7, 'Number barred 447700900123'));
    const event = cognitoEvent('CustomSMSSender_Authentication', { code: await h.encrypt('564738') });
    // Act
    const error = await handler(event, h.context).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    // Assess
    expect(isProviderError(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'vonage', code: '7', retryable: false });
    const output = h.output.join('');
    expect(output).toContain('SMS not delivered');
    for (const secret of ['564738', '+447700900123', '447700900123', API_SECRET]) expect(output).not.toContain(secret);
  });

  it('throws a ConfigError naming VONAGE_API_SECRET when the secret is missing', async () => {
    const error = await createHandler(vonageEnv({ VONAGE_API_SECRET: undefined })).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isConfigError(error)).toBe(true);
    expect(isConfigError(error) && error.issues).toEqual([{ variable: 'VONAGE_API_SECRET', message: 'is required' }]);
    expect((error as Error).message).toContain('VONAGE_API_SECRET');
  });

  it('throws a ConfigError naming every invalid Vonage variable at once', async () => {
    const error = await createHandler(
      vonageEnv({ VONAGE_API_KEY: undefined, VONAGE_FROM: 'Acme Incorporated', VONAGE_BASE_URL: 'rest.nexmo.com' }),
    ).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isConfigError(error)).toBe(true);
    const variables = isConfigError(error) ? error.issues.map((issue) => issue.variable) : [];
    expect(variables).toEqual(expect.arrayContaining(['VONAGE_API_KEY', 'VONAGE_FROM', 'VONAGE_BASE_URL']));
    expect((error as Error).message).not.toContain(API_SECRET);
  });
});
