import { isConfigError, isProviderError } from '@cognito-sms/core';
import { cognitoEvent } from '@cognito-sms/testkit';
import { type MessageBirdEmulator, messageBirdError, startMessageBirdEmulator } from '@cognito-sms/testkit/emulators/messagebird';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const PHONE = '+447700900123';
let emulator: MessageBirdEmulator;

beforeAll(async () => {
  emulator = await startMessageBirdEmulator({ accessKey: 'live_E2eAccessKey42' });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const env = (extra: Record<string, string | undefined> = {}) =>
  h.env({
    SMS_PROVIDER: 'messagebird',
    MESSAGEBIRD_ACCESS_KEY: emulator.accessKey,
    MESSAGEBIRD_ORIGINATOR: 'Acme',
    MESSAGEBIRD_BASE_URL: emulator.baseUrl,
    ...extra,
  });

describe('Handler: SMS_PROVIDER=messagebird, end to end', () => {
  it('delivers the decrypted code of a Cognito event to MessageBird and logs no secret', async () => {
    // Prepare
    const handler = await createHandler(env());
    const event = cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt('918273'), phoneNumber: PHONE });
    // Act
    const receipt = await handler(event, h.context);
    // Assess
    const [request, ...more] = emulator.requests;
    expect(more).toHaveLength(0);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/messages');
    expect(request?.headers.authorization).toBe('AccessKey live_E2eAccessKey42');
    const sent = request?.json as { originator: string; recipients: string[]; body: string; datacoding: string };
    expect(sent).toMatchObject({ originator: 'Acme', recipients: ['447700900123'], datacoding: 'auto' });
    expect(sent.body).toContain('918273');
    expect(receipt).toMatchObject({ provider: 'messagebird', messageId: expect.stringMatching(/^[0-9a-f]{32}$/), segments: 1 });
    const logs = h.output.join('');
    expect(logs).toContain('"SMS sent"');
    expect(logs).not.toContain('918273');
    expect(logs).not.toContain('447700900123');
    expect(logs).not.toContain('live_E2eAccessKey42');
  });

  it('delivers the temporary password of AdminCreateUser unescaped, with the username', async () => {
    const handler = await createHandler(env());
    const event = cognitoEvent('CustomSMSSender_AdminCreateUser', { code: await h.encrypt('Q7&lt;zz&amp;9!'), userName: 'ana' });
    await handler(event, h.context);
    const body = (emulator.requests[0]?.json as { body?: string } | undefined)?.body ?? '';
    expect(body).toContain('Q7<zz&9!');
    expect(body).toContain('ana');
    expect(h.output.join('')).not.toContain('Q7<zz&9!');
  });

  it('throws a permanent ProviderError when MessageBird refuses, and the output holds neither the code nor the number', async () => {
    // Prepare
    const handler = await createHandler(env());
    emulator.enqueue(messageBirdError(25));
    const event = cognitoEvent('CustomSMSSender_Authentication', { code: await h.encrypt('918273'), phoneNumber: PHONE });
    // Act
    const error: unknown = await handler(event, h.context).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    // Assess
    expect(isProviderError(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'messagebird', code: '25', status: 422, retryable: false });
    expect(emulator.requests).toHaveLength(1);
    const logs = h.output.join('');
    expect(logs).toContain('SMS not delivered');
    expect(logs).not.toContain('918273');
    expect(logs).not.toContain('447700900123');
    expect(logs).not.toContain('live_E2eAccessKey42');
  });

  it('rejects createHandler with a ConfigError naming MESSAGEBIRD_ACCESS_KEY when the key is missing', async () => {
    const error: unknown = await createHandler(env({ MESSAGEBIRD_ACCESS_KEY: undefined })).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toContain('MESSAGEBIRD_ACCESS_KEY');
    expect((error as Error).message).not.toContain('MESSAGEBIRD_ORIGINATOR');
  });

  it('rejects createHandler naming MESSAGEBIRD_ORIGINATOR and MESSAGEBIRD_BASE_URL when they are invalid', async () => {
    const error: unknown = await createHandler(env({ MESSAGEBIRD_ORIGINATOR: 'ThisIsFarTooLong', MESSAGEBIRD_BASE_URL: 'ftp://x' })).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toMatch(/MESSAGEBIRD_ORIGINATOR: must be a phone number/);
    expect((error as Error).message).toMatch(/MESSAGEBIRD_BASE_URL: must be an http\(s\) URL/);
  });
});
