import { createHmac } from 'node:crypto';
import type { ReceiptReader, ReceiptRequest } from '@cognito-sms/core/receipts';
import { isReceiptRejectedError } from '@cognito-sms/core/receipts';
import { describe, expect, it } from 'vitest';
import sinchReceipts, { SINCH_STATUSES, sinchReceiptsConfig } from '../src/receipts.js';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const reader = (callbackSecret = 'test-callback-secret') =>
  sinchReceipts.create(sinchReceiptsConfig.parse({ callbackSecret }), { logger: silent }) as ReceiptReader;

// The signed example of Sinch's .NET SDK tests (Sinch.Tests/Conversation/WebhooksTests.cs,
// ValidateRequest): the same body.nonce.timestamp HMAC-SHA256 scheme its SDKs check SMS callbacks with.
const VECTOR_BODY =
  '{"app_id":"","accepted_time":"2021-10-18T17:49:13.813615Z","project_id":"e2df3a34-a71b-4448-9db5-a8d2baad28e4","contact_create_notification":{"contact":{"id":"01FJA8B466Y0R2GNXD78MD9SM1","channel_identities":[{"channel":"SMS","identity":"48123456789","app_id":""}],"display_name":"New Test Contact","email":"new.contact@email.com","external_id":"","metadata":"","language":"EN_US"}},"message_metadata":""}';
const VECTOR: ReceiptRequest = {
  method: 'POST',
  url: 'https://receipts.example/sinch',
  headers: {
    'x-sinch-webhook-signature-nonce': '01FJA8B4A7BM43YGWSG9GBV067',
    'x-sinch-webhook-signature-timestamp': '1634579353',
    'x-sinch-webhook-signature': '6bpJoRmFoXVjfJIVglMoJzYXxnoxRujzR4k2GOXewOE=',
  },
  body: VECTOR_BODY,
  receivedAt: 1634579353_000 + 30_000,
};

const report = (status: string, code = 0) =>
  JSON.stringify({
    type: 'recipient_delivery_report_sms',
    batch_id: '01FC66621XXXXX119Z8PMV1QPQ',
    recipient: '12017777777',
    code,
    status,
    at: '2024-06-06T08:17:19.210Z',
  });

function signed(body: string, options: { secret?: string; timestamp?: number; receivedAt?: number } = {}): ReceiptRequest {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = '01W4FFL35P4NC4K35SMSNONCE1';
  return {
    method: 'POST',
    url: 'https://receipts.example/sinch',
    headers: {
      'content-type': 'application/json',
      'x-sinch-webhook-signature-nonce': nonce,
      'x-sinch-webhook-signature-timestamp': timestamp,
      'x-sinch-webhook-signature-algorithm': 'HmacSHA256',
      'x-sinch-webhook-signature': createHmac('sha256', options.secret ?? 'test-callback-secret')
        .update(`${body}.${nonce}.${timestamp}`)
        .digest('base64'),
    },
    body,
    receivedAt: options.receivedAt ?? Date.now(),
  };
}

const rejection = (act: () => unknown) => {
  try {
    act();
  } catch (error) {
    return isReceiptRejectedError(error) ? { code: error.code, status: error.status, message: error.message } : error;
  }
  return 'accepted';
};

describe('Sinch receipts', () => {
  it('accepts the signature of Sinch’s published example (secret foo_secret1234)', () => {
    expect(rejection(() => reader('foo_secret1234').verify(VECTOR))).toBe('accepted');
    const tampered = { ...VECTOR, body: VECTOR_BODY.replace('New Test Contact', 'New Test Kontact') };
    expect(rejection(() => reader('foo_secret1234').verify(tampered))).toMatchObject({ code: 'BadSignature', status: 403 });
  });

  it('refuses a signature by another secret, or another nonce: 403', () => {
    expect(rejection(() => reader().verify(signed(report('Delivered'), { secret: 'other' })))).toMatchObject({
      code: 'BadSignature',
      status: 403,
    });
    const request = signed(report('Delivered'));
    const renonced = { ...request, headers: { ...request.headers, 'x-sinch-webhook-signature-nonce': 'another' } };
    expect(rejection(() => reader().verify(renonced))).toMatchObject({ code: 'BadSignature', status: 403 });
  });

  it.each([['x-sinch-webhook-signature'], ['x-sinch-webhook-signature-nonce'], ['x-sinch-webhook-signature-timestamp']])(
    'refuses a callback without %s: 401',
    (header) => {
      const request = signed(report('Delivered'));
      const { [header]: _dropped, ...headers } = request.headers;
      expect(rejection(() => reader().verify({ ...request, headers }))).toEqual({
        code: 'Unsigned',
        status: 401,
        message: `missing ${header} header`,
      });
    },
  );

  it('refuses an algorithm other than HmacSHA256: 403', () => {
    const request = signed(report('Delivered'));
    expect(
      rejection(() => reader().verify({ ...request, headers: { ...request.headers, 'x-sinch-webhook-signature-algorithm': 'HmacMD5' } })),
    ).toMatchObject({
      code: 'BadSignature',
    });
  });

  it('refuses a correctly signed callback replayed 10 minutes later: 403 Replayed', () => {
    const now = Date.now();
    expect(
      rejection(() => reader().verify(signed(report('Delivered'), { timestamp: Math.floor(now / 1000) - 600, receivedAt: now }))),
    ).toMatchObject({
      code: 'Replayed',
      status: 403,
    });
  });

  it.each(Object.entries(SINCH_STATUSES))('maps status %s', (status, expected) => {
    const capitalised = status[0]?.toUpperCase() + status.slice(1);
    expect(reader().parse(signed(report(capitalised)))).toEqual([
      {
        provider: 'sinch',
        messageId: '01FC66621XXXXX119Z8PMV1QPQ',
        providerStatus: capitalised,
        at: Date.parse('2024-06-06T08:17:19.210Z'),
        ...expected,
      },
    ]);
  });

  it('keeps Sinch’s code (not 0), and reads a batch report per status', () => {
    expect(reader().parse(signed(report('Aborted', 412)))[0]).toMatchObject({ state: 'failed', providerCode: '412' });
    const batch = JSON.stringify({
      type: 'delivery_report_sms',
      batch_id: 'B1',
      total_message_count: 2,
      statuses: [
        { code: 0, count: 1, status: 'Delivered' },
        { code: 406, count: 1, status: 'Expired' },
      ],
    });
    expect(
      reader()
        .parse(signed(batch))
        .map((r) => [r.messageId, r.state, r.final, r.providerCode]),
    ).toEqual([
      ['B1', 'delivered', true, undefined],
      ['B1', 'expired', true, '406'],
    ]);
  });

  it('reads no receipt from an inbound message, and an unknown status as intermediate', () => {
    expect(reader().parse(signed(JSON.stringify({ type: 'mo_text', id: 'X', body: 'hi' })))).toEqual([]);
    expect(reader().parse(signed(report('Teleported')))[0]).toMatchObject({ state: 'unknown', final: false });
  });

  it.each([
    ['not JSON', '{', 'the body is not JSON'],
    ['no type', '{}', 'no type'],
    ['no batch_id', '{"type":"recipient_delivery_report_sms","status":"Delivered"}', 'no batch_id'],
    ['no status', '{"type":"recipient_delivery_report_sms","batch_id":"B"}', 'no status'],
    ['no statuses', '{"type":"delivery_report_sms","batch_id":"B"}', 'no statuses'],
  ])('refuses %s as Malformed: 400', (_name, body, message) => {
    expect(rejection(() => reader().parse(signed(body)))).toEqual({ code: 'Malformed', status: 400, message });
  });
});
