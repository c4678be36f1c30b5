// The receipts function re-reads secret references after SMS_SECRETS_MAX_AGE_S, as the sender
// does: a callback secret rotated in Secrets Manager verifies the provider's new signatures, and
// refuses the old ones, once the max age has passed.
import { type FunctionUrl, startFunctionUrl } from '@cognito-sms/testkit';
import { type SecretsManagerEmulator, startSecretsManagerEmulator } from '@cognito-sms/testkit/emulators/secrets-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type SinchEmulator, startSinchEmulator } from '../../providers/sinch/test/emulator.js';
import { createReceiptsHandler, type ReceiptsHandler } from '../src/create-receipts-handler.js';
import { logLines, metricValues } from './policy-support.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const OLD_SECRET = 'sinch-callback-secret-before-rotation';
const NEW_SECRET = 'sinch-callback-secret-after-rotation';
let secrets: SecretsManagerEmulator;
// One emulated Sinch signing with the secret before the rotation, one with the secret after it.
let before: SinchEmulator;
let after: SinchEmulator;
let url: FunctionUrl | undefined;

beforeAll(async () => {
  secrets = await startSecretsManagerEmulator({ region: 'eu-west-1' });
  vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', secrets.endpoint);
  before = await startSinchEmulator({ callbackSecret: OLD_SECRET });
  after = await startSinchEmulator({ callbackSecret: NEW_SECRET });
});
afterAll(async () => {
  await Promise.all([secrets.close(), before.close(), after.close()]);
});
afterEach(async () => {
  vi.useRealTimers();
  await url?.close();
  url = undefined;
});

/** Serves the receipts handler of `env` on a loopback function URL. */
async function serveReceipts(env: Record<string, string>): Promise<FunctionUrl> {
  let handler: ReceiptsHandler | undefined;
  url = await startFunctionUrl(async (event) => (handler ? handler(event) : { statusCode: 503 }));
  handler = await createReceiptsHandler(h.env({ ...env, SMS_RECEIPTS_URL: url.url }));
  return url;
}

/** Has `sinch` accept a batch asking for its final report at the function URL; returns the receiver's answer to it. */
async function reportThrough(sinch: SinchEmulator, receipts: FunctionUrl): Promise<number | undefined> {
  sinch.reset();
  const response = await fetch(`${sinch.baseUrl}/xms/v1/${sinch.servicePlanId}/batches`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sinch.apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      to: ['+447700900123'],
      body: 'Your code is 123456',
      delivery_report: 'per_recipient_final',
      callback_url: `${receipts.url}/sinch`,
    }),
  });
  expect(response.status).toBe(201);
  const [callback, ...more] = await sinch.receipts();
  expect(more).toEqual([]);
  return callback?.status;
}

describe('Receipts function: secret references re-read after SMS_SECRETS_MAX_AGE_S', () => {
  it('verifies with a rotated callback secret once the max age has passed, and refuses the old one then', async () => {
    // Prepare: a fake wall clock (Date only: sockets and timers stay real).
    vi.useFakeTimers({ toFake: ['Date'] });
    const arn = secrets.putSecret('prod/sinch/callback-secret', OLD_SECRET);
    const receipts = await serveReceipts({ SMS_PROVIDER: 'sinch', SINCH_CALLBACK_SECRET: arn, SMS_SECRETS_MAX_AGE_S: '60' });
    const statuses: (number | undefined)[] = [await reportThrough(before, receipts)];

    // Act: rotate; within the max age the old secret still verifies, after it only the new one.
    secrets.putSecret('prod/sinch/callback-secret', NEW_SECRET);
    vi.setSystemTime(Date.now() + 30_000);
    statuses.push(await reportThrough(before, receipts), await reportThrough(after, receipts));
    vi.setSystemTime(Date.now() + 31_000);
    statuses.push(await reportThrough(after, receipts), await reportThrough(before, receipts));

    // Assess
    expect(statuses).toEqual([200, 200, 403, 200, 403]);
    expect(secrets.getSecretValueCalls()).toHaveLength(2);
    expect(metricValues(h.output, 'SmsReceiptRejected')).toEqual([
      expect.objectContaining({ provider: 'sinch', reason: 'BadSignature' }),
      expect.objectContaining({ provider: 'sinch', reason: 'BadSignature' }),
    ]);
    expect(logLines(h.output, 'Provider credentials changed; receipt readers rebuilt')).toEqual([
      expect.objectContaining({ variables: ['SINCH_CALLBACK_SECRET'] }),
    ]);
    const output = h.output.join('');
    for (const secret of [OLD_SECRET, NEW_SECRET]) expect(output).not.toContain(secret);
  });

  it('keeps the secret in use when the re-read fails', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    const arn = secrets.putSecret('prod/sinch/flaky', OLD_SECRET);
    const receipts = await serveReceipts({ SMS_PROVIDER: 'sinch', SINCH_CALLBACK_SECRET: arn, SMS_SECRETS_MAX_AGE_S: '60' });
    for (let i = 0; i < 4; i++) secrets.injectFault({ operation: 'GetSecretValue', type: 'InternalServiceError', status: 500 });

    // Act
    vi.setSystemTime(Date.now() + 61_000);
    const status = await reportThrough(before, receipts);

    // Assess
    expect(status).toBe(200);
    expect(logLines(h.output, 'Could not re-read secret references; keeping the values in use')).toHaveLength(1);
  });
});
