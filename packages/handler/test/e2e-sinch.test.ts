import { isConfigError, isProviderError } from '@cognito-sms/core';
import { cognitoEvent } from '@cognito-sms/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SinchEmulator, sinchError, startSinchEmulator } from '../../providers/sinch/test/emulator.js';
import { createHandler } from '../src/create-handler.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const SERVICE_PLAN_ID = 'e2eplan0123456789abcdef';
const API_TOKEN = 'e2e-Sinch-Token-7c41';
let sinch: SinchEmulator;

const sinchEnv = (extra: Record<string, string | undefined> = {}) =>
  h.env({
    SMS_PROVIDER: 'sinch',
    SINCH_SERVICE_PLAN_ID: SERVICE_PLAN_ID,
    SINCH_API_TOKEN: API_TOKEN,
    SINCH_FROM: 'Acme',
    SINCH_BASE_URL: sinch.baseUrl,
    ...extra,
  });

beforeAll(async () => {
  sinch = await startSinchEmulator({ servicePlanId: SERVICE_PLAN_ID, apiToken: API_TOKEN });
});
afterAll(async () => {
  await sinch.close();
});
beforeEach(() => {
  sinch.reset();
});

describe('Handler: SMS_PROVIDER=sinch, end to end', () => {
  it('delivers the decrypted code to Sinch and logs neither the code nor the number', async () => {
    // Prepare
    const handler = await createHandler(sinchEnv());
    const event = cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt('918273') });
    // Act
    const receipt = await handler(event, h.context);
    // Assess
    const [request, ...more] = sinch.requests;
    expect(more).toHaveLength(0);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/xms/v1/${SERVICE_PLAN_ID}/batches`);
    expect(request?.headers.authorization).toBe(`Bearer ${API_TOKEN}`);
    expect(request?.json).toEqual({ to: ['+447700900123'], body: 'Your verification code is 918273', type: 'mt_text', from: 'Acme' });
    expect(receipt).toMatchObject({ provider: 'sinch', messageId: sinch.delivered[0]?.batchId });
    const output = h.output.join('');
    expect(output).toContain('"SMS sent"');
    for (const secret of ['918273', '+447700900123', '447700900123', API_TOKEN]) expect(output).not.toContain(secret);
  });

  it('delivers an AdminCreateUser temporary password unescaped', async () => {
    const handler = await createHandler(sinchEnv());
    const event = cognitoEvent('CustomSMSSender_AdminCreateUser', { code: await h.encrypt('Q7&lt;zz&amp;9!'), userName: 'ana' });
    await handler(event, h.context);
    expect(sinch.delivered[0]?.body).toBe('Your username is ana and your temporary password is Q7<zz&9!');
  });

  it('throws a permanent ProviderError when Sinch rejects the number, and logs no secret', async () => {
    // Prepare: an error text that echoes the number
    const handler = await createHandler(sinchEnv());
    sinch.enqueue(sinchError(400, 'syntax_invalid_parameter_format', 'Invalid MSISDN +447700900123'));
    const event = cognitoEvent('CustomSMSSender_Authentication', { code: await h.encrypt('564738') });
    // Act
    const error = await handler(event, h.context).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    // Assess
    expect(isProviderError(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'sinch', code: 'syntax_invalid_parameter_format', retryable: false });
    const output = h.output.join('');
    expect(output).toContain('SMS not delivered');
    for (const secret of ['564738', '+447700900123', '447700900123', API_TOKEN]) expect(output).not.toContain(secret);
  });

  it('throws a ConfigError naming SINCH_API_TOKEN when the token is missing', async () => {
    const error = await createHandler(sinchEnv({ SINCH_API_TOKEN: undefined })).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isConfigError(error)).toBe(true);
    expect(isConfigError(error) && error.issues).toEqual([{ variable: 'SINCH_API_TOKEN', message: 'is required' }]);
    expect((error as Error).message).toContain('SINCH_API_TOKEN');
  });

  it('throws a ConfigError naming every invalid Sinch variable at once', async () => {
    const error = await createHandler(
      sinchEnv({ SINCH_SERVICE_PLAN_ID: undefined, SINCH_REGION: 'mars', SINCH_BASE_URL: 'eu.sms.api.sinch.com' }),
    ).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isConfigError(error)).toBe(true);
    const variables = isConfigError(error) ? error.issues.map((issue) => issue.variable) : [];
    expect(variables).toEqual(expect.arrayContaining(['SINCH_SERVICE_PLAN_ID', 'SINCH_REGION', 'SINCH_BASE_URL']));
    expect((error as Error).message).not.toContain(API_TOKEN);
  });
});
