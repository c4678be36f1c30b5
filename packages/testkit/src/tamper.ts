// Ciphertext tampering for tests: a map of an AWS Encryption SDK message's bytes (header,
// encrypted data keys, IVs, body, signature), bit flips, truncation and appended bytes, and the
// two unusual messages a CustomSMSSender must handle: more than one encrypted data key, and a
// key-committing message format v2. The layout follows the Encryption SDK's message format
// reference (https://docs.aws.amazon.com/encryption-sdk/latest/developer-guide/message-format.html,
// body-aad-reference.html); it is parsed here independently of the SDK so a test never relies
// on the code it is testing to tell it where the bytes are.
import { AlgorithmSuiteIdentifier, buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { KMS } from '@aws-sdk/client-kms';
import type { KmsEndpoint } from './encrypt.js';

/** Which part of the message a byte belongs to, in the terms of the tampering tests. */
export type MessagePart = 'header' | 'dataKey' | 'iv' | 'headerAuth' | 'body' | 'signature';

/** A named byte range `[start, end)` of a message. */
export interface MessageRegion {
  /** e.g. `header.messageId`, `dataKey[0].providerInfo`, `frame[0].iv`, `footer.signature`. */
  readonly name: string;
  readonly part: MessagePart;
  readonly start: number;
  readonly end: number;
}

class Reader {
  offset = 0;
  readonly regions: MessageRegion[] = [];
  constructor(readonly bytes: Uint8Array) {}
  take(name: string, part: MessagePart, length: number): Uint8Array {
    if (length < 0 || this.offset + length > this.bytes.length) {
      throw new RangeError(`message ends inside ${name} (needs ${length} bytes at ${this.offset} of ${this.bytes.length})`);
    }
    const slice = this.bytes.subarray(this.offset, this.offset + length);
    if (length > 0) this.regions.push({ name, part, start: this.offset, end: this.offset + length });
    this.offset += length;
    return slice;
  }
  uint8(name: string, part: MessagePart): number {
    return this.take(name, part, 1)[0] as number;
  }
  uint16(name: string, part: MessagePart): number {
    const b = this.take(name, part, 2);
    return ((b[0] as number) << 8) | (b[1] as number);
  }
  uint32(name: string, part: MessagePart): number {
    const b = this.take(name, part, 4);
    return Buffer.from(b).readUInt32BE(0);
  }
}

/** Suites this parser knows: IV and tag lengths are 12 and 16 for every GCM suite. */
const SIGNING_SUITES = new Set([0x0214, 0x0346, 0x0378, 0x0578]);
const COMMITTING_SUITES = new Set([0x0478, 0x0578]);
const FINAL_FRAME = 0xffffffff;

/**
 * Maps every byte of a framed Encryption SDK message (format v1 or v2) to a named region. Throws
 * a RangeError for a message it cannot read to the end (which a test should not tamper with).
 *
 * @example
 * ```ts
 * const regions = messageRegions(Buffer.from(ciphertext, 'base64'));
 * regions.find((r) => r.name === 'frame[0].iv') // { part: 'iv', start: 341, end: 353 }
 * ```
 */
export function messageRegions(message: Uint8Array): MessageRegion[] {
  const r = new Reader(message);
  const version = r.uint8('header.version', 'header');
  if (version !== 1 && version !== 2) throw new RangeError(`unknown message format version ${version}`);
  if (version === 1) r.uint8('header.type', 'header');
  const suite = r.uint16('header.algorithmId', 'header');
  r.take('header.messageId', 'header', version === 1 ? 16 : 32);
  const aadLength = r.uint16('header.aadLength', 'header');
  r.take('header.encryptionContext', 'header', aadLength);
  const keys = r.uint16('header.dataKeyCount', 'header');
  for (let i = 0; i < keys; i++) {
    r.take(`dataKey[${i}].providerId`, 'dataKey', r.uint16(`dataKey[${i}].providerIdLength`, 'dataKey'));
    r.take(`dataKey[${i}].providerInfo`, 'dataKey', r.uint16(`dataKey[${i}].providerInfoLength`, 'dataKey'));
    r.take(`dataKey[${i}].ciphertext`, 'dataKey', r.uint16(`dataKey[${i}].ciphertextLength`, 'dataKey'));
  }
  const contentType = r.uint8('header.contentType', 'header');
  if (contentType !== 2) throw new RangeError('only framed messages (content type 2) are mapped');
  let ivLength = 12;
  if (version === 1) {
    r.take('header.reserved', 'header', 4);
    ivLength = r.uint8('header.ivLength', 'header');
  }
  const frameLength = r.uint32('header.frameLength', 'header');
  if (version === 2 && COMMITTING_SUITES.has(suite)) r.take('header.suiteData', 'header', 32);
  if (version === 1) r.take('headerAuth.iv', 'iv', ivLength);
  r.take('headerAuth.tag', 'headerAuth', 16);

  for (let frame = 0; ; frame++) {
    const sequence = r.uint32(`frame[${frame}].sequenceNumber`, 'body');
    if (sequence === FINAL_FRAME) {
      r.uint32(`frame[${frame}].finalSequenceNumber`, 'body');
      r.take(`frame[${frame}].iv`, 'iv', ivLength);
      r.take(`frame[${frame}].content`, 'body', r.uint32(`frame[${frame}].contentLength`, 'body'));
      r.take(`frame[${frame}].tag`, 'body', 16);
      break;
    }
    r.take(`frame[${frame}].iv`, 'iv', ivLength);
    r.take(`frame[${frame}].content`, 'body', frameLength);
    r.take(`frame[${frame}].tag`, 'body', 16);
  }
  if (SIGNING_SUITES.has(suite)) {
    r.take('footer.signature', 'signature', r.uint16('footer.signatureLength', 'signature'));
  }
  if (r.offset !== message.length) throw new RangeError(`${message.length - r.offset} bytes after the end of the message`);
  return r.regions;
}

/**
 * The region a byte offset falls in.
 *
 * @example `regionAt(regions, 0)?.name // 'header.version'`
 */
export const regionAt = (regions: readonly MessageRegion[], offset: number): MessageRegion | undefined =>
  regions.find((region) => offset >= region.start && offset < region.end);

/**
 * A copy of `message` with one bit inverted (`bit` counts from the first byte's most significant bit).
 *
 * @example `flipBit(bytes, 8 * 20 + 3)`
 */
export function flipBit(message: Uint8Array, bit: number): Buffer {
  const copy = Buffer.from(message);
  const index = Math.floor(bit / 8);
  if (index < 0 || index >= copy.length) throw new RangeError(`bit ${bit} is outside a ${copy.length}-byte message`);
  copy[index] = (copy[index] as number) ^ (0x80 >> (bit % 8));
  return copy;
}

// The fields whose length is the uint16 right before them, and the region that holds it.
const LENGTH_PREFIXED = /^(?:header\.encryptionContext|dataKey\[\d+\]\.(?:providerId|providerInfo|ciphertext))$/;

/**
 * A copy of `message` with one length-prefixed header field replaced, its uint16 length
 * updated: `header.encryptionContext` or an encrypted data key's `providerId`, `providerInfo`
 * or `ciphertext`. The header auth tag no longer matches, so only code that reads the header
 * before authenticating it sees the new value (a forged header, up to 65,535 bytes a field).
 *
 * @example `replaceField(bytes, 'dataKey[0].providerInfo', Buffer.from('x'.repeat(60_000)))`
 */
export function replaceField(message: Uint8Array, name: string, value: Uint8Array): Buffer {
  if (!LENGTH_PREFIXED.test(name)) throw new RangeError(`${name} is not a length-prefixed header field`);
  if (value.length > 0xffff) throw new RangeError(`${name} holds at most 65535 bytes, not ${value.length}`);
  const region = messageRegions(message).find((r) => r.name === name);
  if (!region) throw new RangeError(`the message has no ${name} (or it is empty)`);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(value.length);
  return Buffer.concat([message.subarray(0, region.start - 2), length, value, message.subarray(region.end)]);
}

/**
 * A copy of `message` whose (unauthenticated) header carries another encryption context,
 * serialized as the Encryption SDK does (count, then key/value pairs sorted by key, each with a
 * uint16 length).
 *
 * @example `withEncryptionContext(bytes, (context) => ({ ...context, 'userpool-id': 'eu-west-1_' + 'A'.repeat(60_000) }))`
 */
export function withEncryptionContext(
  message: Uint8Array,
  change: (context: Readonly<Record<string, string>>) => Readonly<Record<string, string>>,
): Buffer {
  const region = messageRegions(message).find((r) => r.name === 'header.encryptionContext');
  if (!region) throw new RangeError('the message has no encryption context');
  const bytes = Buffer.from(message.subarray(region.start, region.end));
  const context: Record<string, string> = {};
  let at = 2;
  const take = () => {
    const length = bytes.readUInt16BE(at);
    const text = bytes.toString('utf8', at + 2, at + 2 + length);
    at += 2 + length;
    return text;
  };
  for (let i = 0, count = bytes.readUInt16BE(0); i < count; i++) {
    const key = take();
    context[key] = take();
  }
  const pairs = Object.entries(change(context)).sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const uint16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
  const field = (text: string) => Buffer.concat([uint16(Buffer.byteLength(text)), Buffer.from(text)]);
  return replaceField(
    message,
    'header.encryptionContext',
    Buffer.concat([uint16(pairs.length), ...pairs.flatMap(([k, v]) => [field(k), field(v)])]),
  );
}

/** Applies a byte-level change to base64 ciphertext. @example `tamperBase64(code, (b) => flipBit(b, 100))` */
export const tamperBase64 = (ciphertext: string, change: (bytes: Buffer) => Uint8Array): string =>
  Buffer.from(change(Buffer.from(ciphertext, 'base64'))).toString('base64');

const kmsClients = new Map<string, KMS>();
const kmsClientFor = ({ endpoint, region }: KmsEndpoint): KMS => {
  const key = `${endpoint}|${region}`;
  let client = kmsClients.get(key);
  if (!client) {
    client = new KMS({ endpoint, region, credentials: { accessKeyId: 'AKIDTESTKIT', secretAccessKey: 'testkit' } });
    kmsClients.set(key, client);
  }
  return client;
};

export interface EncryptVariantOptions {
  readonly plaintext: string;
  readonly userPoolId: string;
  readonly kms: KmsEndpoint;
}

const nonCommitting = buildClient(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
const committing = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

/**
 * Cognito's format (v1, suite 0x0378, `userpool-id` context) but with one encrypted data key per
 * ARN: the first generates the data key, the others wrap it too. Cognito never writes more than one.
 *
 * @example `const code = await encryptWithDataKeys({ plaintext: '123456', keyArns: [a, b], userPoolId, kms })`
 */
export async function encryptWithDataKeys(options: EncryptVariantOptions & { readonly keyArns: readonly string[] }): Promise<string> {
  const [generatorKeyId, ...keyIds] = options.keyArns;
  if (!generatorKeyId) throw new TypeError('encryptWithDataKeys needs at least one key ARN');
  const keyring = new KmsKeyringNode({ generatorKeyId, keyIds, clientProvider: () => kmsClientFor(options.kms) });
  const { result } = await nonCommitting.encrypt(keyring, options.plaintext, {
    suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384,
    encryptionContext: { 'userpool-id': options.userPoolId },
    frameLength: 4096,
  });
  return Buffer.from(result).toString('base64');
}

/**
 * A key-committing message: format v2, suite 0x0578 (AES-256-GCM, HKDF-SHA512 with key
 * commitment, ECDSA P-384), as the Encryption SDK writes by default today. A decrypter that
 * allows non-committed messages must still accept it.
 *
 * @example `const code = await encryptCommitting({ plaintext: '123456', keyArn, userPoolId, kms })`
 */
export async function encryptCommitting(options: EncryptVariantOptions & { readonly keyArn: string }): Promise<string> {
  const keyring = new KmsKeyringNode({ generatorKeyId: options.keyArn, clientProvider: () => kmsClientFor(options.kms) });
  const { result } = await committing.encrypt(keyring, options.plaintext, {
    suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
    encryptionContext: { 'userpool-id': options.userPoolId },
    frameLength: 4096,
  });
  return Buffer.from(result).toString('base64');
}
