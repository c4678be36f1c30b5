import { AsyncLocalStorage } from 'node:async_hooks';
import { buildDecrypt } from '@aws-crypto/decrypt-node';
import { KmsKeyringClass } from '@aws-crypto/kms-keyring';
import { CommitmentPolicy, KeyringNode, NodeAlgorithmSuite } from '@aws-crypto/material-management-node';
import { deserializeFactory } from '@aws-crypto/serialize';
import { DecryptError } from './errors.js';
import type { KmsDecryptClient, KmsDecryptInput, KmsDecryptOutput } from './kms-decrypt-client.js';
import { NativeVerificationKeyCmm } from './native-verification-cmm.js';
import { quoteCapped } from './quote.js';
import { Secret } from './secret.js';

export interface CodeDecrypterOptions {
  /** Full key ARNs (`arn:aws:kms:<region>:<account>:key/<id>`) the pools encrypt under. */
  readonly keyArns: readonly string[];
  /** Returns the KMS client for a key's region; called once per region and cached. */
  readonly kmsClientFor: (region: string) => KmsDecryptClient;
}

/** Decrypts the `request.code` of a CustomSMSSender event. */
export interface CodeDecrypter {
  /** `signal` bounds the KMS call: when it fires, the result is a retryable `KmsUnavailable`. */
  decrypt(ciphertext: string, userPoolId: string, options?: { signal?: AbortSignal }): Promise<Secret>;
}

const USER_POOL_CONTEXT_KEY = 'userpool-id';
// Header values are read before the header is authenticated: anyone's bytes, up to 64 KB each.
// Quoted in errors up to a length that keeps every real key ARN and pool id whole.
const MAX_QUOTED_HEADER_VALUE = 160;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key\/[A-Za-z0-9-]+$/;

/** @example `isKmsKeyArn('arn:aws:kms:eu-west-1:111122223333:key/1234abcd-…') // true` */
export const isKmsKeyArn = (value: string): boolean => KMS_KEY_ARN.test(value);

// The keyring is the SDK's KMS keyring built on the modular KMS client: the ready-made
// KmsKeyringNode imports the whole aggregated `KMS` client and the hierarchical keyring's
// DynamoDB client, which Lambda would load at every cold start for nothing.
type KmsKeyringInput = {
  keyIds: string[];
  clientProvider: (region: string) => { decrypt(input: KmsDecryptInput): Promise<KmsDecryptOutput> } | false;
};
// The SDK refuses `new` on the mixin itself: it must be subclassed, as KmsKeyringNode does.
class ModularKmsKeyring extends (KmsKeyringClass(KeyringNode as never) as unknown as new (input: KmsKeyringInput) => object) {}

/**
 * Builds a decrypter for Cognito's ciphertext: a strict KMS keyring on the configured key
 * ARNs, built once. Each `decrypt` checks the header before calling KMS (one data key, a
 * configured key, the event's user pool) and checks the authenticated context again after.
 *
 * @example
 * ```ts
 * const decrypter = createCodeDecrypter({ keyArns: [arn], kmsClientFor: (region) => new KMS({ region }) });
 * const code = await decrypter.decrypt(event.request.code, event.userPoolId);
 * ```
 */
export function createCodeDecrypter(options: CodeDecrypterOptions): CodeDecrypter {
  const keyArns = [...options.keyArns];
  const invalid = keyArns.filter((arn) => !isKmsKeyArn(arn));
  if (keyArns.length === 0 || invalid.length > 0) {
    throw new TypeError(`keyArns must be full KMS key ARNs; got ${JSON.stringify(keyArns)}`);
  }
  // Cognito encrypts with a non-committing suite (0x0378) in message format v1, so decryption
  // must allow non-committed messages; REQUIRE_ENCRYPT_REQUIRE_DECRYPT rejects every real one.
  // One encrypted data key is all Cognito writes; more is refused before any KMS call.
  const { decrypt } = buildDecrypt({
    commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT,
    maxEncryptedDataKeys: 1,
  });
  // KMS errors inside the keyring are flattened into one string; this store gives each
  // decrypt call the typed errors of its own KMS calls, even with calls in flight together,
  // and hands its AbortSignal to the KMS request the keyring makes.
  const kmsCalls = new AsyncLocalStorage<{ errors: unknown[]; signal: AbortSignal | undefined }>();
  const clients = new Map<string, KmsDecryptClient>();
  const keyring: KeyringNode = new ModularKmsKeyring({
    keyIds: keyArns,
    clientProvider: (region) => {
      let client = clients.get(region);
      if (!client) {
        client = options.kmsClientFor(region);
        clients.set(region, client);
      }
      const regional = client;
      return {
        decrypt: async (input) => {
          const call = kmsCalls.getStore();
          try {
            return await regional.decrypt(input, call?.signal ? { abortSignal: call.signal } : undefined);
          } catch (error) {
            call?.errors.push(error);
            throw error;
          }
        },
      };
    },
  }) as unknown as KeyringNode;
  const materials = new NativeVerificationKeyCmm(keyring);

  return {
    async decrypt(ciphertext, userPoolId, callOptions = {}) {
      const message = decodeBase64(ciphertext);
      const header = readHeader(message);
      const poolInContext = header.encryptionContext[USER_POOL_CONTEXT_KEY];
      if (poolInContext !== userPoolId) throw userPoolMismatch(poolInContext, userPoolId);
      const dataKey = header.encryptedDataKeys[0];
      if (dataKey?.providerId !== 'aws-kms') {
        throw new DecryptError('InvalidCiphertext', 'the message has no aws-kms encrypted data key');
      }
      if (!keyArns.includes(dataKey.providerInfo)) throw keyMismatch(dataKey.providerInfo, keyArns);

      const errors: unknown[] = [];
      let result: Awaited<ReturnType<typeof decrypt>>;
      try {
        result = await kmsCalls.run({ errors, signal: callOptions.signal }, () => decrypt(materials, message));
      } catch (error) {
        throw decryptFailure(error, errors, callOptions.signal);
      }
      // The header was read unauthenticated above; this context has passed the header auth tag.
      const authenticatedPool = result.messageHeader.encryptionContext[USER_POOL_CONTEXT_KEY];
      if (authenticatedPool !== userPoolId) throw userPoolMismatch(authenticatedPool, userPoolId);
      const plaintext = Buffer.from(result.plaintext.buffer, result.plaintext.byteOffset, result.plaintext.byteLength);
      const secret = new Secret(plaintext.toString('utf8'));
      plaintext.fill(0);
      return secret;
    },
  };
}

function decodeBase64(ciphertext: string): Buffer {
  if (ciphertext.length % 4 !== 0 || !BASE64.test(ciphertext)) {
    throw new DecryptError('MalformedCiphertext', 'request.code is not base64; Cognito sends base64 Encryption SDK ciphertext');
  }
  return Buffer.from(ciphertext, 'base64');
}

const { deserializeMessageHeader } = deserializeFactory(
  (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
  NodeAlgorithmSuite,
);

function readHeader(message: Buffer) {
  let info: ReturnType<typeof deserializeMessageHeader>;
  try {
    info = deserializeMessageHeader(message, { maxEncryptedDataKeys: 1 });
  } catch (error) {
    if (error instanceof Error && /maxEncryptedDataKeys/.test(error.message)) {
      throw new DecryptError('TooManyDataKeys', 'the message has more than one encrypted data key; Cognito writes exactly one', {
        cause: error,
      });
    }
    throw new DecryptError('MalformedCiphertext', 'request.code is not an AWS Encryption SDK message', { cause: error });
  }
  if (!info) {
    throw new DecryptError('MalformedCiphertext', 'request.code is truncated: the Encryption SDK message header is incomplete');
  }
  return info.messageHeader;
}

const userPoolMismatch = (inMessage: string | undefined, inEvent: string) =>
  new DecryptError(
    'UserPoolMismatch',
    inMessage === undefined
      ? `the message's encryption context has no "${USER_POOL_CONTEXT_KEY}"; Cognito always binds the user pool id`
      : `the message was encrypted for user pool ${quoteCapped(inMessage, MAX_QUOTED_HEADER_VALUE)}, but the event is from ${inEvent}`,
  );

const keyMismatch = (inMessage: string, configured: readonly string[]) =>
  new DecryptError(
    'KeyMismatch',
    `the code was encrypted under ${quoteCapped(inMessage, MAX_QUOTED_HEADER_VALUE)}, which is not a configured key (KMS_KEY_ARN: ${configured.join(', ')}); ` +
      "set KMS_KEY_ARN to the user pool's custom sender KMS key",
  );

interface AwsSdkError {
  name: string;
  message: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}
const isAwsSdkError = (error: unknown): error is AwsSdkError => error instanceof Error && ('$fault' in error || '$metadata' in error);
// KMS answers that the same request cannot overcome: the key, the grant or the role must change.
// Everything else (throttling, 5xx, a lost connection, a timeout) may pass on a retry.
const KMS_PERMANENT = new Set([
  'AccessDeniedException',
  'NotFoundException',
  'DisabledException',
  'InvalidKeyUsageException',
  'KMSInvalidStateException',
  'InvalidGrantTokenException',
  'ValidationException',
  'UnsupportedOperationException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationTokenException',
  'ExpiredTokenException',
]);
const KMS_CIPHERTEXT = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);

function decryptFailure(error: unknown, kmsErrors: readonly unknown[], signal: AbortSignal | undefined): DecryptError {
  const kmsError = kmsErrors[kmsErrors.length - 1];
  if (signal?.aborted && kmsError !== undefined) {
    return new DecryptError('KmsUnavailable', 'KMS Decrypt did not answer within the invocation time left', {
      retryable: true,
      cause: kmsError ?? error,
    });
  }
  if (kmsError !== undefined) {
    if (isAwsSdkError(kmsError) && KMS_CIPHERTEXT.has(kmsError.name)) {
      return new DecryptError(
        'InvalidCiphertext',
        `KMS refused the encrypted data key (${kmsError.name}): the ciphertext was altered or bound to another context`,
        { cause: kmsError },
      );
    }
    const name = isAwsSdkError(kmsError) ? kmsError.name : kmsError instanceof Error ? kmsError.name : 'Error';
    const retryable = !KMS_PERMANENT.has(name);
    const hint = name === 'AccessDeniedException' ? '; the function role needs kms:Decrypt on the key' : '';
    return new DecryptError(
      'KmsUnavailable',
      // Only KMS's own answers are quoted: other SDK errors (an unreadable body) may echo bytes of it.
      `KMS Decrypt failed (${isAwsSdkError(kmsError) && kmsError.$fault ? `${name}: ${kmsError.message}` : name})${hint}`,
      // Lambda prints a thrown error with its cause: keep raw SDK errors (which may quote the
      // answer) out of it, and only KMS's own modeled errors in.
      { retryable, cause: isAwsSdkError(kmsError) && kmsError.$fault ? kmsError : { name } },
    );
  }
  return new DecryptError('InvalidCiphertext', 'the ciphertext failed integrity checks (altered header, body or signature)', {
    cause: error,
  });
}
