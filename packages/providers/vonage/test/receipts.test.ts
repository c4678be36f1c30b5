import { randomUUID } from 'node:crypto';
import type { ReceiptReader, ReceiptRequest } from '@cognito-sms/core/receipts';
import { isReceiptRejectedError } from '@cognito-sms/core/receipts';
import { AlgorithmTypes, Auth } from '@vonage/auth';
import { SMS } from '@vonage/sms';
import { describe, expect, it } from 'vitest';
import vonageReceipts, {
  VONAGE_DLR_STATUSES,
  VONAGE_SIGNATURE_METHODS,
  type VonageSignatureMethod,
  vonageReceiptsConfig,
  vonageSignature,
} from '../src/receipts.js';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const SECRET = 'my_secret_key_for_testing';
const reader = (signatureMethod: VonageSignatureMethod = 'md5hash', signatureSecret = SECRET) =>
  vonageReceipts.create(vonageReceiptsConfig.parse({ signatureSecret, signatureMethod }), { logger: silent }) as ReceiptReader;

const NOW = Date.UTC(2026, 11, 7, 6, 0, 0);

/** A DLR as Vonage sends it with signed webhooks on, signed now. */
function dlr(fields: Record<string, string> = {}, method: VonageSignatureMethod = 'md5hash', secret = SECRET): Record<string, string> {
  const params: Record<string, string> = {
    msisdn: '447700900000',
    to: 'AcmeInc',
    'network-code': '23410',
    messageId: '0A0000001234567B',
    price: '0.03330000',
    status: 'delivered',
    scts: '2612070600',
    'err-code': '0',
    'api-key': 'abcd1234',
    'message-timestamp': '2026-12-07 06:00:00',
    timestamp: String(NOW / 1000),
    nonce: randomUUID(),
    ...fields,
  };
  return { ...params, sig: vonageSignature(params, secret, method) };
}

const get = (params: Record<string, string>, receivedAt = NOW): ReceiptRequest => ({
  method: 'GET',
  url: `https://receipts.example/vonage?${new URLSearchParams(params)}`,
  headers: {},
  body: '',
  receivedAt,
});
const postJson = (params: Record<string, string>): ReceiptRequest => ({
  method: 'POST',
  url: 'https://receipts.example/vonage',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(params),
  receivedAt: NOW,
});
const postForm = (params: Record<string, string>): ReceiptRequest => ({
  method: 'POST',
  url: 'https://receipts.example/vonage',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(params).toString(),
  receivedAt: NOW,
});

const rejection = (act: () => unknown) => {
  try {
    act();
  } catch (error) {
    return isReceiptRejectedError(error) ? [error.code, error.status] : error;
  }
  return 'accepted';
};

// The SDK's own vectors: vonage-node-sdk packages/sms/__tests__/__dataSets__/signature.ts.
const SDK_PARAMS = {
  'message-timestamp': '2013-11-21 15:27:30',
  messageId: '020000001B0FE827',
  msisdn: '14843472194',
  text: 'Test again',
  timestamp: '1385047698',
  to: '13239877404',
  type: 'text',
};
const SDK_VECTORS: [VonageSignatureMethod, string][] = [
  ['md5hash', 'd2e7b1dc968737c5998ad624e02f90b7'],
  ['md5', 'DDEBD46008C2D4E93CCE578A332A52D5'],
  ['sha1', '27D0D05C2876C7CB1720DBCDBA4D492E1E55C09A'],
  ['sha256', 'DDB8397C2B90AAC7F3882D306475C9A5058C92322EEF43C92B298B6E0FC0D330'],
  [
    'sha512',
    'E0D3C650F8C9D1A5C174D10DDDBFB003E561F59B265616208B0487C5D819481CD3C311D59CF6165ECD1139622D5BA3A256C0D763AC4A9AD9144B5A426B94FE82',
  ],
];

describe('Vonage receipts', () => {
  it.each(SDK_VECTORS)('accepts the SDK’s published %s vector, and refuses it with one parameter changed', (method, sig) => {
    // Prepare: the vector's own timestamp is its arrival time, so only the signature is in question.
    const signed = get({ ...SDK_PARAMS, sig }, 1385047698_000);
    const tampered = get({ ...SDK_PARAMS, text: 'Test agaim', sig }, 1385047698_000);

    // Act, Assess
    expect(rejection(() => reader(method).verify(signed))).toBe('accepted');
    expect(rejection(() => reader(method).verify(tampered))).toEqual(['BadSignature', 403]);
  });

  it.each(VONAGE_SIGNATURE_METHODS)('agrees with @vonage/sms verifySignature (%s), & and = in values included', (method) => {
    const algorithm = {
      md5hash: AlgorithmTypes.md5hash,
      md5: AlgorithmTypes.md5hmac,
      sha1: AlgorithmTypes.sha1hmac,
      sha256: AlgorithmTypes.sha256hmac,
      sha512: AlgorithmTypes.sha512hmac,
    }[method];
    const sdk = new SMS(new Auth({}));
    for (const to of ['AcmeInc', 'A&B=C', 'Ünïcode ✓']) {
      const params = dlr({ to, 'client-ref': 'ref=1&x' }, method);
      expect(sdk.verifySignature(params.sig as string, params, SECRET, algorithm)).toBe(true);
      expect(rejection(() => reader(method).verify(get(params)))).toBe('accepted');
    }
  });

  it.each([
    ['a GET', get],
    ['a form POST', postForm],
    ['a JSON POST', postJson],
  ])('verifies and reads %s', (_name, build) => {
    const request = build(dlr({ status: 'failed', 'err-code': '3' }, 'sha256'));
    expect(rejection(() => reader('sha256').verify(request))).toBe('accepted');
    expect(reader('sha256').parse(request)).toEqual([
      {
        provider: 'vonage',
        messageId: '0A0000001234567B',
        state: 'undelivered',
        final: true,
        providerStatus: 'failed',
        providerCode: '3',
        at: NOW,
      },
    ]);
  });

  it.each([
    ['unsigned (no sig)', () => get(Object.fromEntries(Object.entries(dlr()).filter(([name]) => name !== 'sig'))), ['Unsigned', 401]],
    ['signed with another secret', () => get(dlr({}, 'md5hash', 'not-the-secret')), ['BadSignature', 403]],
    ['signed with another method', () => get(dlr({}, 'sha1')), ['BadSignature', 403]],
    ['with a changed status', () => get({ ...dlr({ status: 'failed' }), status: 'delivered' }), ['BadSignature', 403]],
    ['signed six minutes ago (a replay)', () => get(dlr({ timestamp: String(NOW / 1000 - 360) })), ['Replayed', 403]],
    [
      'signed without its timestamp',
      () => {
        const { timestamp: _omitted, ...rest } = dlr();
        return get({ ...rest, sig: vonageSignature(rest, SECRET, 'md5hash') });
      },
      ['BadSignature', 403],
    ],
  ])('refuses a receipt %s', (_name, build, expected) => {
    expect(rejection(() => reader().verify(build()))).toEqual(expected);
  });

  it('refuses a JSON body that is not an object of strings as Malformed (400)', () => {
    const request = (body: string): ReceiptRequest => ({ ...postJson({}), body });
    expect(rejection(() => reader().verify(request('[1,2]')))).toEqual(['Malformed', 400]);
    expect(rejection(() => reader().verify(request('{"messageId":{"a":1}}')))).toEqual(['Malformed', 400]);
    expect(rejection(() => reader().verify(request('not json')))).toEqual(['Malformed', 400]);
  });

  it.each(Object.entries(VONAGE_DLR_STATUSES))('maps status=%s', (status, expected) => {
    const [receipt] = reader().parse(get(dlr({ status, 'err-code': status === 'delivered' ? '0' : '1' })));
    expect(receipt).toEqual({
      provider: 'vonage',
      messageId: '0A0000001234567B',
      providerStatus: status,
      at: NOW,
      ...(status === 'delivered' ? {} : { providerCode: '1' }),
      ...expected,
    });
  });

  it('reads a status it does not know as intermediate unknown, and refuses a DLR without its fields', () => {
    expect(reader().parse(get(dlr({ status: 'brand-new' })))[0]).toMatchObject({ state: 'unknown', final: false });
    expect(() => reader().parse(get({ status: 'delivered' }))).toThrow('no messageId');
    expect(() => reader().parse(get({ messageId: 'X' }))).toThrow('no status');
  });

  it('fails configuration on an unknown signature method and without a secret', () => {
    expect(vonageReceiptsConfig.safeParse({ signatureSecret: 's', signatureMethod: 'sha384' }).success).toBe(false);
    expect(vonageReceiptsConfig.safeParse({}).success).toBe(false);
    expect(vonageReceiptsConfig.parse({ signatureSecret: 's' }).signatureMethod).toBe('md5hash');
  });
});
