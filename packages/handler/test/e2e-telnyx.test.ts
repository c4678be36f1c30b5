import { isConfigError, isProviderError } from '@cognito-sms/core';
import { cognitoEvent } from '@cognito-sms/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTelnyxEmulator, TELNYX_TEST_API_KEY, type TelnyxEmulator, telnyxError } from '../../providers/telnyx/test/emulator.js';
import { createHandler } from '../src/create-handler.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
let telnyx: TelnyxEmulator;

const telnyxEnv = (extra: Record<string, string | undefined> = {}) =>
  h.env({
    SMS_PROVIDER: 'telnyx',
    TELNYX_API_KEY: TELNYX_TEST_API_KEY,
    TELNYX_FROM: '+14155550100',
    // The API base including /v2, as the SDK's own default https://api.telnyx.com/v2.
    TELNYX_BASE_URL: `${telnyx.baseUrl}/v2`,
    ...extra,
  });

beforeAll(async () => {
  telnyx = await startTelnyxEmulator();
});
afterAll(async () => {
  await telnyx.close();
});
beforeEach(() => {
  telnyx.reset();
});

describe('Handler: SMS_PROVIDER=telnyx, end to end', () => {
  it('delivers the decrypted code to Telnyx and logs neither the code nor the number', async () => {
    // Prepare
    const handler = await createHandler(telnyxEnv());
    const event = cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt('918273') });
    // Act
    const receipt = await handler(event, h.context);
    // Assess
    const [request, ...more] = telnyx.requests;
    expect(more).toHaveLength(0);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v2/messages');
    expect(request?.headers.authorization).toBe(`Bearer ${TELNYX_TEST_API_KEY}`);
    expect(request?.json).toEqual({ from: '+14155550100', to: '+447700900123', text: 'Your verification code is 918273', type: 'SMS' });
    expect(receipt).toMatchObject({ provider: 'telnyx', messageId: telnyx.delivered[0]?.id, segments: 1 });
    const output = h.output.join('');
    expect(output).toContain('"SMS sent"');
    for (const secret of ['918273', '+447700900123', '447700900123', TELNYX_TEST_API_KEY]) expect(output).not.toContain(secret);
  });

  it('delivers an AdminCreateUser temporary password unescaped', async () => {
    const handler = await createHandler(telnyxEnv());
    const event = cognitoEvent('CustomSMSSender_AdminCreateUser', { code: await h.encrypt('Q7&lt;zz&amp;9!'), userName: 'ana' });
    await handler(event, h.context);
    expect(telnyx.delivered[0]?.text).toBe('Your username is ana and your temporary password is Q7<zz&9!');
  });

  it('throws a permanent ProviderError when the user opted out (40300), and logs no secret', async () => {
    // Prepare
    const handler = await createHandler(telnyxEnv());
    telnyx.enqueue(telnyxError('40300', { detail: 'Blocked due to STOP message from +447700900123' }));
    const event = cognitoEvent('CustomSMSSender_Authentication', { code: await h.encrypt('564738') });
    // Act
    const error = await handler(event, h.context).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    // Assess
    expect(isProviderError(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'telnyx', code: '40300', retryable: false, status: 400 });
    expect(telnyx.requests).toHaveLength(1);
    const output = h.output.join('');
    expect(output).toContain('SMS not delivered');
    for (const secret of ['564738', '+447700900123', '447700900123', TELNYX_TEST_API_KEY]) expect(output).not.toContain(secret);
  });

  it('throws a ConfigError naming TELNYX_API_KEY when the key is missing', async () => {
    const error = await createHandler(telnyxEnv({ TELNYX_API_KEY: undefined })).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isConfigError(error)).toBe(true);
    expect(isConfigError(error) && error.issues).toEqual([{ variable: 'TELNYX_API_KEY', message: 'is required' }]);
    expect((error as Error).message).toContain('TELNYX_API_KEY');
  });

  it('throws a ConfigError naming TELNYX_MESSAGING_PROFILE_ID for an alphanumeric sender without a profile', async () => {
    const error = await createHandler(telnyxEnv({ TELNYX_FROM: 'Acme', TELNYX_BASE_URL: 'api.telnyx.com' })).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isConfigError(error)).toBe(true);
    const variables = isConfigError(error) ? error.issues.map((issue) => issue.variable) : [];
    expect(variables).toEqual(expect.arrayContaining(['TELNYX_MESSAGING_PROFILE_ID', 'TELNYX_BASE_URL']));
    expect((error as Error).message).not.toContain(TELNYX_TEST_API_KEY);
  });
});
