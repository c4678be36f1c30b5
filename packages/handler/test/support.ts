import { encryptLikeCognito, type LoopbackKms, startLoopbackKms } from '@cognito-sms/testkit';
import { afterAll, beforeAll, beforeEach, vi } from 'vitest';
import type { Environment } from '../src/config/env.js';

/** What an end-to-end handler test needs: a loopback KMS, its key, the captured output. */
export interface HandlerHarness {
  kms: LoopbackKms;
  keyArn: string;
  /** Every line written to stdout/stderr since the current test started (logs, console SMS). */
  output: string[];
  /** The environment the handler reads, with the KMS key configured; `extra` wins. */
  env(extra?: Environment): Environment;
  /** Cognito-faithful ciphertext of `plaintext` under the harness key (or another). */
  encrypt(plaintext: string, options?: { userPoolId?: string; keyArn?: string }): Promise<string>;
  /** Lambda context with plenty of time left. */
  context: { awsRequestId: string; getRemainingTimeInMillis(): number };
}

/**
 * Starts a loopback KMS for the file's tests, points the AWS SDK at it through the standard
 * variables (AWS_ENDPOINT_URL_KMS, AWS_REGION, static credentials) and captures stdout and
 * stderr per test so tests can assert that no secret reached any line.
 *
 * @example
 * ```ts
 * const h = useHandlerHarness();
 * it('delivers', async () => { const handler = await createHandler(h.env({ SMS_PROVIDER: 'console' })); … });
 * ```
 */
export function useHandlerHarness(): HandlerHarness {
  const harness = {
    output: [] as string[],
    context: { awsRequestId: 'test-request', getRemainingTimeInMillis: () => 10_000 },
  } as HandlerHarness;
  beforeAll(async () => {
    harness.kms = await startLoopbackKms();
    harness.keyArn = harness.kms.keyArns[0] as string;
    vi.stubEnv('AWS_REGION', harness.kms.region);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDHARNESS');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'harness-secret');
    vi.stubEnv('AWS_ENDPOINT_URL_KMS', harness.kms.endpoint);
    vi.stubEnv('POWERTOOLS_DEV', '');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await harness.kms.close();
  });
  beforeEach(() => {
    harness.output.length = 0;
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        harness.output.push(String(chunk));
        return true;
      });
    }
    return () => {
      vi.restoreAllMocks();
    };
  });
  harness.env = (extra = {}) => ({ KMS_KEY_ARN: harness.keyArn, SMS_PROVIDER: 'console', ...extra });
  harness.encrypt = (plaintext, options = {}) =>
    encryptLikeCognito({
      plaintext,
      keyArn: options.keyArn ?? harness.keyArn,
      userPoolId: options.userPoolId ?? 'eu-west-1_TestPool1',
      kms: harness.kms,
    });
  return harness;
}

/** The console provider's delivery lines among the captured output. */
export const deliveredByConsole = (output: readonly string[]): { to: string; body: string }[] =>
  output
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.startsWith('{"provider":"console"'))
    .map((line) => JSON.parse(line) as { to: string; body: string });
