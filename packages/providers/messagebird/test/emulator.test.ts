import { type MessageBirdEmulator, messageBirdError, startMessageBirdEmulator } from '@cognito-sms/testkit/emulators/messagebird';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The emulator is what the adapter's tests trust, so its documented behaviour is checked here
// with plain fetch, independently of the adapter.
let emulator: MessageBirdEmulator;
// biome-ignore lint/suspicious/noExplicitAny: the assertions below read arbitrary fields of the emulator's JSON answers
type Json = Record<string, any>;
const post = (body: string, contentType = 'application/json', key = emulator.accessKey) =>
  fetch(`${emulator.baseUrl}/messages`, {
    method: 'POST',
    headers: { authorization: `AccessKey ${key}`, 'content-type': contentType },
    body,
  }).then(async (response) => ({ status: response.status, json: (await response.json()) as Json }));

beforeAll(async () => {
  emulator = await startMessageBirdEmulator();
});
afterAll(() => emulator.close());

describe('Emulator: messagebird', () => {
  it('answers 201 with a Message object shaped like the reference', async () => {
    const { status, json } = await post(JSON.stringify({ originator: 'Acme', recipients: ['31612345678'], body: 'Hello World' }));
    expect(status).toBe(201);
    expect(json).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      href: `https://rest.messagebird.com/messages/${json.id}`,
      direction: 'mt',
      type: 'sms',
      originator: 'Acme',
      body: 'Hello World',
      reference: null,
      datacoding: 'plain',
      mclass: 1,
      recipients: {
        totalCount: 1,
        totalSentCount: 1,
        totalDeliveredCount: 0,
        totalDeliveryFailedCount: 0,
        items: [{ recipient: 31612345678, status: 'sent', messagePartCount: 1 }],
      },
    });
    expect(json.createdDatetime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  });

  it('resolves datacoding auto to unicode for non-GSM text and counts UCS-2 parts', async () => {
    const { json } = await post(JSON.stringify({ originator: 'Acme', recipients: ['31612345678'], body: 'Ж'.repeat(71), datacoding: 'auto' }));
    expect(json.datacoding).toBe('unicode');
    expect(json.recipients.items[0].messagePartCount).toBe(2);
  });

  it('counts GSM-7 extension characters as two septets', async () => {
    const { json } = await post(JSON.stringify({ originator: 'Acme', recipients: ['31612345678'], body: '€'.repeat(81), datacoding: 'auto' }));
    expect(json.datacoding).toBe('plain');
    expect(json.recipients.items[0].messagePartCount).toBe(2);
  });

  it('accepts a form body with comma-separated recipients, as the SDK sends them joined', async () => {
    const form = new URLSearchParams({ originator: '31970102030', recipients: '31612345678,31612345679', body: 'Hi' });
    const { status, json } = await post(form.toString(), 'application/x-www-form-urlencoded');
    expect(status).toBe(201);
    expect(json.recipients.totalCount).toBe(2);
  });

  it('answers 401 with code 2 when the access key is wrong', async () => {
    const { status, json } = await post('{}', 'application/json', 'live_wrong');
    expect(status).toBe(401);
    expect(json).toEqual({ errors: [{ code: 2, description: 'Request not allowed (incorrect access_key)', parameter: 'access_key' }] });
  });

  it('answers 422 with codes 9 and 10 for missing recipients and an invalid originator', async () => {
    const { status, json } = await post(JSON.stringify({ originator: 'TooLongSenderName', recipients: [], body: 'x' }));
    expect(status).toBe(422);
    expect(json.errors).toEqual([
      { code: 9, description: 'no (correct) recipients found', parameter: 'recipient' },
      { code: 10, description: 'originator is invalid', parameter: 'originator' },
    ]);
  });

  it('answers 422 with code 9 naming the body when it is missing', async () => {
    const { json } = await post(JSON.stringify({ originator: 'Acme', recipients: ['31612345678'] }));
    expect(json.errors).toEqual([{ code: 9, description: 'body is missing', parameter: 'body' }]);
  });

  it('builds documented error bodies for enqueue', () => {
    expect(messageBirdError(25)).toEqual({ status: 422, body: { errors: [{ code: 25, description: 'Not enough balance', parameter: null }] } });
    expect(messageBirdError(99, { status: 503 }).status).toBe(503);
  });
});
