import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCodeDecrypter } from '@cognito-sms/core';
import { COGNITO_KMS_CREDENTIALS, encryptLikeCognito, type LoopbackKms, startLoopbackKms } from '@cognito-sms/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { kmsClientFor } from '../src/kms-client.js';

// Which KMS client the handler builds, seen from the loopback KMS (which checks every signature):
// core's Decrypt client says `cognito-sms`, the AWS SDK `aws-sdk-js/…`.
const POOL = 'eu-west-1_KmsChoice1';
const role = { accessKeyId: 'AKIDFUNCTIONROLE', secretAccessKey: 'role-secret' };
let kms: LoopbackKms;
let ciphertext: string;

beforeAll(async () => {
  kms = await startLoopbackKms({ credentials: [role, COGNITO_KMS_CREDENTIALS] });
  ciphertext = await encryptLikeCognito({ plaintext: '318204', keyArn: kms.keyArns[0] as string, userPoolId: POOL, kms });
});
afterAll(() => kms.close());
afterEach(() => vi.unstubAllEnvs());

async function decryptWith(env: Record<string, string | undefined>) {
  const before = kms.calls.length;
  const decrypter = createCodeDecrypter({ keyArns: [kms.keyArns[0] as string], kmsClientFor: kmsClientFor(env) });
  const code = (await decrypter.decrypt(ciphertext, POOL)).reveal();
  return { code, clients: kms.calls.slice(before).map((call) => call.userAgent?.split('/')[0]) };
}

describe('kmsClientFor', () => {
  it('uses core’s Decrypt client with the role’s credentials from the environment, as Lambda sets them', async () => {
    const result = await decryptWith({
      AWS_ACCESS_KEY_ID: role.accessKeyId,
      AWS_SECRET_ACCESS_KEY: role.secretAccessKey,
      AWS_SESSION_TOKEN: 'role-session',
      AWS_ENDPOINT_URL_KMS: kms.endpoint,
    });
    expect(result).toEqual({ code: '318204', clients: ['cognito-sms'] });
  });

  it('takes AWS_ENDPOINT_URL when there is no AWS_ENDPOINT_URL_KMS', async () => {
    const result = await decryptWith({
      AWS_ACCESS_KEY_ID: role.accessKeyId,
      AWS_SECRET_ACCESS_KEY: role.secretAccessKey,
      AWS_ENDPOINT_URL: kms.endpoint,
    });
    expect(result).toEqual({ code: '318204', clients: ['cognito-sms'] });
  });

  it('falls back to the AWS SDK’s client and its credential chain when the environment holds no keys', async () => {
    // A profile in a shared credentials file: what the SDK resolves and core's client does not.
    const dir = mkdtempSync(join(tmpdir(), 'kms-choice-'));
    writeFileSync(
      join(dir, 'credentials'),
      `[function]\naws_access_key_id = ${role.accessKeyId}\naws_secret_access_key = ${role.secretAccessKey}\n`,
    );
    const env = {
      AWS_PROFILE: 'function',
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_CONFIG_FILE: join(dir, 'none'),
      AWS_ENDPOINT_URL_KMS: kms.endpoint,
    };
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) vi.stubEnv(name, undefined);
    const result = await decryptWith(env);
    expect(result).toEqual({ code: '318204', clients: ['aws-sdk-js'] });
  });
});
