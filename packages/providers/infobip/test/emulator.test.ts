import { type FunctionUrl, startFunctionUrl } from '@cognito-sms/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InfobipEmulator, startInfobipEmulator } from './emulator.js';

let infobip: InfobipEmulator;
let sink: FunctionUrl;

beforeAll(async () => {
  infobip = await startInfobipEmulator({ outcome: (to) => (to.startsWith('+44') ? 'delivered' : 'expired') });
  sink = await startFunctionUrl(async () => undefined);
});
afterAll(async () => {
  await Promise.all([infobip.close(), sink.close()]);
});

async function send(message: Record<string, unknown>): Promise<{ status: number; body: { messages: { messageId: string }[] } }> {
  infobip.reset();
  const response = await fetch(`${infobip.baseUrl}/sms/2/text/advanced`, {
    method: 'POST',
    headers: { authorization: `App ${infobip.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ text: 'Your code is 123456', ...message }] }),
  });
  return { status: response.status, body: (await response.json()) as { messages: { messageId: string }[] } };
}

describe('Infobip emulator: delivery reports', () => {
  it('posts one final report per message to notifyUrl as given (query included), with callbackData', async () => {
    // Act
    const notifyUrl = `${sink.url}/infobip?token=abc`;
    const sent = await send({ destinations: [{ to: '447700900123' }, { to: '12015550123' }], notifyUrl, callbackData: 'cb' });
    const callbacks = await infobip.receipts();
    // Assess
    expect(callbacks.map((callback) => [callback.url, callback.headers['content-type'], callback.status])).toEqual([
      [notifyUrl, 'application/json', 200],
      [notifyUrl, 'application/json', 200],
    ]);
    const [delivered, expired] = callbacks.map((callback) => (JSON.parse(callback.body) as { results: unknown[] }).results);
    expect(delivered).toEqual([
      expect.objectContaining({
        messageId: sent.body.messages[0]?.messageId,
        to: '447700900123',
        callbackData: 'cb',
        status: expect.objectContaining({ groupName: 'DELIVERED', name: 'DELIVERED_TO_HANDSET' }),
        error: expect.objectContaining({ id: 0, name: 'NO_ERROR' }),
        doneAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/),
      }),
    ]);
    expect(expired).toEqual([expect.objectContaining({ status: expect.objectContaining({ groupName: 'EXPIRED', id: 15 }) })]);
  });

  it('reports nothing without notifyUrl, and refuses a content type it does not emulate', async () => {
    expect((await send({ destinations: [{ to: '447700900123' }] })).status).toBe(200);
    expect(await infobip.receipts()).toEqual([]);
    const xml = await send({ destinations: [{ to: '447700900123' }], notifyUrl: sink.url, notifyContentType: 'application/xml' });
    expect(xml.status).toBe(400);
  });
});
