// The installed handler, run as Lambda runs it, against the installed testkit's loopback KMS
// and provider emulators: the code is encrypted exactly as Cognito does, and travels through
// the real AWS SDK and the real provider SDK over HTTP.
import { execFile } from 'node:child_process';
import {
  cognitoEvent,
  DEFAULT_PHONE_NUMBER,
  encryptLikeCognito,
  type LoopbackKms,
  startEmulator,
  startLoopbackKms,
} from '@cognito-sms/testkit';
import { startTwilioEmulator, type TwilioEmulator } from '@cognito-sms/testkit/emulators/twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const USER_POOL_ID = 'eu-west-1_Consumer1';
let kms: LoopbackKms;
let twilio: TwilioEmulator;

/**
 * Invokes `handler` of `@cognito-sms/handler` (the Lambda entry, configured from its env at
 * import) in a fresh Node process; asynchronously, since the loopback servers live in this one.
 */
async function invoke(env: Record<string, string>, event: unknown) {
  const script = `const { handler } = await import('@cognito-sms/handler');
const receipt = await handler(JSON.parse(process.env.EVENT), { awsRequestId: 'consumer-1', getRemainingTimeInMillis: () => 10000 });
process.stdout.write('RECEIPT ' + JSON.stringify(receipt) + '\\n');`;
  const run = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      {
        cwd: process.cwd(),
        timeout: 30_000,
        env: {
          PATH: process.env.PATH ?? '',
          AWS_REGION: kms.region,
          AWS_ACCESS_KEY_ID: 'AKIDCONSUMER',
          AWS_SECRET_ACCESS_KEY: 'consumer-secret',
          AWS_ENDPOINT_URL_KMS: kms.endpoint,
          KMS_KEY_ARN: kms.keyArns[0] as string,
          EVENT: JSON.stringify(event),
          ...env,
        },
      },
      (error, stdout, stderr) => resolve({ status: error ? (child.exitCode ?? 1) : 0, stdout, stderr }),
    );
  });
  const line = run.stdout.split('\n').find((l) => l.startsWith('RECEIPT '));
  return { ...run, receipt: line ? (JSON.parse(line.slice('RECEIPT '.length)) as Record<string, unknown>) : undefined };
}

const signUpEvent = async (code: string) =>
  cognitoEvent('CustomSMSSender_SignUp', {
    userPoolId: USER_POOL_ID,
    code: await encryptLikeCognito({ plaintext: code, keyArn: kms.keyArns[0] as string, userPoolId: USER_POOL_ID, kms }),
  });

describe('Consumer: the installed handler', () => {
  beforeAll(async () => {
    kms = await startLoopbackKms();
    twilio = await startTwilioEmulator();
  });
  afterAll(async () => {
    await twilio.close();
    await kms.close();
  });

  it('decrypts the code with KMS and delivers it through Twilio, logging neither code nor number', async () => {
    const run = await invoke(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: twilio.accountSid,
        TWILIO_AUTH_TOKEN: twilio.authToken,
        TWILIO_FROM: '+15005550006',
        TWILIO_BASE_URL: twilio.baseUrl,
      },
      await signUpEvent('918273'),
    );

    expect(run.status, run.stderr).toBe(0);
    expect(run.receipt).toMatchObject({ provider: 'twilio', messageId: expect.stringMatching(/^SM[0-9a-f]{32}$/) });
    expect(twilio.requests).toHaveLength(1);
    expect(Object.fromEntries(twilio.requests[0]?.form ?? [])).toMatchObject({
      To: DEFAULT_PHONE_NUMBER,
      Body: 'Your verification code is 918273',
    });
    expect(kms.calls.map((call) => call.operation)).toContain('Decrypt');
    const logs = run.stdout.replace(/^RECEIPT .*$/m, '') + run.stderr;
    expect(logs).not.toContain('918273');
    expect(logs).not.toContain(DEFAULT_PHONE_NUMBER);
  });

  it('loads a third-party adapter by its package name (SMS_PROVIDER=@acme/cognito-sms-provider-acme)', async () => {
    const acme = await startEmulator(() => ({ status: 201, body: { id: 'acme-77' } }));
    try {
      const run = await invoke(
        { SMS_PROVIDER: '@acme/cognito-sms-provider-acme', ACME_BASE_URL: acme.baseUrl, ACME_API_KEY: 'acme-key-1', ACME_FROM: 'Acme' },
        await signUpEvent('554433'),
      );

      expect(run.status, run.stderr).toBe(0);
      expect(run.receipt).toMatchObject({ provider: 'acme', messageId: 'acme-77' });
      expect(acme.requests).toHaveLength(1);
      expect(JSON.parse(acme.requests[0]?.body ?? '{}')).toEqual({
        from: 'Acme',
        to: DEFAULT_PHONE_NUMBER,
        text: 'Your verification code is 554433',
      });
    } finally {
      await acme.close();
    }
  });
});
