import { isConfigError, isProviderError } from '@cognito-sms/core';
import { cognitoEvent } from '@cognito-sms/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  PLIVO_TEST_AUTH_ID,
  PLIVO_TEST_AUTH_TOKEN,
  type PlivoEmulator,
  plivoErrors,
  startPlivoEmulator,
} from '../../providers/plivo/test/emulator.js';
import { createHandler } from '../src/create-handler.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
let plivo: PlivoEmulator;

const plivoEnv = (extra: Record<string, string | undefined> = {}) =>
  h.env({
    SMS_PROVIDER: 'plivo',
    PLIVO_AUTH_ID: PLIVO_TEST_AUTH_ID,
    PLIVO_AUTH_TOKEN: PLIVO_TEST_AUTH_TOKEN,
    PLIVO_FROM: '+14155550100',
    PLIVO_BASE_URL: plivo.baseUrl,
    ...extra,
  });

beforeAll(async () => {
  plivo = await startPlivoEmulator();
});
afterAll(async () => {
  await plivo.close();
});
beforeEach(() => {
  plivo.reset();
});

describe('Handler: SMS_PROVIDER=plivo, end to end', () => {
  it('delivers the decrypted code to Plivo and logs neither the code nor the number', async () => {
    // Prepare
    const handler = await createHandler(plivoEnv());
    const event = cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt('918273') });
    // Act
    const receipt = await handler(event, h.context);
    // Assess
    const [request, ...more] = plivo.requests;
    expect(more).toHaveLength(0);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/v1/Account/${PLIVO_TEST_AUTH_ID}/Message/`);
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${PLIVO_TEST_AUTH_ID}:${PLIVO_TEST_AUTH_TOKEN}`).toString('base64')}`,
    );
    expect(request?.json).toEqual({ src: '+14155550100', dst: '447700900123', text: 'Your verification code is 918273', type: 'sms' });
    expect(receipt).toMatchObject({ provider: 'plivo', messageId: plivo.delivered[0]?.messageUuids[0] });
    const output = h.output.join('');
    expect(output).toContain('"SMS sent"');
    for (const secret of ['918273', '+447700900123', '447700900123', PLIVO_TEST_AUTH_TOKEN]) expect(output).not.toContain(secret);
  });

  it('delivers an AdminCreateUser temporary password unescaped', async () => {
    const handler = await createHandler(plivoEnv());
    const event = cognitoEvent('CustomSMSSender_AdminCreateUser', { code: await h.encrypt('Q7&lt;zz&amp;9!'), userName: 'ana' });
    await handler(event, h.context);
    expect(plivo.delivered[0]?.text).toBe('Your username is ana and your temporary password is Q7<zz&9!');
  });

  it('throws a permanent ProviderError when Plivo rejects the number, and logs no secret', async () => {
    // Prepare
    const handler = await createHandler(plivoEnv());
    plivo.enqueue(plivoErrors.invalidNumber('447700900123'));
    const event = cognitoEvent('CustomSMSSender_Authentication', { code: await h.encrypt('564738') });
    // Act
    const error = await handler(event, h.context).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    // Assess
    expect(isProviderError(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'plivo', code: 'invalid_number', retryable: false, status: 400 });
    expect(plivo.requests).toHaveLength(1);
    const output = h.output.join('');
    expect(output).toContain('SMS not delivered');
    for (const secret of ['564738', '+447700900123', '447700900123', PLIVO_TEST_AUTH_TOKEN]) expect(output).not.toContain(secret);
  });

  it('throws a ConfigError naming PLIVO_AUTH_TOKEN when the token is missing', async () => {
    const error = await createHandler(plivoEnv({ PLIVO_AUTH_TOKEN: undefined })).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isConfigError(error)).toBe(true);
    expect(isConfigError(error) && error.issues).toEqual([{ variable: 'PLIVO_AUTH_TOKEN', message: 'is required' }]);
    expect((error as Error).message).toContain('PLIVO_AUTH_TOKEN');
  });

  it('throws a ConfigError naming every invalid Plivo variable at once', async () => {
    const error = await createHandler(plivoEnv({ PLIVO_AUTH_ID: undefined, PLIVO_FROM: undefined, PLIVO_BASE_URL: 'api.plivo.com' })).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isConfigError(error)).toBe(true);
    const variables = isConfigError(error) ? error.issues.map((issue) => issue.variable) : [];
    expect(variables).toEqual(expect.arrayContaining(['PLIVO_AUTH_ID', 'PLIVO_FROM', 'PLIVO_BASE_URL']));
    expect((error as Error).message).not.toContain(PLIVO_TEST_AUTH_TOKEN);
  });
});
