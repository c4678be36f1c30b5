import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KMS } from '@aws-sdk/client-kms';
import { createCodeDecrypter, createKmsDecryptClient, type DecryptError, type KmsDecryptClient, KmsServiceError } from '@cognito-sms/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COGNITO_KMS_CREDENTIALS, encryptLikeCognito } from '../src/encrypt.js';
import { type LoopbackKms, startLoopbackKms } from '../src/kms-server.js';

// core's Decrypt-only KMS client against a loopback KMS that recomputes every SigV4 signature
// with its own implementation of the documented algorithm: a request the client got wrong
// (headers, body, scope, session token) is refused the way KMS refuses it.
const POOL = 'eu-west-1_LightKms1';
const credentials = { accessKeyId: 'AKIDLIGHTKMS', secretAccessKey: 'light/kms+secret', sessionToken: 'session-token-1' };
let kms: LoopbackKms;
let keyArn: string;
let ciphertext: string;

beforeAll(async () => {
  kms = await startLoopbackKms({ credentials: [credentials, COGNITO_KMS_CREDENTIALS] });
  keyArn = kms.keyArns[0] as string;
  ciphertext = await encryptLikeCognito({ plaintext: '905813', keyArn, userPoolId: POOL, kms });
});
afterAll(() => kms.close());

const client = (overrides: Partial<Parameters<typeof createKmsDecryptClient>[0]> = {}) =>
  createKmsDecryptClient({ region: kms.region, endpoint: kms.endpoint, credentials, ...overrides });
const decrypterWith = (kmsClient: KmsDecryptClient) => createCodeDecrypter({ keyArns: [keyArn], kmsClientFor: () => kmsClient });
const decryptCalls = () => kms.calls.filter((call) => call.operation === 'Decrypt');

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** A server that accepts connections and answers each request with `answer`. */
async function startServer(answer: Parameters<typeof createServer>[1]): Promise<{ endpoint: string; server: Server }> {
  const server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

describe('createKmsDecryptClient', () => {
  it('decrypts Cognito ciphertext with a signature KMS accepts, session token included, on one kept-alive connection', async () => {
    const before = { calls: decryptCalls().length, connections: kms.connections() };
    const decrypter = decrypterWith(client());
    for (let i = 0; i < 3; i++) expect((await decrypter.decrypt(ciphertext, POOL)).reveal()).toBe('905813');
    const calls = decryptCalls().slice(before.calls);
    expect(calls.map((call) => [call.status, call.userAgent])).toEqual([
      [200, 'cognito-sms'],
      [200, 'cognito-sms'],
      [200, 'cognito-sms'],
    ]);
    expect(kms.connections() - before.connections).toBe(1);
  });

  it('is refused by KMS when it signs with another secret, and does not retry the refusal', async () => {
    const before = decryptCalls().length;
    const error = await rejection(
      client({ credentials: { ...credentials, secretAccessKey: 'wrong' } }).decrypt({ KeyId: keyArn, CiphertextBlob: new Uint8Array(8) }),
    );
    expect(error).toBeInstanceOf(KmsServiceError);
    expect(error).toMatchObject({ name: 'InvalidSignatureException', $fault: 'client', $metadata: { httpStatusCode: 400, attempts: 1 } });
    expect(decryptCalls().length - before).toBe(1);
  });

  it('gives the decrypter a permanent KmsUnavailable for an unknown access key', async () => {
    const error = (await rejection(
      decrypterWith(client({ credentials: { ...credentials, accessKeyId: 'AKIDOTHER' } })).decrypt(ciphertext, POOL),
    )) as DecryptError;
    expect(error).toMatchObject({ name: 'DecryptError', code: 'KmsUnavailable', retryable: false });
    expect(error.message).toContain('UnrecognizedClientException');
  });

  it('retries throttling and 5xx answers (3 attempts in all) and delivers the plaintext of the last', async () => {
    kms.injectFault({ operation: 'Decrypt', type: 'ThrottlingException', status: 400, message: 'Rate exceeded' });
    kms.injectFault({ operation: 'Decrypt', type: 'KMSInternalException', status: 500 });
    const before = decryptCalls().length;
    expect((await decrypterWith(client()).decrypt(ciphertext, POOL)).reveal()).toBe('905813');
    expect(
      decryptCalls()
        .slice(before)
        .map((call) => call.status),
    ).toEqual([400, 500, 200]);
  });

  it('gives up after maxAttempts with the last answer, named as the SDK names it', async () => {
    for (let i = 0; i < 2; i++)
      kms.injectFault({ operation: 'Decrypt', type: 'ThrottlingException', status: 400, message: 'Rate exceeded' });
    const error = await rejection(client({ maxAttempts: 2 }).decrypt({ KeyId: keyArn, CiphertextBlob: new Uint8Array(8) }));
    expect(error).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded', $metadata: { httpStatusCode: 400, attempts: 2 } });
    expect((error as KmsServiceError).$metadata).toHaveProperty('requestId', expect.stringMatching(/^[0-9a-f-]{36}$/));
  });

  it('does not retry an answer that cannot be read, and quotes none of it', async () => {
    let requests = 0;
    const { endpoint, server } = await startServer((_req, res) => {
      requests += 1;
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{"Plaintext":x"S0VZQllURVM="');
    });
    try {
      const error = await rejection(client({ endpoint }).decrypt({ KeyId: keyArn, CiphertextBlob: new Uint8Array(8) }));
      expect(error).toMatchObject({ name: 'KmsAnswerUnreadable' });
      expect(error.message).not.toContain('S0VZ');
      expect(requests).toBe(1);
    } finally {
      await closeServer(server);
    }
  });

  it('ends a request KMS does not answer: a TimeoutError after the request timeout, an AbortError when the signal fires', async () => {
    const { endpoint, server } = await startServer(() => {
      // Never answers.
    });
    try {
      const silent = await rejection(client({ endpoint, maxAttempts: 1, requestTimeoutMs: 150 }).decrypt({ KeyId: keyArn }));
      expect(silent).toMatchObject({ name: 'TimeoutError' });
      const aborted = await rejection(client({ endpoint }).decrypt({ KeyId: keyArn }, { abortSignal: AbortSignal.timeout(100) }));
      expect(aborted.name).toMatch(/AbortError|TimeoutError/);
    } finally {
      await closeServer(server);
    }
  });

  it('retries a connection refused, then reports the socket error', async () => {
    const { endpoint, server } = await startServer(() => {});
    await closeServer(server);
    const error = await rejection(client({ endpoint }).decrypt({ KeyId: keyArn }));
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses an endpoint that is not http(s) when it is created', () => {
    expect(() => createKmsDecryptClient({ region: 'eu-west-1', endpoint: 'ftp://kms.example', credentials })).toThrow(
      /http\(s\) URL; got ftp:/,
    );
  });
});

describe('KmsDecryptClient', () => {
  it('is met by the AWS SDK’s aggregated KMS client as it is', async () => {
    const sdk: KmsDecryptClient = new KMS({ region: kms.region, endpoint: kms.endpoint, credentials });
    const before = decryptCalls().length;
    expect((await decrypterWith(sdk).decrypt(ciphertext, POOL)).reveal()).toBe('905813');
    expect(
      decryptCalls()
        .slice(before)
        .map((call) => call.userAgent?.startsWith('aws-sdk-js/')),
    ).toEqual([true]);
  });
});
