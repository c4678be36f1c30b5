// A loopback emulator of AWS Systems Manager Parameter Store's GetParameter, written from the
// public API reference (docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html):
// AWS JSON 1.1, `X-Amz-Target: AmazonSSM.GetParameter`, input `Name` (the name or the ARN)
// and `WithDecryption`; output `{ Parameter: { Name, Type, Value, Version, ARN, DataType,
// LastModifiedDate } }`; `ParameterNotFound` when none matches. A `SecureString` read without
// `WithDecryption` returns its ciphertext (here: base64 of the value with a marker), never the value.
import { type AwsCall, type AwsJsonEmulator, AwsJsonError, startAwsJsonEmulator } from './aws-json.js';

export interface SsmEmulatorOptions {
  readonly region?: string;
  readonly accountId?: string;
}

export interface SsmEmulator extends AwsJsonEmulator {
  readonly region: string;
  /** Stores (or overwrites, as a new version) a parameter and returns its ARN. */
  putParameter(name: string, value: string, type?: 'String' | 'SecureString'): string;
  /** GetParameter calls answered so far. */
  getParameterCalls(): AwsCall[];
}

interface StoredParameter {
  readonly name: string;
  readonly arn: string;
  type: 'String' | 'SecureString';
  value: string;
  version: number;
}

/**
 * Starts the emulator. Point the AWS SDK at it with `AWS_ENDPOINT_URL_SSM`.
 *
 * @example
 * ```ts
 * const ssm = await startSsmEmulator();
 * ssm.putParameter('/prod/vonage/api-secret', '…', 'SecureString');
 * process.env.AWS_ENDPOINT_URL_SSM = ssm.endpoint;
 * ```
 */
export async function startSsmEmulator(options: SsmEmulatorOptions = {}): Promise<SsmEmulator> {
  const region = options.region ?? 'eu-west-1';
  const accountId = options.accountId ?? '111122223333';
  const parameters = new Map<string, StoredParameter>();
  const emulator = await startAwsJsonEmulator({
    targetPrefix: 'AmazonSSM',
    signingName: 'ssm',
    operations: {
      GetParameter(input) {
        const name = input.Name;
        if (typeof name !== 'string' || name === '') throw new AwsJsonError('ValidationException', 'Name is required');
        const parameter = [...parameters.values()].find((p) => p.name === name || p.arn === name);
        if (!parameter) throw new AwsJsonError('ParameterNotFound', '');
        const decrypt = input.WithDecryption === true;
        const value =
          parameter.type === 'SecureString' && !decrypt
            ? Buffer.from(`ssm-emulator-ciphertext:${parameter.version}`).toString('base64')
            : parameter.value;
        return {
          Parameter: {
            Name: parameter.name,
            Type: parameter.type,
            Value: value,
            Version: parameter.version,
            ARN: parameter.arn,
            DataType: 'text',
            LastModifiedDate: Date.now() / 1000,
          },
        };
      },
    },
  });
  return {
    ...emulator,
    region,
    putParameter(name, value, type = 'SecureString') {
      const existing = parameters.get(name);
      if (existing) {
        existing.value = value;
        existing.type = type;
        existing.version += 1;
        return existing.arn;
      }
      const arn = `arn:aws:ssm:${region}:${accountId}:parameter/${name.replace(/^\//, '')}`;
      parameters.set(name, { name, arn, type, value, version: 1 });
      return arn;
    },
    getParameterCalls: () => emulator.calls.filter((call) => call.operation === 'GetParameter'),
  };
}
