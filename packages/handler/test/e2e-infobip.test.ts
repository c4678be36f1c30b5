import { isConfigError, isProviderError } from '@cognito-sms/core';
import { cognitoEvent } from '@cognito-sms/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type InfobipEmulator,
  infobipRejected,
  infobipStatusResponse,
  startInfobipEmulator,
} from '../../providers/infobip/test/emulator.js';
import { createHandler } from '../src/create-handler.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const API_KEY = 'e2e-Infobip-Key-3d92';
let infobip: InfobipEmulator;

const infobipEnv = (extra: Record<string, string | undefined> = {}) =>
  h.env({
    SMS_PROVIDER: 'infobip',
    INFOBIP_API_KEY: API_KEY,
    INFOBIP_FROM: 'Acme',
    INFOBIP_BASE_URL: infobip.baseUrl,
    ...extra,
  });

beforeAll(async () => {
  infobip = await startInfobipEmulator({ apiKey: API_KEY });
});
afterAll(async () => {
  await infobip.close();
});
beforeEach(() => {
  infobip.reset();
});

describe('Handler: SMS_PROVIDER=infobip, end to end', () => {
  it('delivers the decrypted code to Infobip and logs neither the code nor the number', async () => {
    // Prepare
    const handler = await createHandler(infobipEnv());
    const event = cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt('918273') });
    // Act
    const receipt = await handler(event, h.context);
    // Assess
    const [request, ...more] = infobip.requests;
    expect(more).toHaveLength(0);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/sms/2/text/advanced');
    expect(request?.headers.authorization).toBe(`App ${API_KEY}`);
    expect(request?.json).toEqual({
      messages: [{ destinations: [{ to: '447700900123' }], from: 'Acme', text: 'Your verification code is 918273' }],
    });
    expect(receipt).toMatchObject({ provider: 'infobip', messageId: infobip.delivered[0]?.messageId });
    const output = h.output.join('');
    expect(output).toContain('"SMS sent"');
    for (const secret of ['918273', '+447700900123', '447700900123', API_KEY]) expect(output).not.toContain(secret);
  });

  it('delivers an AdminCreateUser temporary password unescaped', async () => {
    const handler = await createHandler(infobipEnv());
    const event = cognitoEvent('CustomSMSSender_AdminCreateUser', { code: await h.encrypt('Q7&lt;zz&amp;9!'), userName: 'ana' });
    await handler(event, h.context);
    expect(infobip.delivered[0]?.text).toBe('Your username is ana and your temporary password is Q7<zz&9!');
  });

  it('throws a permanent ProviderError when Infobip rejects the number, and logs no secret', async () => {
    // Prepare: a REJECTED status whose description echoes the number
    const handler = await createHandler(infobipEnv());
    infobip.enqueue(infobipStatusResponse({ ...infobipRejected('REJECTED_DESTINATION'), description: 'Invalid destination 447700900123' }));
    const event = cognitoEvent('CustomSMSSender_Authentication', { code: await h.encrypt('564738') });
    // Act
    const error = await handler(event, h.context).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    // Assess
    expect(isProviderError(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'infobip', code: 'REJECTED_DESTINATION', retryable: false });
    const output = h.output.join('');
    expect(output).toContain('SMS not delivered');
    for (const secret of ['564738', '+447700900123', '447700900123', API_KEY]) expect(output).not.toContain(secret);
  });

  it('throws a ConfigError naming INFOBIP_API_KEY when the key is missing', async () => {
    const error = await createHandler(infobipEnv({ INFOBIP_API_KEY: undefined })).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isConfigError(error)).toBe(true);
    expect(isConfigError(error) && error.issues).toEqual([{ variable: 'INFOBIP_API_KEY', message: 'is required' }]);
    expect((error as Error).message).toContain('INFOBIP_API_KEY');
  });

  it('throws a ConfigError naming every invalid Infobip variable at once', async () => {
    const error = await createHandler(infobipEnv({ INFOBIP_BASE_URL: undefined, INFOBIP_FROM: 'Acme Incorporated Ltd' })).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isConfigError(error)).toBe(true);
    const variables = isConfigError(error) ? error.issues.map((issue) => issue.variable) : [];
    expect(variables).toEqual(expect.arrayContaining(['INFOBIP_BASE_URL', 'INFOBIP_FROM']));
    expect((error as Error).message).not.toContain(API_KEY);
  });
});
