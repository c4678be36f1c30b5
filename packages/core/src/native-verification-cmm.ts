import { createPublicKey, ECDH } from 'node:crypto';
import { VerificationKey } from '@aws-crypto/material-management';
import {
  type KeyringNode,
  type NodeAlgorithmSuite,
  NodeDecryptionMaterial,
  NodeDefaultCryptographicMaterialsManager,
} from '@aws-crypto/material-management-node';

const SIGNER_KEY_CONTEXT = 'aws-crypto-public-key';
const JWK_CURVES: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384' };

/**
 * The Encryption SDK's default materials manager, except that the message's compressed ECDSA
 * public key is decompressed by OpenSSL (`ECDH.convertKey`) instead of the SDK's pure-JS bn.js
 * arithmetic: Cognito signs every message (suite 0x0378), and that decompression was 15–31% of
 * every warm invocation (2–4 ms against 0.04 ms, bench/RESULTS.md). Signature verification
 * itself is unchanged: a tampered signature is still refused.
 *
 * @example `decrypt(new NativeVerificationKeyCmm(keyring), message)`
 */
export class NativeVerificationKeyCmm extends NodeDefaultCryptographicMaterialsManager {
  constructor(keyring: KeyringNode) {
    super(keyring);
  }

  override _initializeDecryptionMaterial(suite: NodeAlgorithmSuite, context: Record<string, string>): NodeDecryptionMaterial {
    const curve = suite.signatureCurve;
    const compressed = context?.[SIGNER_KEY_CONTEXT];
    const jwkCurve = curve ? JWK_CURVES[curve] : undefined;
    // Unsigned suites and anything unexpected keep the SDK's own checks and messages.
    if (!jwkCurve || !compressed) return super._initializeDecryptionMaterial(suite, context);
    const point = ECDH.convertKey(Buffer.from(compressed, 'base64'), curve as string, undefined, undefined, 'uncompressed') as Buffer;
    const half = (point.length - 1) / 2;
    const key = createPublicKey({
      format: 'jwk',
      key: {
        kty: 'EC',
        crv: jwkCurve,
        x: point.subarray(1, 1 + half).toString('base64url'),
        y: point.subarray(1 + half).toString('base64url'),
      },
    });
    return new NodeDecryptionMaterial(suite, context).setVerificationKey(new VerificationKey(key as never, suite));
  }
}
