// A loopback emulator of AWS Secrets Manager's GetSecretValue, written from the public API
// reference (docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html):
// AWS JSON 1.1, `X-Amz-Target: secretsmanager.GetSecretValue`, input `SecretId` (the name or
// the ARN), optional `VersionId` / `VersionStage`; output `ARN`, `Name`, `VersionId`,
// `SecretString`, `VersionStages`, `CreatedDate`; `ResourceNotFoundException` when no secret
// matches. ARNs end with `-` and six random characters, as Secrets Manager appends them.
import { randomBytes, randomUUID } from 'node:crypto';
import { type AwsCall, type AwsJsonEmulator, AwsJsonError, startAwsJsonEmulator } from './aws-json.js';

export interface SecretsManagerEmulatorOptions {
  readonly region?: string;
  readonly accountId?: string;
}

export interface SecretsManagerEmulator extends AwsJsonEmulator {
  readonly region: string;
  /** Stores (or replaces, as a new version) a secret string and returns the secret's ARN. */
  putSecret(name: string, value: string): string;
  /** GetSecretValue calls answered so far. */
  getSecretValueCalls(): AwsCall[];
}

interface StoredSecret {
  readonly name: string;
  readonly arn: string;
  value: string;
  versionId: string;
}

/**
 * Starts the emulator. Point the AWS SDK at it with `AWS_ENDPOINT_URL_SECRETS_MANAGER`.
 *
 * @example
 * ```ts
 * const secrets = await startSecretsManagerEmulator();
 * const arn = secrets.putSecret('prod/twilio', '{"authToken":"…"}');
 * process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = secrets.endpoint;
 * ```
 */
export async function startSecretsManagerEmulator(options: SecretsManagerEmulatorOptions = {}): Promise<SecretsManagerEmulator> {
  const region = options.region ?? 'eu-west-1';
  const accountId = options.accountId ?? '111122223333';
  const secrets = new Map<string, StoredSecret>();
  const find = (id: unknown): StoredSecret => {
    if (typeof id !== 'string' || id === '') throw new AwsJsonError('InvalidParameterException', 'SecretId is required');
    for (const secret of secrets.values()) {
      // A full ARN, or the ARN without its random suffix (a "partial ARN"), or the name.
      if (secret.name === id || secret.arn === id || secret.arn.slice(0, -7) === id) return secret;
    }
    throw new AwsJsonError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
  };
  const emulator = await startAwsJsonEmulator({
    targetPrefix: 'secretsmanager',
    signingName: 'secretsmanager',
    operations: {
      GetSecretValue(input) {
        const secret = find(input.SecretId);
        if (input.VersionId !== undefined && input.VersionId !== secret.versionId) {
          throw new AwsJsonError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for VersionId");
        }
        if (input.VersionStage !== undefined && input.VersionStage !== 'AWSCURRENT') {
          throw new AwsJsonError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for staging label");
        }
        return {
          ARN: secret.arn,
          Name: secret.name,
          VersionId: secret.versionId,
          SecretString: secret.value,
          VersionStages: ['AWSCURRENT'],
          CreatedDate: Date.now() / 1000,
        };
      },
    },
  });
  return {
    ...emulator,
    region,
    putSecret(name, value) {
      const existing = secrets.get(name);
      if (existing) {
        existing.value = value;
        existing.versionId = randomUUID();
        return existing.arn;
      }
      const suffix = randomBytes(6)
        .toString('base64')
        .replace(/[^A-Za-z0-9]/g, 'x')
        .slice(0, 6);
      const arn = `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}-${suffix}`;
      secrets.set(name, { name, arn, value, versionId: randomUUID() });
      return arn;
    },
    getSecretValueCalls: () => emulator.calls.filter((call) => call.operation === 'GetSecretValue'),
  };
}
