import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { ReceiptReader, ReceiptRequest } from '@cognito-sms/core/receipts';
import { isReceiptRejectedError } from '@cognito-sms/core/receipts';
import { describe, expect, it } from 'vitest';
import messageBirdReceipts, { MESSAGEBIRD_STATUSES, messageBirdReceiptsConfig, verifyMessageBirdSignature } from '../src/receipts.js';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const KEY = 'emulator-signing-key-0123456789abcdef';
const reader = (signingKey = KEY) =>
  messageBirdReceipts.create(messageBirdReceiptsConfig.parse({ signingKey }), { logger: silent }) as ReceiptReader;
const NOW = Date.UTC(2026, 11, 7, 6, 0, 0);

const rejection = (act: () => unknown) => {
  try {
    act();
  } catch (error) {
    return isReceiptRejectedError(error) ? [error.code, error.status] : error;
  }
  return 'accepted';
};

// MessageBird's reference vectors for its SDKs' verifiers (messagebird/messagebird-nodejs,
// lib/testdata/webhook-signature-jwt-reference.json): one of each case (the file repeats the
// valid ones per HTTP method), all with the same signing key and clock.
const REFERENCE_KEY = '36efdd1aace2e26cd490f0d951138253bef2f7c6d34d18981da781555cc4cebb';
const REFERENCE_TIME = Date.parse('2021-07-05T12:00:00+02:00');
const REFERENCE: [name: string, url: string, body: string, token: string, valid: boolean][] = [
  [
    'Valid JWT with no URL parameters or payload',
    'https://example.com/',
    '',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiI1OWEyNDRkYy1lOWFkLTRlMjMtOTc3OC0zNzFmYWEyMzhmNzIiLCJ1cmxfaGFzaCI6IjBmMTE1ZGIwNjJiN2MwZGQwMzBiMTY4NzhjOTlkZWE1YzM1NGI0OWRjMzdiMzhlYjg4NDYxNzljNzc4M2U5ZDcifQ.6Fp0rVOsRr1fj9S2GidXAfkmPVofKr8_RTffC6G6r2E',
    true,
  ],
  [
    'Valid JWT with URL parameters and no payload',
    'https://example.com/path?bar=1&foo=2',
    '',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiJjOTQ2YWY3Ny1lMTgyLTRlYWEtYjJmZi0xYTU0NWI1ZTk5MWEiLCJ1cmxfaGFzaCI6IjQxZjA1ZjBkZGQwYTIyYWIyMDlhYzQ2ZjQ3YzQ1NzJkOWNlZmEyNTdlZDc0YjI0MDA0YmFlNzUzZWNlNmMyNjAifQ.huo2ou6JDoDc7sV25d75UMWeYhBeavQlLsqIibSZuac',
    true,
  ],
  [
    'Valid JWT with URL parameters and payload',
    'https://example.com/path?bar=1&foo=2',
    'Hello, World!',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiI5M2U1NTAwNi1hMGU4LTQ1MjYtYTE5MC1mYTVmZjAwZWExMTYiLCJ1cmxfaGFzaCI6IjQxZjA1ZjBkZGQwYTIyYWIyMDlhYzQ2ZjQ3YzQ1NzJkOWNlZmEyNTdlZDc0YjI0MDA0YmFlNzUzZWNlNmMyNjAiLCJwYXlsb2FkX2hhc2giOiJkZmZkNjAyMWJiMmJkNWIwYWY2NzYyOTA4MDllYzNhNTMxOTFkZDgxYzdmNzBhNGIyODY4OGEzNjIxODI5ODZmIn0._H--TOuYFLpeEH39-rg5E3IHVkjHozBcaKVWPRC5m9I',
    true,
  ],
  [
    'Token received before it was issued',
    'https://example.com/',
    '',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ4MjgwMCwiZXhwIjoxNjI1NDgyODYwLCJqdGkiOiJmOWY4YzM4Mi0yNDQ5LTQzMTEtYjcyYi0xZGY3MTY4NzkzMWUiLCJ1cmxfaGFzaCI6IjBmMTE1ZGIwNjJiN2MwZGQwMzBiMTY4NzhjOTlkZWE1YzM1NGI0OWRjMzdiMzhlYjg4NDYxNzljNzc4M2U5ZDcifQ.ZELgDFNGhjZH9CffQKcq3sytBe2I0KciLxpBhcfstHQ',
    false,
  ],
  [
    'Token received after it was expired',
    'https://example.com/',
    '',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3NTYwMCwiZXhwIjoxNjI1NDc1NjYwLCJqdGkiOiI1ZjAyZjUyMi02MDMwLTQ2YzgtYjVhMy0wMTI0NjQ3OGQ4YmMiLCJ1cmxfaGFzaCI6IjBmMTE1ZGIwNjJiN2MwZGQwMzBiMTY4NzhjOTlkZWE1YzM1NGI0OWRjMzdiMzhlYjg4NDYxNzljNzc4M2U5ZDcifQ.45MSST3B_2PsjNUeiuW54_vUQgVw4rBXrdWrOUEz3lM',
    false,
  ],
  [
    'Token received on different URL (parameters were sorted out of order)',
    'https://example.com/path?foo=1&bar=2',
    '',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiJhNzVjOTA5Ni1lODIzLTQ0MmItODVmMi03ZDNjOWQ5YjcyNmIiLCJ1cmxfaGFzaCI6IjZhMDIyZDgzNGMxODMzMGJhYWQ4YTJiZDYxMzUxNzNlZDIxNjEwYTQ1NDUxNmJlMGRmM2YxY2MwMTUxNjEwZWEifQ.z6Sw1XQIM0wuEQGBhXBdawDIIrtMg2XnmA_bpDq53pE',
    false,
  ],
  [
    'Payload does not match',
    'https://example.com/',
    'Hello, World!',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiIxNDUwMTUzMi05NmYyLTQ2ODQtOTgzMi02OGYwOTUxYWUzNDIiLCJ1cmxfaGFzaCI6IjBmMTE1ZGIwNjJiN2MwZGQwMzBiMTY4NzhjOTlkZWE1YzM1NGI0OWRjMzdiMzhlYjg4NDYxNzljNzc4M2U5ZDciLCJwYXlsb2FkX2hhc2giOiJmYjYyZjAyYWNkYTdkNzQxNzdhNzAxYTFjZTAwNmU2YmFjZDkwYzdkNGQ3YWI0ODE2OTJjMWRhNDdjODEwNzZiIn0.m79RCwO6dGa9pvzsQypkVuXQ6eM0CkRl6_U7MfWg6TM',
    false,
  ],
  [
    'Different secret',
    'https://example.com/',
    '',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiIyNDNjMjdhZS0yZjAyLTQ2YTAtODg1Mi1jNjZmMzdlYTlmNDYiLCJ1cmxfaGFzaCI6IjBmMTE1ZGIwNjJiN2MwZGQwMzBiMTY4NzhjOTlkZWE1YzM1NGI0OWRjMzdiMzhlYjg4NDYxNzljNzc4M2U5ZDcifQ.JgSeYyOtlEKAXk8bz30iJI4tXgf4lxknoiezawuVhb4',
    false,
  ],
  [
    'payload was removed in transit',
    'https://example.com/',
    '',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiIxNDUwMTUzMi05NmYyLTQ2ODQtOTgzMi02OGYwOTUxYWUzNDIiLCJ1cmxfaGFzaCI6IjBmMTE1ZGIwNjJiN2MwZGQwMzBiMTY4NzhjOTlkZWE1YzM1NGI0OWRjMzdiMzhlYjg4NDYxNzljNzc4M2U5ZDciLCJwYXlsb2FkX2hhc2giOiJkZmZkNjAyMWJiMmJkNWIwYWY2NzYyOTA4MDllYzNhNTMxOTFkZDgxYzdmNzBhNGIyODY4OGEzNjIxODI5ODZmIn0.bHfsjj3tljfzTufoG3EU3p_yFrQh9CufyzRSaRMd4ss',
    false,
  ],
  [
    'payload was added in transit',
    'https://example.com/',
    'Hello, World!',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiI1OWEyNDRkYy1lOWFkLTRlMjMtOTc3OC0zNzFmYWEyMzhmNzIiLCJ1cmxfaGFzaCI6IjBmMTE1ZGIwNjJiN2MwZGQwMzBiMTY4NzhjOTlkZWE1YzM1NGI0OWRjMzdiMzhlYjg4NDYxNzljNzc4M2U5ZDcifQ.6Fp0rVOsRr1fj9S2GidXAfkmPVofKr8_RTffC6G6r2E',
    false,
  ],
  [
    'Port number in URL',
    'https://example.com:8080/',
    '',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiI1OWEyNDRkYy1lOWFkLTRlMjMtOTc3OC0zNzFmYWEyMzhmNzIiLCJ1cmxfaGFzaCI6IjA3Zjc4NjFhNjliMTNjMjI5YzZhZTU5NmQxOThiMjc2M2IwNTRjZjVlMDAwZDczNmQxYzQ4MTAyZDc3MGNmZmMifQ.vcpa0IicGAbpo064dOjiA2VbVOR2S5uZBEaBOP16sS8',
    true,
  ],
  [
    'Special characters in URL',
    'https://example.com/?obj%5Bfield1%5D=val1&obj%5Bfield2%5D=val2&param=value+with+spaces',
    '',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiI1OWEyNDRkYy1lOWFkLTRlMjMtOTc3OC0zNzFmYWEyMzhmNzIiLCJ1cmxfaGFzaCI6IjhhZmYzNzQ4ZDc4OWM0MzMzNTczZTFjMzFmZTViMDA0OTQwY2I1ZmM0NzQ2MGVkM2QwZTY1NGY3ZmM0ZTVmYWUifQ.mJBCMfEjKmN3IMuzqPXPHktWETrcu0iNdF3agE8PDyI',
    true,
  ],
  [
    'Special characters in the payload',
    'https://example.com/',
    'Some text containg & < >, & and \\u0026',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiI1OWEyNDRkYy1lOWFkLTRlMjMtOTc3OC0zNzFmYWEyMzhmNzIiLCJ1cmxfaGFzaCI6IjBmMTE1ZGIwNjJiN2MwZGQwMzBiMTY4NzhjOTlkZWE1YzM1NGI0OWRjMzdiMzhlYjg4NDYxNzljNzc4M2U5ZDciLCJwYXlsb2FkX2hhc2giOiIyNDMxYmQ5Y2NiNDhlZDAxNmZhZDU2N2IwNzcxMjAzOGI1Y2RkOTQ5YWM5ZDQxZmU0NjkzZDVhMzg0NWNmN2U4In0.IQiKzeEPaO3A48lhKmBDSmxZyCESPCGxdSKFdi0dEJs',
    true,
  ],
  [
    'HS384 alg',
    'https://example.com/',
    '',
    'eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiI1OWEyNDRkYy1lOWFkLTRlMjMtOTc3OC0zNzFmYWEyMzhmNzIiLCJ1cmxfaGFzaCI6IjBmMTE1ZGIwNjJiN2MwZGQwMzBiMTY4NzhjOTlkZWE1YzM1NGI0OWRjMzdiMzhlYjg4NDYxNzljNzc4M2U5ZDcifQ.KNMW-29X77lZeuPmThmHWc_RUAvTkaDkpxIZK6mqE08v8mWKiU9Edh4QXwAJO2nv',
    true,
  ],
  [
    'HS512 alg',
    'https://example.com/',
    '',
    'eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiI1OWEyNDRkYy1lOWFkLTRlMjMtOTc3OC0zNzFmYWEyMzhmNzIiLCJ1cmxfaGFzaCI6IjBmMTE1ZGIwNjJiN2MwZGQwMzBiMTY4NzhjOTlkZWE1YzM1NGI0OWRjMzdiMzhlYjg4NDYxNzljNzc4M2U5ZDcifQ.rd6r0iMyNGnVPCwurETphE3Y8rpAyvvnUK0S8WvGUkt2E1QSRAZ7NZJZBHw1Y_Wb5W-sK9HJr_PRL2vz4jRT3Q',
    true,
  ],
  [
    'none alg',
    'https://example.com/',
    '',
    'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJpc3MiOiJNZXNzYWdlQmlyZCIsImlhdCI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiI1OWEyNDRkYy1lOWFkLTRlMjMtOTc3OC0zNzFmYWEyMzhmNzIiLCJ1cmxfaGFzaCI6IjBmMTE1ZGIwNjJiN2MwZGQwMzBiMTY4NzhjOTlkZWE1YzM1NGI0OWRjMzdiMzhlYjg4NDYxNzljNzc4M2U5ZDcifQ.',
    false,
  ],
];

/** A JWT signed as MessageBird signs one. */
function sign(claims: Record<string, unknown>, key = KEY, alg = 'HS256'): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg, typ: 'JWT' })}.${part(claims)}`;
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg] ?? 'sha256';
  return `${unsigned}.${createHmac(hash, key).update(unsigned).digest('base64url')}`;
}

/** A status report GET as MessageBird sends it to reportUrl, signed now. */
function report(params: Record<string, string> = {}, claims: Record<string, unknown> = {}, key = KEY): ReceiptRequest {
  const query = new URLSearchParams({
    id: 'efa6405d518d4c0c88cce11f7db775fb',
    reference: 'CustomSMSSender_SignUp',
    recipient: '31612345678',
    status: 'delivered',
    statusReason: 'successfully delivered',
    statusDatetime: '2026-12-07T06:00:00+00:00',
    mccmnc: '20408',
    ported: '0',
    ...params,
  });
  const url = `https://receipts.example/messagebird?${query}`;
  const nbf = Math.floor(NOW / 1000);
  const token = sign(
    {
      iss: 'MessageBird',
      nbf,
      exp: nbf + 60,
      jti: randomUUID(),
      url_hash: createHash('sha256').update(url).digest('hex'),
      ...claims,
    },
    key,
  );
  return { method: 'GET', url, headers: { 'messagebird-signature-jwt': token }, body: '', receivedAt: NOW };
}

describe('MessageBird receipts', () => {
  it.each(REFERENCE)('reference vector: %s (valid: %s)', (_name, url, body, token, valid) => {
    const outcome = rejection(() => verifyMessageBirdSignature(token, { url, body, receivedAt: REFERENCE_TIME }, REFERENCE_KEY));
    if (valid) expect(outcome).toBe('accepted');
    else expect(outcome).toEqual([expect.stringMatching(/^(BadSignature|Replayed)$/), 403]);
  });

  it('refuses the expired and not-yet-valid reference tokens as replays, the others as bad signatures', () => {
    const reason = (name: string) => {
      const [, url, body, token] = REFERENCE.find(([n]) => n === name) ?? [];
      return rejection(() =>
        verifyMessageBirdSignature(token ?? '', { url: url ?? '', body: body ?? '', receivedAt: REFERENCE_TIME }, REFERENCE_KEY),
      );
    };
    expect(reason('Token received after it was expired')).toEqual(['Replayed', 403]);
    expect(reason('Token received before it was issued')).toEqual(['Replayed', 403]);
    expect(reason('Different secret')).toEqual(['BadSignature', 403]);
    expect(reason('none alg')).toEqual(['BadSignature', 403]);
  });

  it('accepts a status report signed as MessageBird signs one', () => {
    expect(rejection(() => reader().verify(report()))).toBe('accepted');
  });

  it.each([
    ['without MessageBird-Signature-JWT', () => ({ ...report(), headers: {} }), ['Unsigned', 401]],
    ['signed with another key', () => report({}, {}, 'another-signing-key'), ['BadSignature', 403]],
    [
      'whose query was changed after signing',
      () => {
        const request = report({ status: 'delivery_failed' });
        return { ...request, url: request.url.replace('status=delivery_failed', 'status=delivered') };
      },
      ['BadSignature', 403],
    ],
    ['issued by someone else', () => report({}, { iss: 'Mallory' }), ['BadSignature', 403]],
    ['without a jti', () => report({}, { jti: undefined }), ['BadSignature', 403]],
    ['without an exp', () => report({}, { exp: undefined }), ['BadSignature', 403]],
    ['that expired (a replay)', () => report({}, { nbf: NOW / 1000 - 120, exp: NOW / 1000 - 60 }), ['Replayed', 403]],
    ['with a body its signature does not cover', () => ({ ...report(), body: 'injected' }), ['BadSignature', 403]],
    ['whose header is not a JWT', () => ({ ...report(), headers: { 'messagebird-signature-jwt': 'not-a-jwt' } }), ['BadSignature', 403]],
  ])('refuses a report %s', (_name, build, expected) => {
    expect(rejection(() => reader().verify(build() as ReceiptRequest))).toEqual(expected);
  });

  it.each(Object.entries(MESSAGEBIRD_STATUSES))('maps status=%s', (status, expected) => {
    const failure = expected.state !== 'delivered' && expected.final;
    const [receipt] = reader().parse(report(failure ? { status, statusReason: 'unknown subscriber', statusErrorCode: '104' } : { status }));
    expect(receipt).toEqual({
      provider: 'messagebird',
      messageId: 'efa6405d518d4c0c88cce11f7db775fb',
      providerStatus: status,
      at: NOW,
      ...(failure ? { providerCode: '104' } : {}),
      ...(expected.state === 'delivered' || failure ? {} : { providerCode: 'successfully delivered' }),
      ...expected,
    });
  });

  it('reads statusReason when there is no statusErrorCode, an unknown status as intermediate, and refuses a report without its fields', () => {
    expect(reader().parse(report({ status: 'delivery_failed', statusReason: 'unknown subscriber' }))[0]).toMatchObject({
      state: 'undelivered',
      providerCode: 'unknown subscriber',
    });
    expect(reader().parse(report({ status: 'brand_new' }))[0]).toMatchObject({ state: 'unknown', final: false });
    expect(() => reader().parse({ ...report(), url: 'https://receipts.example/messagebird?status=sent' })).toThrow('no id');
    expect(() => reader().parse({ ...report(), url: 'https://receipts.example/messagebird?id=x' })).toThrow('no status');
  });
});
