import type { ReceiptReader, ReceiptRequest } from '@cognito-sms/core/receipts';
import { isReceiptRejectedError } from '@cognito-sms/core/receipts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import infobip, { createInfobipProvider } from '../src/index.js';
import infobipReceipts, { INFOBIP_STATUS_GROUPS, infobipReceiptsConfig } from '../src/receipts.js';
import { INFOBIP_TEST_API_KEY, type InfobipEmulator, startInfobipEmulator } from './emulator.js';

const TOKEN = 'test-callback-token-0123456789abcdef';
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const reader = () => infobipReceipts.create(infobipReceiptsConfig.parse({ callbackToken: TOKEN }), { logger: silent }) as ReceiptReader;

/** One report as the "Receive outbound SMS message report" webhook reference describes it. */
const result = (groupName: string, name: string, errorId = 0, messageId = 'MSG-1') => ({
  bulkId: 'BULK-1',
  messageId,
  to: '41793026727',
  sentAt: '2019-11-09T16:00:00.000+0000',
  doneAt: '2019-11-09T16:00:00.000+0000',
  smsCount: 1,
  price: { pricePerMessage: 0.01, currency: 'EUR' },
  status: { groupId: 3, groupName, id: 5, name, description: name },
  error: {
    groupId: 0,
    groupName: errorId === 0 ? 'OK' : 'HANDSET_ERRORS',
    id: errorId,
    name: errorId === 0 ? 'NO_ERROR' : 'EC_ABSENT_SUBSCRIBER',
    permanent: false,
  },
});

const request = (body: unknown, token: string | null = TOKEN): ReceiptRequest => ({
  method: 'POST',
  url: `https://receipts.example/infobip${token === null ? '' : `?token=${encodeURIComponent(token)}`}`,
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
  receivedAt: Date.now(),
});

const rejection = (act: () => unknown) => {
  try {
    act();
  } catch (error) {
    return isReceiptRejectedError(error) ? { code: error.code, status: error.status, message: error.message } : error;
  }
  return 'accepted';
};

describe('Infobip receipts', () => {
  it('accepts the configured token and refuses another (403) or none (401)', () => {
    const body = { results: [result('DELIVERED', 'DELIVERED_TO_HANDSET')] };
    expect(rejection(() => reader().verify(request(body)))).toBe('accepted');
    expect(rejection(() => reader().verify(request(body, `${TOKEN}x`)))).toMatchObject({ code: 'BadSignature', status: 403 });
    expect(rejection(() => reader().verify(request(body, null)))).toEqual({
      code: 'Unsigned',
      status: 401,
      message: 'missing token query parameter',
    });
  });

  it('requires a token of at least 16 characters', () => {
    expect(infobipReceiptsConfig.safeParse({ callbackToken: 'short' }).success).toBe(false);
    expect(infobipReceiptsConfig.safeParse({}).success).toBe(false);
  });

  it.each(Object.entries(INFOBIP_STATUS_GROUPS))('maps status group %s', (group, expected) => {
    expect(reader().parse(request({ results: [result(group, `${group}_X`)] }))).toEqual([
      {
        provider: 'infobip',
        messageId: 'MSG-1',
        providerStatus: `${group}_X`,
        at: Date.parse('2019-11-09T16:00:00.000+0000'),
        ...expected,
      },
    ]);
  });

  it('reads every report of a batch, with the error id as the provider code', () => {
    const receipts = reader().parse(
      request({
        results: [result('DELIVERED', 'DELIVERED_TO_HANDSET', 0, 'A'), result('UNDELIVERABLE', 'UNDELIVERABLE_NOT_DELIVERED', 27, 'B')],
      }),
    );
    expect(receipts.map((r) => [r.messageId, r.state, r.providerCode])).toEqual([
      ['A', 'delivered', undefined],
      ['B', 'undelivered', '27'],
    ]);
  });

  it.each([
    ['not JSON', '{', 'the body is not JSON'],
    ['no results', '{}', 'no results array'],
    ['no messageId', { results: [{ status: { groupName: 'DELIVERED' } }] }, 'a result without messageId'],
    ['no status group', { results: [{ messageId: 'A', status: {} }] }, 'a result without status.groupName'],
  ])('refuses %s as Malformed: 400', (_name, body, message) => {
    expect(rejection(() => reader().parse(request(body)))).toEqual({ code: 'Malformed', status: 400, message });
  });

  describe('the sender', () => {
    let emulator: InfobipEmulator;
    beforeAll(async () => {
      emulator = await startInfobipEmulator();
    });
    afterAll(async () => {
      await emulator.close();
    });
    const send = (callbackToken?: string) =>
      createInfobipProvider(
        infobip.config.parse({ apiKey: INFOBIP_TEST_API_KEY, baseUrl: emulator.baseUrl, ...(callbackToken ? { callbackToken } : {}) }),
      ).send(
        {
          to: '+41793026727',
          body: 'Your code is 918273',
          trigger: 'CustomSMSSender_SignUp',
          userPoolId: 'eu-west-1_P',
          statusCallbackUrl: 'https://receipts.example/infobip',
        },
        { signal: AbortSignal.timeout(5000) },
      );

    it('appends ?token= to notifyUrl, and asks for no reports without a token', async () => {
      emulator.reset();
      await send(TOKEN);
      await send();
      const [withToken, without] = emulator.requests.map((r) => (r.json as { messages: { notifyUrl?: string }[] }).messages[0]?.notifyUrl);
      expect(withToken).toBe(`https://receipts.example/infobip?token=${TOKEN}`);
      expect(without).toBeUndefined();
    });
  });
});
