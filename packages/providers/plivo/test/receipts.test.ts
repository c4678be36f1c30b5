import { createHmac, randomBytes } from 'node:crypto';
import type { ReceiptReader, ReceiptRequest } from '@cognito-sms/core/receipts';
import { isReceiptRejectedError } from '@cognito-sms/core/receipts';
import { describe, expect, it } from 'vitest';
import plivoReceipts, { PLIVO_RECEIPT_MAX_AGE_MS, PLIVO_STATUSES, plivoReceiptsConfig, plivoSignedUrl } from '../src/receipts.js';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const TOKEN = 'test-auth-token-plivo-0123456789';
const reader = (authToken = TOKEN) => plivoReceipts.create(plivoReceiptsConfig.parse({ authToken }), { logger: silent }) as ReceiptReader;
const URL_ = 'https://receipts.example/plivo';
const NOW = Date.UTC(2026, 11, 7, 6, 0, 0);

/** A status callback as Plivo posts it, signed with `token` (the scheme written again here on purpose). */
function callback(fields: Record<string, string> = {}, token = TOKEN): ReceiptRequest {
  const params = {
    MessageUUID: 'db3ce55a-7f1d-11e1-8ea7-1231380bc196',
    From: '14155550100',
    To: '447700900123',
    Type: 'sms',
    Status: 'delivered',
    Units: '1',
    TotalRate: '0.0035',
    TotalAmount: '0.0035',
    MCC: '234',
    MNC: '10',
    ErrorCode: '',
    Sequence: '2',
    MessageTime: '2026-12-07 05:59:58.123456',
    QueuedTime: '2026-12-07 05:59:58.200000',
    SentTime: '2026-12-07 05:59:59.000000',
    DeliveryReportTime: '2026-12-07 06:00:00.000000',
    ...fields,
  };
  const body = new URLSearchParams(params);
  const signed = `${URL_}?${[...body]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => k + v)
    .join('')}`;
  const nonce = String(randomBytes(8).readBigUInt64BE());
  return {
    method: 'POST',
    url: URL_,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-plivo-signature-v3': createHmac('sha256', token).update(`${signed}.${nonce}`).digest('base64'),
      'x-plivo-signature-v3-nonce': nonce,
    },
    body: body.toString(),
    receivedAt: NOW,
  };
}

const rejection = (act: () => unknown) => {
  try {
    act();
  } catch (error) {
    return isReceiptRejectedError(error) ? [error.code, error.status] : error;
  }
  return 'accepted';
};

// The V3 vectors of Plivo's Go SDK (plivo-go utils_test.go, TestValidateSignatureV3Pass1…4).
const GO_URL = 'https://plivobin.non-prod.plivops.com/api/v1/validate_signature03.xml';
const GO_NONCE = '31627761595286130198';
const GO_TOKEN = 'Y2Q2ZDgxZmY5YWRiOTI5YmQ1Njg0MTAxZWIyOTc4';
const GO_PARAMS = {
  Direction: 'outbound',
  From: '19792014278',
  ALegUUID: '3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36',
  CallStatus: 'in-progress',
  BillRate: '0.002',
  ParentAuthID: 'MANWVLYTK4ZWU1YTY4QA',
  To: 'sip:PlivoSignature382029104058171078704104@phone-qa.voice.plivodev.com',
  ALegRequestUUID: '3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36',
  CallUUID: '3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36',
  RequestUUID: '3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36',
  'SIP-H-To': '<sip:PlivoSignature382029104058171078704104@52.9.11.55;transport=udp>;tag=1',
  SessionStart: '2020-04-08 11:34:33.238707',
  Event: 'StartApp',
};
const GO_VECTORS: ['GET' | 'POST', string, string][] = [
  ['POST', `${GO_URL}/?a=b&c=d`, 'k7Pusd4OxCIjR5IfA9iedDNu/h/gbdYqdzG/MiYtd1c='],
  ['GET', `${GO_URL}/?a=b&c=d`, 'UBq8jAtd32wR8EK9VgxbBn4n5rpI/l1H9iN4WfSEHFQ='],
  ['POST', GO_URL, 'iAjE5QqI37mbkYe4w3jTMudqEzbDufdqi7sYwTu64e0='],
  ['GET', GO_URL, 'i/MQsaQSAd6fiKhOh2qeeeLHZ9faldADSb3/7+Akfbc='],
];

describe('Plivo receipts', () => {
  it.each(GO_VECTORS)('computes the Go SDK’s V3 vector (%s %s)', (method, url, signature) => {
    // A GET carries its parameters in the query string; a POST in the form body.
    const params = new URLSearchParams(GO_PARAMS);
    const target = method === 'GET' ? `${url}${url.includes('?') ? '&' : '?'}${params}` : url;
    const signed = plivoSignedUrl(method, target, params);
    expect(createHmac('sha256', GO_TOKEN).update(`${signed}.${GO_NONCE}`).digest('base64')).toBe(signature);
  });

  it('accepts the Go SDK’s POST vector as a request, among several signatures, and refuses it with one parameter changed', () => {
    // Prepare: Plivo sends one signature per active auth token, comma-separated.
    const request: ReceiptRequest = {
      method: 'POST',
      url: GO_URL,
      headers: { 'x-plivo-signature-v3': 'AAAA,iAjE5QqI37mbkYe4w3jTMudqEzbDufdqi7sYwTu64e0=', 'x-plivo-signature-v3-nonce': GO_NONCE },
      body: new URLSearchParams(GO_PARAMS).toString(),
      receivedAt: NOW,
    };
    // Act, Assess
    expect(rejection(() => reader(GO_TOKEN).verify(request))).toBe('accepted');
    expect(rejection(() => reader(GO_TOKEN).verify({ ...request, body: request.body.replace('in-progress', 'completed') }))).toEqual([
      'BadSignature',
      403,
    ]);
    expect(rejection(() => reader(GO_TOKEN).verify({ ...request, url: `${GO_URL}?extra=1` }))).toEqual(['BadSignature', 403]);
  });

  it('accepts a callback signed as Plivo signs one', () => {
    expect(rejection(() => reader().verify(callback()))).toBe('accepted');
  });

  it.each([
    ['without X-Plivo-Signature-V3', () => ({ ...callback(), headers: { 'x-plivo-signature-v3-nonce': '1' } }), ['Unsigned', 401]],
    ['without its nonce', () => ({ ...callback(), headers: { 'x-plivo-signature-v3': 'x' } }), ['Unsigned', 401]],
    ['signed with another auth token', () => callback({}, 'another-auth-token-0000000000000'), ['BadSignature', 403]],
    [
      'with another nonce',
      () => {
        const request = callback();
        return { ...request, headers: { ...request.headers, 'x-plivo-signature-v3-nonce': '42' } };
      },
      ['BadSignature', 403],
    ],
    [
      'with a changed status',
      () => {
        const request = callback({ Status: 'undelivered' });
        return { ...request, body: request.body.replace('Status=undelivered', 'Status=delivered') };
      },
      ['BadSignature', 403],
    ],
    [
      'for a message sent more than four days ago (a replay)',
      () => ({ ...callback({ MessageTime: '2026-12-03 05:59:59.000000' }) }),
      ['Replayed', 403],
    ],
  ])('refuses a callback %s', (_name, build, expected) => {
    expect(rejection(() => reader().verify(build() as ReceiptRequest))).toEqual(expected);
  });

  it('takes a callback for a message sent just under four days ago', () => {
    const sent = new Date(NOW - PLIVO_RECEIPT_MAX_AGE_MS + 60_000).toISOString().replace('T', ' ').replace('Z', '000');
    expect(rejection(() => reader().verify(callback({ MessageTime: sent })))).toBe('accepted');
  });

  it.each(Object.entries(PLIVO_STATUSES))('maps Status=%s', (status, expected) => {
    const [receipt] = reader().parse(callback({ Status: status, ErrorCode: expected.state === 'delivered' ? '' : '80' }));
    expect(receipt).toEqual({
      provider: 'plivo',
      messageId: 'db3ce55a-7f1d-11e1-8ea7-1231380bc196',
      providerStatus: status,
      at: NOW,
      ...(expected.state === 'delivered' ? {} : { providerCode: '80' }),
      ...expected,
    });
  });

  it('reads an unknown status as intermediate, falls back to SentTime, and refuses a callback without its fields as Malformed', () => {
    expect(reader().parse(callback({ Status: 'read', DeliveryReportTime: '' }))[0]).toMatchObject({
      state: 'unknown',
      final: false,
      at: NOW - 1000,
    });
    expect(() => reader().parse({ ...callback(), body: 'Status=delivered' })).toThrow('no MessageUUID');
    expect(() => reader().parse({ ...callback(), body: 'MessageUUID=x' })).toThrow('no Status');
  });
});
