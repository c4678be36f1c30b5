// Round trips for Sinch and Infobip receipts: the sender sends through the adapter to the
// provider's emulator with SMS_RECEIPTS_URL set, the emulator calls the loopback function URL back
// as the provider does (Sinch: HMAC-signed delivery reports to callback_url; Infobip: the report
// to notifyUrl, which carries the sender's token), and the receipts function verifies and counts it.
import { createMemoryDeliveryLedger } from '@cognito-sms/receipts/memory';
import { describe, expect, it } from 'vitest';
import { type InfobipEmulator, startInfobipEmulator } from '../../providers/infobip/test/emulator.js';
import { type SinchEmulator, startSinchEmulator } from '../../providers/sinch/test/emulator.js';
import { createReceiptsHandler } from '../src/create-receipts-handler.js';
import { logLines, metricValues } from './policy-support.js';
import { useReceiptsRoundTrip } from './receipts-round-trip.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const { emulators, serveReceipts, sendCode, ...roundTrip } = useReceiptsRoundTrip(h);

/** What every round trip checks, and the receipt's latency from the recorded send. */
function expectCountedOnce(provider: string, messageId: string, state: string, secrets: readonly string[]): void {
  roundTrip.expectCountedOnce(provider, messageId, state, secrets);
  expect(metricValues(h.output, 'SmsDeliveryLatency')).toEqual([expect.objectContaining({ provider, country: 'GB' })]);
}

describe('Receipts round trip: Sinch delivery reports', () => {
  const sinchEnv = (sinch: SinchEmulator, extra: Record<string, string> = {}) =>
    h.env({
      SMS_PROVIDER: 'sinch',
      SINCH_SERVICE_PLAN_ID: sinch.servicePlanId,
      SINCH_API_TOKEN: sinch.apiToken,
      SINCH_FROM: 'Acme',
      SINCH_BASE_URL: sinch.baseUrl,
      SINCH_CALLBACK_SECRET: sinch.callbackSecret,
      ...extra,
    });

  it.each([
    ['delivered', 'delivered', 'Delivered', undefined],
    ['undelivered', 'undelivered', 'Failed', '404'],
    ['expired', 'expired', 'Expired', '406'],
  ] as const)(
    'verifies HMAC-signed per-recipient reports for a sent code and counts the final one once (%s)',
    async (outcome, state, providerStatus, providerCode) => {
      // Prepare
      const sinch = await startSinchEmulator({ outcome: () => outcome });
      emulators.push(sinch);
      const ledger = createMemoryDeliveryLedger();
      const receipts = await serveReceipts((receiptsUrl) =>
        createReceiptsHandler(sinchEnv(sinch, { SMS_RECEIPTS_URL: receiptsUrl }), { ledger }),
      );

      // Act
      const messageId = await sendCode(sinchEnv(sinch, { SMS_RECEIPTS_URL: receipts.url }), ledger, 'sinch');
      const callbacks = await sinch.receipts();

      // Assess: the batch asked for per-recipient reports; `Dispatched`, then the final status, both answered 200.
      expect(sinch.requests[0]?.json).toMatchObject({ delivery_report: 'per_recipient', callback_url: `${receipts.url}/sinch` });
      expect(callbacks.map((callback) => [callback.url, callback.status])).toEqual([
        [`${receipts.url}/sinch`, 200],
        [`${receipts.url}/sinch`, 200],
      ]);
      expect(callbacks.map((callback) => (JSON.parse(callback.body) as { status: string }).status)).toEqual(['Dispatched', providerStatus]);
      expectCountedOnce('sinch', messageId, state, [sinch.apiToken, sinch.callbackSecret]);
      expect(logLines(h.output, 'Delivery receipt')).toEqual([
        expect.objectContaining(providerCode === undefined ? { providerStatus } : { providerStatus, providerCode }),
      ]);
    },
  );

  it('refuses the reports with 403 when the receipts function holds another callback secret, and counts them rejected', async () => {
    // Prepare
    const sinch = await startSinchEmulator();
    emulators.push(sinch);
    const ledger = createMemoryDeliveryLedger();
    const receipts = await serveReceipts((receiptsUrl) =>
      createReceiptsHandler(sinchEnv(sinch, { SMS_RECEIPTS_URL: receiptsUrl, SINCH_CALLBACK_SECRET: 'another-callback-secret' }), {
        ledger,
      }),
    );

    // Act
    await sendCode(sinchEnv(sinch, { SMS_RECEIPTS_URL: receipts.url }), ledger, 'sinch');
    const callbacks = await sinch.receipts();

    // Assess
    expect(callbacks.map((callback) => callback.status)).toEqual([403, 403]);
    expect(metricValues(h.output, 'SmsReceiptRejected')).toEqual([
      expect.objectContaining({ value: 1, provider: 'sinch', reason: 'BadSignature' }),
      expect.objectContaining({ value: 1, provider: 'sinch', reason: 'BadSignature' }),
    ]);
    expect(metricValues(h.output, 'SmsDelivered')).toEqual([]);
  });
});

describe('Receipts round trip: Infobip delivery reports', () => {
  const TOKEN = 'test-callback-token-infobip-5c0ffee1';
  const infobipEnv = (infobip: InfobipEmulator, extra: Record<string, string> = {}) =>
    h.env({
      SMS_PROVIDER: 'infobip',
      INFOBIP_API_KEY: infobip.apiKey,
      INFOBIP_FROM: 'Acme',
      INFOBIP_BASE_URL: infobip.baseUrl,
      INFOBIP_CALLBACK_TOKEN: TOKEN,
      ...extra,
    });

  it.each([
    ['delivered', 'delivered', 'DELIVERED_TO_HANDSET', undefined],
    ['undelivered', 'undelivered', 'UNDELIVERABLE_NOT_DELIVERED', '27'],
    ['failed', 'failed', 'REJECTED_NETWORK', undefined],
  ] as const)(
    'takes the report posted to notifyUrl with the token for a sent code and counts it once (%s)',
    async (outcome, state, providerStatus, providerCode) => {
      // Prepare
      const infobip = await startInfobipEmulator({ outcome: () => outcome });
      emulators.push(infobip);
      const ledger = createMemoryDeliveryLedger();
      const receipts = await serveReceipts((receiptsUrl) =>
        createReceiptsHandler(infobipEnv(infobip, { SMS_RECEIPTS_URL: receiptsUrl }), { ledger }),
      );

      // Act
      const messageId = await sendCode(infobipEnv(infobip, { SMS_RECEIPTS_URL: receipts.url }), ledger, 'infobip');
      const callbacks = await infobip.receipts();

      // Assess: one final report, to the notifyUrl the sender built, answered 200.
      expect(callbacks.map((callback) => [callback.method, callback.url, callback.status])).toEqual([
        ['POST', `${receipts.url}/infobip?token=${TOKEN}`, 200],
      ]);
      expectCountedOnce('infobip', messageId, state, [infobip.apiKey, TOKEN]);
      expect(logLines(h.output, 'Delivery receipt')).toEqual([
        expect.objectContaining(providerCode === undefined ? { providerStatus } : { providerStatus, providerCode }),
      ]);
    },
  );

  it('refuses the report with 403 when the receipts function holds another token, and counts it rejected', async () => {
    // Prepare
    const infobip = await startInfobipEmulator();
    emulators.push(infobip);
    const ledger = createMemoryDeliveryLedger();
    const receipts = await serveReceipts((receiptsUrl) =>
      createReceiptsHandler(infobipEnv(infobip, { SMS_RECEIPTS_URL: receiptsUrl, INFOBIP_CALLBACK_TOKEN: `${TOKEN}-rotated` }), {
        ledger,
      }),
    );

    // Act
    await sendCode(infobipEnv(infobip, { SMS_RECEIPTS_URL: receipts.url }), ledger, 'infobip');
    const callbacks = await infobip.receipts();

    // Assess
    expect(callbacks.map((callback) => callback.status)).toEqual([403]);
    expect(metricValues(h.output, 'SmsReceiptRejected')).toEqual([
      expect.objectContaining({ value: 1, provider: 'infobip', reason: 'BadSignature' }),
    ]);
    expect(metricValues(h.output, 'SmsDelivered')).toEqual([]);
  });
});
