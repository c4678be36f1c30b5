import { createECDH } from 'node:crypto';
import {
  AlgorithmSuiteIdentifier,
  KeyringNode,
  NodeAlgorithmSuite,
  NodeDefaultCryptographicMaterialsManager,
} from '@aws-crypto/material-management-node';
import { describe, expect, it } from 'vitest';
import { NativeVerificationKeyCmm } from '../src/native-verification-cmm.js';

class NoKeyring extends KeyringNode {
  override async _onEncrypt(): Promise<never> {
    throw new Error('unused');
  }
  override async _onDecrypt(): Promise<never> {
    throw new Error('unused');
  }
}

describe('Class: NativeVerificationKeyCmm', () => {
  it("builds the same verification key as the SDK's default manager for Cognito's suite 0x0378", () => {
    // Prepare
    const suite = new NodeAlgorithmSuite(AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384);
    const ecdh = createECDH('secp384r1');
    ecdh.generateKeys();
    const context = { 'userpool-id': 'eu-west-1_X1', 'aws-crypto-public-key': ecdh.getPublicKey('base64', 'compressed') };
    // Act
    const ours = new NativeVerificationKeyCmm(new NoKeyring())._initializeDecryptionMaterial(suite, context);
    const sdk = new NodeDefaultCryptographicMaterialsManager(new NoKeyring())._initializeDecryptionMaterial(suite, context);
    // Assess
    const pem = (material: typeof ours) => {
      const key = (material.verificationKey as unknown as { publicKey: unknown }).publicKey;
      return typeof key === 'string' ? key : (key as { export(o: object): string }).export({ format: 'pem', type: 'spki' });
    };
    expect(pem(ours).replace(/\s/g, '')).toBe(pem(sdk).replace(/\s/g, ''));
  });
});
