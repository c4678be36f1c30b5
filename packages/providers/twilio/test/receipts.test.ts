import type { ReceiptReader, ReceiptRequest } from '@cognito-sms/core/receipts';
import { isReceiptRejectedError } from '@cognito-sms/core/receipts';
import { describe, expect, it } from 'vitest';
import twilioReceipts, { TWILIO_STATUSES, twilioReceiptsConfig } from '../src/receipts.js';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const reader = (authToken: string) => twilioReceipts.create(twilioReceiptsConfig.parse({ authToken }), { logger: silent }) as ReceiptReader;

const request = (overrides: Partial<ReceiptRequest> & { params?: Record<string, string> }): ReceiptRequest => ({
  method: 'POST',
  url: 'https://receipts.example/twilio',
  headers: {},
  body: new URLSearchParams(overrides.params ?? {}).toString(),
  receivedAt: Date.now(),
  ...overrides,
});

describe('Twilio receipts', () => {
  it('accepts the signature of Twilio’s published example (Webhooks security: auth token 12345)', () => {
    // The example of twilio.com/docs/usage/webhooks/webhooks-security, as the SDK's snippets give it.
    const example = request({
      url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
      headers: { 'x-twilio-signature': 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' },
      params: { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' },
    });
    expect(() => reader('12345').verify(example)).not.toThrow();
    // One parameter changed: the same signature no longer holds.
    const tampered = { ...example, body: example.body.replace('Digits=1234', 'Digits=1235') };
    expect(() => reader('12345').verify(tampered)).toThrow(/X-Twilio-Signature does not match/);
  });

  it.each([
    ['missing', {}, 'Unsigned', 401],
    ['wrong', { 'x-twilio-signature': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }, 'BadSignature', 403],
  ])('refuses a %s signature', (_name, headers, code, status) => {
    const error = (() => {
      try {
        reader('12345').verify(request({ headers, params: { MessageSid: 'SM1', MessageStatus: 'delivered' } }));
      } catch (e) {
        return e;
      }
    })();
    expect(isReceiptRejectedError(error) && [error.code, error.status]).toEqual([code, status]);
  });

  it.each(Object.entries(TWILIO_STATUSES))('maps MessageStatus=%s', (status, expected) => {
    const [receipt] = reader('t').parse(request({ params: { MessageSid: 'SM1', MessageStatus: status } }));
    expect(receipt).toEqual({ provider: 'twilio', messageId: 'SM1', providerStatus: status, ...expected });
  });

  it('reads ErrorCode 30036 (Validity Period Expired) as expired, other codes as given', () => {
    const parse = (params: Record<string, string>) => reader('t').parse(request({ params }))[0];
    expect(parse({ MessageSid: 'SM1', MessageStatus: 'failed', ErrorCode: '30036' })).toMatchObject({
      state: 'expired',
      providerCode: '30036',
    });
    expect(parse({ MessageSid: 'SM1', MessageStatus: 'undelivered', ErrorCode: '30003' })).toMatchObject({
      state: 'undelivered',
      providerCode: '30003',
    });
    expect(parse({ SmsSid: 'SM2', SmsStatus: 'brand-new-status' })).toMatchObject({ state: 'unknown', final: false, messageId: 'SM2' });
  });

  it.each([
    [{ MessageStatus: 'delivered' }, 'no MessageSid'],
    [{ MessageSid: 'SM1' }, 'no MessageStatus'],
  ])('refuses a callback without its fields as Malformed (%o)', (params, message) => {
    expect(() => reader('t').parse(request({ params }))).toThrow(message);
  });
});
