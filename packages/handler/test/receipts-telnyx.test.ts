import { cognitoEvent, DEFAULT_PHONE_NUMBER, type FunctionUrl, startFunctionUrl } from '@cognito-sms/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelnyxEmulator, TELNYX_TEST_API_KEY } from '../../providers/telnyx/test/emulator.js';
import { createHandler } from '../src/create-handler.js';
import { createReceiptsHandler, type ReceiptsHandler } from '../src/create-receipts-handler.js';
import { logLines, metricValues } from './policy-support.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
let url: FunctionUrl | undefined;
afterEach(async () => {
  await url?.close();
  url = undefined;
});

describe('Receipts function: Telnyx webhooks over a loopback function URL', () => {
  it('verifies the emulator’s signed message.sent and message.finalized for a sent code and counts it undelivered once', async () => {
    // Prepare
    const telnyx = await startTelnyxEmulator({ outcome: () => 'undelivered' });
    const env = (extra: Record<string, string>) =>
      h.env({
        SMS_PROVIDER: 'telnyx',
        TELNYX_API_KEY: TELNYX_TEST_API_KEY,
        TELNYX_FROM: '+14155550100',
        TELNYX_BASE_URL: `${telnyx.baseUrl}/v2`,
        TELNYX_PUBLIC_KEY: telnyx.publicKey,
        ...extra,
      });
    let handler: ReceiptsHandler | undefined;
    url = await startFunctionUrl(async (event) => (handler ? handler(event) : { statusCode: 503 }));
    handler = await createReceiptsHandler(env({ SMS_RECEIPTS_URL: url.url }));
    const sender = await createHandler(env({ SMS_RECEIPTS_URL: url.url }));

    // Act
    const sent = await sender(cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt('918273') }), h.context);
    const callbacks = await telnyx.receipts();
    await telnyx.close();

    // Assess
    expect(callbacks.map((callback) => [callback.url, callback.status])).toEqual([
      [`${url.url}/telnyx`, 200],
      [`${url.url}/telnyx`, 200],
    ]);
    expect(metricValues(h.output, 'SmsUndelivered')).toEqual([expect.objectContaining({ value: 1, provider: 'telnyx' })]);
    expect(logLines(h.output, 'Delivery receipt')).toEqual([
      expect.objectContaining({
        messageId: sent.messageId,
        state: 'undelivered',
        providerStatus: 'delivery_failed',
        providerCode: '40008',
      }),
    ]);
    expect(h.output.join('')).not.toContain(DEFAULT_PHONE_NUMBER);
  });
});
