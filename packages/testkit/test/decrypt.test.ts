import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { KMS } from '@aws-sdk/client-kms';
import { createCodeDecrypter, createKmsDecryptClient, type DecryptError, isDecryptError } from '@cognito-sms/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptLikeCognito } from '../src/encrypt.js';
import { type LoopbackKms, startLoopbackKms } from '../src/kms-server.js';
import { replaceField, tamperBase64, withEncryptionContext } from '../src/tamper.js';

const POOL = 'eu-west-1_TestPool1';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' };
let kms: LoopbackKms;
let keyArn: string;
let otherKeyArn: string;

beforeAll(async () => {
  kms = await startLoopbackKms({ keys: 2 });
  [keyArn, otherKeyArn] = kms.keyArns as [string, string];
});
afterAll(() => kms.close());

const decrypter = (keyArns = [keyArn]) =>
  createCodeDecrypter({ keyArns, kmsClientFor: (region) => createKmsDecryptClient({ region, endpoint: kms.endpoint, credentials }) });

const decryptError = async (promise: Promise<unknown>): Promise<DecryptError> => {
  try {
    await promise;
  } catch (error) {
    expect(isDecryptError(error)).toBe(true);
    return error as DecryptError;
  }
  throw new Error('expected a DecryptError');
};

const flip = (base64: string, index: number): string => {
  const bytes = Buffer.from(base64, 'base64');
  const at = index < 0 ? bytes.length + index : index;
  bytes[at] = (bytes[at] as number) ^ 0x01;
  return bytes.toString('base64');
};

describe('Function: encryptLikeCognito', () => {
  it('writes what Cognito writes: format v1, suite 0x0378, one aws-kms key with the full ARN, frames of 4096, the pool in the context', async () => {
    const ciphertext = await encryptLikeCognito({ plaintext: '123456', keyArn, userPoolId: POOL, kms });
    const bytes = Buffer.from(ciphertext, 'base64');
    expect(bytes[0]).toBe(0x01);
    expect(bytes.readUInt16BE(2)).toBe(0x0378);
    const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
    const keyring = new KmsKeyringNode({
      keyIds: [keyArn],
      clientProvider: () => new KMS({ region: kms.region, endpoint: kms.endpoint, credentials }),
    });
    const { plaintext, messageHeader } = await decrypt(keyring, bytes);
    expect(Buffer.from(plaintext).toString()).toBe('123456');
    expect(messageHeader.encryptedDataKeys).toHaveLength(1);
    expect(messageHeader.encryptedDataKeys[0]?.providerId).toBe('aws-kms');
    expect(messageHeader.encryptedDataKeys[0]?.providerInfo).toBe(keyArn);
    expect(messageHeader.frameLength).toBe(4096);
    expect(messageHeader.encryptionContext['userpool-id']).toBe(POOL);
    expect(Object.keys(messageHeader.encryptionContext).sort()).toEqual(['aws-crypto-public-key', 'userpool-id']);
  });

  it('is rejected by a decrypter that requires key commitment, as real Cognito messages are', async () => {
    const ciphertext = await encryptLikeCognito({ plaintext: '123456', keyArn, userPoolId: POOL, kms });
    const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
    const keyring = new KmsKeyringNode({
      keyIds: [keyArn],
      clientProvider: () => new KMS({ region: kms.region, endpoint: kms.endpoint, credentials }),
    });
    await expect(decrypt(keyring, Buffer.from(ciphertext, 'base64'))).rejects.toThrow(/CommitmentPolicy/);
  });
});

describe('Function: createCodeDecrypter', () => {
  it('decrypts Cognito ciphertext with one KMS Decrypt call', async () => {
    const subject = decrypter();
    const ciphertext = await encryptLikeCognito({ plaintext: '654321', keyArn, userPoolId: POOL, kms });
    const before = kms.calls.length;
    const code = await subject.decrypt(ciphertext, POOL);
    expect(code.reveal()).toBe('654321');
    expect(String(code)).toBe('[redacted]');
    expect(kms.calls.slice(before).map((c) => c.operation)).toEqual(['Decrypt']);
  });

  it('accepts any of several configured keys', async () => {
    const ciphertext = await encryptLikeCognito({ plaintext: '111111', keyArn: otherKeyArn, userPoolId: POOL, kms });
    expect((await decrypter([keyArn, otherKeyArn]).decrypt(ciphertext, POOL)).reveal()).toBe('111111');
  });

  it('still decrypts a committing v2 message from the Encryption SDK', async () => {
    const { encrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
    const keyring = new KmsKeyringNode({
      generatorKeyId: keyArn,
      clientProvider: () => new KMS({ region: kms.region, endpoint: kms.endpoint, credentials }),
    });
    const { result } = await encrypt(keyring, '222222', { encryptionContext: { 'userpool-id': POOL } });
    expect(result[0]).toBe(0x02);
    expect((await decrypter().decrypt(Buffer.from(result).toString('base64'), POOL)).reveal()).toBe('222222');
  });

  it('throws KeyMismatch naming both ARNs, without calling KMS, when the code is under another key', async () => {
    const ciphertext = await encryptLikeCognito({ plaintext: '123456', keyArn: otherKeyArn, userPoolId: POOL, kms });
    const before = kms.calls.length;
    const error = await decryptError(decrypter().decrypt(ciphertext, POOL));
    expect(error.code).toBe('KeyMismatch');
    expect(error.message).toContain(keyArn);
    expect(error.message).toContain(otherKeyArn);
    expect(kms.calls.length).toBe(before);
  });

  it('throws UserPoolMismatch when the message was encrypted for another pool', async () => {
    const ciphertext = await encryptLikeCognito({ plaintext: '123456', keyArn, userPoolId: 'eu-west-1_OtherPool', kms });
    const error = await decryptError(decrypter().decrypt(ciphertext, POOL));
    expect(error.code).toBe('UserPoolMismatch');
    expect(error.message).toMatch(/eu-west-1_OtherPool.*eu-west-1_TestPool1/);
  });

  it('quotes at most 160 characters of a forged 60 KB pool id or key ARN, without calling KMS', async () => {
    // Prepare: a Cognito message whose unauthenticated header was rewritten.
    const ciphertext = await encryptLikeCognito({ plaintext: '123456', keyArn, userPoolId: POOL, kms });
    const huge = `eu-west-1_${'A'.repeat(60_000)}`;
    const forgedPool = tamperBase64(ciphertext, (bytes) =>
      withEncryptionContext(bytes, (context) => ({ ...context, 'userpool-id': huge })),
    );
    const hugeArn = `${otherKeyArn}${'9'.repeat(60_000)}`;
    const forgedKey = tamperBase64(ciphertext, (bytes) => replaceField(bytes, 'dataKey[0].providerInfo', Buffer.from(hugeArn)));
    const before = kms.calls.length;
    // Act
    const poolError = await decryptError(decrypter().decrypt(forgedPool, POOL));
    const keyError = await decryptError(decrypter().decrypt(forgedKey, POOL));
    // Assess
    expect(poolError.code).toBe('UserPoolMismatch');
    expect(poolError.message).toContain(`"eu-west-1_AAAA`);
    expect(poolError.message).toContain(`(${huge.length + 2} characters), but the event is from ${POOL}`);
    expect(keyError.code).toBe('KeyMismatch');
    expect(keyError.message).toContain(`"${otherKeyArn}99`);
    expect(keyError.message).toContain(`(${hugeArn.length + 2} characters)`);
    expect(keyError.message).toContain(keyArn);
    for (const error of [poolError, keyError]) expect(error.message.length).toBeLessThan(500);
    expect(kms.calls.length).toBe(before);
  });

  it('throws TooManyDataKeys, without calling KMS, for a message with two data keys', async () => {
    const { encrypt } = buildClient(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
    const keyring = new KmsKeyringNode({
      generatorKeyId: keyArn,
      keyIds: [otherKeyArn],
      clientProvider: () => new KMS({ region: kms.region, endpoint: kms.endpoint, credentials }),
    });
    const { result } = await encrypt(keyring, '123456', { encryptionContext: { 'userpool-id': POOL } });
    const before = kms.calls.length;
    const error = await decryptError(decrypter([keyArn, otherKeyArn]).decrypt(Buffer.from(result).toString('base64'), POOL));
    expect(error.code).toBe('TooManyDataKeys');
    expect(kms.calls.length).toBe(before);
  });

  it.each(['not base64!', 'abc', '', '====', 'AYADeA=='])('throws MalformedCiphertext for %j', async (ciphertext) => {
    const error = await decryptError(decrypter().decrypt(ciphertext, POOL));
    expect(error.code).toBe('MalformedCiphertext');
  });

  it('throws MalformedCiphertext for a message cut inside its header', async () => {
    const ciphertext = await encryptLikeCognito({ plaintext: '123456', keyArn, userPoolId: POOL, kms });
    const cut = Buffer.from(ciphertext, 'base64').subarray(0, 120).toString('base64');
    expect((await decryptError(decrypter().decrypt(cut, POOL))).code).toBe('MalformedCiphertext');
  });

  it.each([
    ['the message id in the header', 10],
    ['the body', -150],
    ['the signature', -3],
  ])('throws InvalidCiphertext when a byte of %s is flipped', async (_, index) => {
    const ciphertext = await encryptLikeCognito({ plaintext: '123456', keyArn, userPoolId: POOL, kms });
    const error = await decryptError(decrypter().decrypt(flip(ciphertext, index), POOL));
    expect(error.code).toBe('InvalidCiphertext');
    expect(error.retryable).toBe(false);
  });

  it('throws InvalidCiphertext when the encrypted data key was altered and KMS refuses it', async () => {
    const ciphertext = await encryptLikeCognito({ plaintext: '123456', keyArn, userPoolId: POOL, kms });
    const bytes = Buffer.from(ciphertext, 'base64');
    // The data key's KMS blob ends a little before the header's content type byte; find it by
    // locating the ARN and skipping past it and the blob's length prefix.
    const arnAt = bytes.indexOf(Buffer.from(keyArn));
    const blobAt = arnAt + keyArn.length + 2 + 40;
    bytes[blobAt] = (bytes[blobAt] as number) ^ 0xff;
    const error = await decryptError(decrypter().decrypt(bytes.toString('base64'), POOL));
    expect(error.code).toBe('InvalidCiphertext');
  });

  it('throws a retryable KmsUnavailable when KMS throttles', async () => {
    const ciphertext = await encryptLikeCognito({ plaintext: '123456', keyArn, userPoolId: POOL, kms });
    kms.injectFault({ operation: 'Decrypt', type: 'ThrottlingException', status: 400, message: 'Rate exceeded' });
    const error = await decryptError(
      createCodeDecrypter({
        keyArns: [keyArn],
        kmsClientFor: (region) => createKmsDecryptClient({ region, endpoint: kms.endpoint, credentials, maxAttempts: 1 }),
      }).decrypt(ciphertext, POOL),
    );
    expect(error.code).toBe('KmsUnavailable');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('ThrottlingException');
  });

  it('throws a permanent KmsUnavailable that names kms:Decrypt when access is denied', async () => {
    const ciphertext = await encryptLikeCognito({ plaintext: '123456', keyArn, userPoolId: POOL, kms });
    kms.injectFault({ operation: 'Decrypt', type: 'AccessDeniedException', status: 400, message: 'not authorized' });
    const error = await decryptError(decrypter().decrypt(ciphertext, POOL));
    expect(error.code).toBe('KmsUnavailable');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('kms:Decrypt');
  });
});
