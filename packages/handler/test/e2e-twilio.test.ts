import { isConfigError, isProviderError } from '@cognito-sms/core';
import { cognitoEvent, DEFAULT_PHONE_NUMBER } from '@cognito-sms/testkit';
import { startTwilioEmulator, type TwilioEmulator, twilioError } from '@cognito-sms/testkit/emulators/twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const FROM = '+15005550006';
let twilio: TwilioEmulator;

const twilioEnv = () =>
  h.env({
    SMS_PROVIDER: 'twilio',
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_FROM: FROM,
    TWILIO_BASE_URL: twilio.baseUrl,
  });

describe('Handler: SMS_PROVIDER=twilio, end to end', () => {
  beforeAll(async () => {
    twilio = await startTwilioEmulator();
  });
  afterAll(async () => {
    await twilio.close();
  });
  beforeEach(() => {
    twilio.reset();
  });

  it('delivers the decrypted code to Twilio and logs neither the code nor the number', async () => {
    // Prepare
    const handler = await createHandler(twilioEnv());
    const event = cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt('918273') });

    // Act
    const receipt = await handler(event, h.context);

    // Assess
    expect(twilio.requests).toHaveLength(1);
    const [request] = twilio.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`);
    expect(Object.fromEntries(request?.form ?? [])).toEqual({
      To: DEFAULT_PHONE_NUMBER,
      From: FROM,
      Body: 'Your verification code is 918273',
    });
    expect(receipt).toMatchObject({ provider: 'twilio', messageId: expect.stringMatching(/^SM[0-9a-f]{32}$/), segments: 1 });
    const output = h.output.join('');
    expect(output).toContain('"SMS sent"');
    expect(output).not.toContain('918273');
    expect(output).not.toContain(DEFAULT_PHONE_NUMBER);
    expect(output).not.toContain(twilio.authToken);
  });

  it('asks Twilio for status callbacks at <SMS_RECEIPTS_URL>/twilio, and refuses a receipts URL with a query string', async () => {
    // Prepare
    const handler = await createHandler({ ...twilioEnv(), SMS_RECEIPTS_URL: 'https://abc123.lambda-url.eu-west-1.on.aws/' });
    const event = cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt('918273') });

    // Act
    await handler(event, h.context);
    const refused = await createHandler({ ...twilioEnv(), SMS_RECEIPTS_URL: 'https://abc123.lambda-url.eu-west-1.on.aws/?token=1' }).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(twilio.requests[0]?.form?.get('StatusCallback')).toBe('https://abc123.lambda-url.eu-west-1.on.aws/twilio');
    expect(isConfigError(refused)).toBe(true);
    expect(String((refused as Error).message)).toContain('SMS_RECEIPTS_URL: must not hold a query string');
  });

  it('sends the temporary password of AdminCreateUser unescaped, with the username', async () => {
    // Prepare
    const handler = await createHandler(twilioEnv());
    const event = cognitoEvent('CustomSMSSender_AdminCreateUser', { code: await h.encrypt('Q7&lt;zz&amp;9!'), userName: 'ana' });

    // Act
    await handler(event, h.context);

    // Assess
    expect(twilio.requests[0]?.form?.get('Body')).toBe('Your username is ana and your temporary password is Q7<zz&9!');
  });

  it('throws a permanent ProviderError when Twilio rejects the number, logging neither the code nor the number', async () => {
    // Prepare
    const handler = await createHandler(twilioEnv());
    twilio.enqueue(twilioError(21211, { to: DEFAULT_PHONE_NUMBER }));
    const event = cognitoEvent('CustomSMSSender_ForgotPassword', { code: await h.encrypt('554433') });

    // Act
    const error = await handler(event, h.context).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    // Assess
    expect(isProviderError(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'twilio', code: '21211', retryable: false, status: 400 });
    const output = h.output.join('');
    expect(output).toContain('21211');
    expect(output).not.toContain('554433');
    expect(output).not.toContain(DEFAULT_PHONE_NUMBER);
  });

  it('throws a ConfigError naming TWILIO_AUTH_TOKEN when no credential is set', async () => {
    // Prepare
    const env = { ...twilioEnv(), TWILIO_AUTH_TOKEN: undefined };

    // Act
    const error = await createHandler(env).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    // Assess
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toContain('TWILIO_AUTH_TOKEN: is required');
    expect(twilio.requests).toHaveLength(0);
  });

  it('throws a ConfigError naming both sender variables when neither is set', async () => {
    // Prepare
    const env = { ...twilioEnv(), TWILIO_FROM: undefined };

    // Act
    const error = await createHandler(env).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    // Assess
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toMatch(/TWILIO_FROM: is required.*TWILIO_MESSAGING_SERVICE_SID/);
  });
});
