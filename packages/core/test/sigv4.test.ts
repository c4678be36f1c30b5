import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signSigV4 } from '../src/sigv4.js';

// core signs its one kind of request (a POST with no query to an AWS JSON API) itself, so that a
// cold start does not load the AWS SDK's signer and the @smithy/core it pulls in. The SDK's signer
// is the oracle: for any such request both must produce the same signed headers.
class Sha256 {
  private hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    const key = secret === undefined ? undefined : typeof secret === 'string' ? secret : Buffer.from(secret as ArrayBuffer);
    this.hash = key === undefined ? createHash('sha256') : createHmac('sha256', key);
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.hash.update(
      typeof data === 'string'
        ? data
        : Buffer.from(ArrayBuffer.isView(data) ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) : data),
    );
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
  reset() {}
}

const headerName = fc.stringMatching(/^x-amz-[a-z0-9-]{1,12}$/);
const headerValue = fc.stringMatching(/^[ -~]{0,40}$/);
const request = fc.record({
  region: fc.constantFrom('eu-west-1', 'us-east-1', 'ap-southeast-2', 'us-gov-west-1', 'cn-north-1'),
  service: fc.constantFrom('kms', 'sns', 'dynamodb'),
  host: fc.constantFrom('kms.eu-west-1.amazonaws.com', '127.0.0.1:4566', 'localhost:8080'),
  path: fc.constantFrom('/', '/kms/', '/a/b'),
  body: fc.string({ maxLength: 300 }),
  extra: fc.dictionary(headerName, headerValue, { maxKeys: 3 }),
  accessKeyId: fc.stringMatching(/^AKIA[A-Z0-9]{16}$/),
  secretAccessKey: fc.string({ minLength: 1, maxLength: 60 }),
  sessionToken: fc.option(fc.stringMatching(/^[A-Za-z0-9+/=]{10,200}$/), { nil: undefined }),
  now: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T23:59:59Z'), noInvalidDate: true }),
});

describe('signSigV4', () => {
  it('signs every request exactly as the AWS SDK’s SigV4 signer does', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const credentials = { accessKeyId: r.accessKeyId, secretAccessKey: r.secretAccessKey, sessionToken: r.sessionToken };
        const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.Decrypt', ...r.extra };
        const ours = signSigV4(
          { method: 'POST', host: r.host, path: r.path, headers, body: r.body },
          { region: r.region, service: r.service, credentials, now: r.now },
        );
        const sdk = await new SignatureV4({ service: r.service, region: r.region, credentials, sha256: Sha256, applyChecksum: false }).sign(
          {
            method: 'POST',
            protocol: 'https:',
            hostname: r.host,
            path: r.path,
            query: {},
            headers: { ...headers, host: r.host },
            body: r.body,
          },
          { signingDate: r.now },
        );
        expect(ours).toEqual(sdk.headers);
      }),
      { numRuns: 300 },
    );
  });

  it('signs a different body, header, date or secret differently', () => {
    const base = {
      method: 'POST',
      host: 'kms.eu-west-1.amazonaws.com',
      path: '/',
      headers: { 'x-amz-target': 'TrentService.Decrypt' },
      body: '{}',
    };
    const options = {
      region: 'eu-west-1',
      service: 'kms',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      now: new Date('2026-12-07T12:00:00Z'),
    };
    const signature = (request = base, opts = options) => signSigV4(request, opts).authorization;
    const variants = [
      signature({ ...base, body: '{ }' }),
      signature({ ...base, headers: { 'x-amz-target': 'TrentService.Encrypt' } }),
      signature(base, { ...options, now: new Date('2026-12-07T12:00:01Z') }),
      signature(base, { ...options, credentials: { ...options.credentials, secretAccessKey: 'secreT' } }),
      signature(base, { ...options, region: 'eu-west-2' }),
    ];
    expect(new Set([signature(), ...variants]).size).toBe(variants.length + 1);
    expect(signature()).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261207\/eu-west-1\/kms\/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
  });
});
