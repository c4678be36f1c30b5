import { AlgorithmSuiteIdentifier, buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { KMS } from '@aws-sdk/client-kms';

/** Where the encrypting side reaches KMS: the loopback KMS's endpoint and region. */
export interface KmsEndpoint {
  readonly endpoint: string;
  readonly region: string;
}

export interface EncryptLikeCognitoOptions {
  readonly plaintext: string;
  /** Full key ARN: it becomes the data key's provider info, as in Cognito's messages. */
  readonly keyArn: string;
  readonly userPoolId: string;
  readonly kms: KmsEndpoint;
}

// Cognito's ciphertext, as read off real messages: format v1, suite 0x0378 (AES-256-GCM,
// HKDF-SHA384, ECDSA P-384, non-committing), frame length 4096. The SDK adds the
// `aws-crypto-public-key` context entry itself for a signing suite. Only a client whose policy
// forbids commitment on encrypt can write a non-committing message.
const cognitoClient = buildClient(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
const COGNITO_SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384;
const COGNITO_FRAME_LENGTH = 4096;

/** The access key the testkit's "Cognito" signs its KMS calls with (for a verifying loopback KMS). */
export const COGNITO_KMS_CREDENTIALS: { readonly accessKeyId: string; readonly secretAccessKey: string } = {
  accessKeyId: 'AKIDTESTKIT',
  secretAccessKey: 'testkit',
};

const kmsClients = new Map<string, KMS>();
const kmsClientFor = ({ endpoint, region }: KmsEndpoint): KMS => {
  const key = `${endpoint}|${region}`;
  let client = kmsClients.get(key);
  if (!client) {
    // A copy: the SDK marks the credentials object it is given.
    client = new KMS({ endpoint, region, credentials: { ...COGNITO_KMS_CREDENTIALS } });
    kmsClients.set(key, client);
  }
  return client;
};

/**
 * Encrypts a secret exactly as Cognito does before calling a CustomSMSSender function, with
 * the real AWS Encryption SDK, and returns the base64 that Cognito puts in `request.code`.
 *
 * @example
 * ```ts
 * const code = await encryptLikeCognito({ plaintext: '123456', keyArn, userPoolId, kms });
 * ```
 */
export async function encryptLikeCognito(options: EncryptLikeCognitoOptions): Promise<string> {
  const keyring = new KmsKeyringNode({
    generatorKeyId: options.keyArn,
    clientProvider: () => kmsClientFor(options.kms),
  });
  const { result } = await cognitoClient.encrypt(keyring, options.plaintext, {
    suiteId: COGNITO_SUITE,
    encryptionContext: { 'userpool-id': options.userPoolId },
    frameLength: COGNITO_FRAME_LENGTH,
  });
  return Buffer.from(result).toString('base64');
}

/**
 * Cognito HTML-escapes the temporary password it sends with `AdminCreateUser`.
 *
 * @example `escapeLikeCognito('a<b') // 'a&lt;b'`
 */
export const escapeLikeCognito = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
