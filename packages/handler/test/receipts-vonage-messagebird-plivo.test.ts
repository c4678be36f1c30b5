// Round trips for Vonage, MessageBird and Plivo receipts: the sender sends through the adapter
// to the provider's emulator with SMS_RECEIPTS_URL set, the emulator calls the loopback function
// URL back as the provider does (signed), and the receipts function verifies and counts it.
import { createMemoryDeliveryLedger } from '@cognito-sms/receipts/memory';
import { type MessageBirdEmulator, startMessageBirdEmulator } from '@cognito-sms/testkit/emulators/messagebird';
import { startVonageEmulator, type VonageEmulator } from '@cognito-sms/testkit/emulators/vonage';
import { describe, expect, it } from 'vitest';
import { PLIVO_TEST_AUTH_ID, PLIVO_TEST_AUTH_TOKEN, type PlivoEmulator, startPlivoEmulator } from '../../providers/plivo/test/emulator.js';
import { createReceiptsHandler } from '../src/create-receipts-handler.js';
import { logLines, metricValues } from './policy-support.js';
import { useReceiptsRoundTrip } from './receipts-round-trip.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const { emulators, serveReceipts, sendCode, expectCountedOnce } = useReceiptsRoundTrip(h);

describe('Receipts round trip: Vonage delivery receipts', () => {
  const vonageEnv = (vonage: VonageEmulator, extra: Record<string, string> = {}) =>
    h.env({
      SMS_PROVIDER: 'vonage',
      VONAGE_API_KEY: vonage.apiKey,
      VONAGE_API_SECRET: vonage.apiSecret,
      VONAGE_FROM: 'AcmeInc',
      VONAGE_BASE_URL: vonage.baseUrl,
      VONAGE_SIGNATURE_SECRET: vonage.signatureSecret,
      ...extra,
    });

  it.each([
    ['POST-JSON', 'md5hash', 'delivered'],
    ['GET', 'sha256', 'undelivered'],
    ['POST', 'sha512', 'delivered'],
  ] as const)(
    'verifies signed %s DLRs (%s) for a sent code and counts the final one once (%s)',
    async (dlrMethod, signatureMethod, outcome) => {
      // Prepare
      const vonage = await startVonageEmulator({ dlrMethod, signatureMethod, outcome: () => outcome });
      emulators.push(vonage);
      const ledger = createMemoryDeliveryLedger();
      const env = (receiptsUrl: string) => vonageEnv(vonage, { SMS_RECEIPTS_URL: receiptsUrl, VONAGE_SIGNATURE_METHOD: signatureMethod });
      const receipts = await serveReceipts((receiptsUrl) => createReceiptsHandler(env(receiptsUrl), { ledger }));

      // Act
      const messageId = await sendCode(env(receipts.url), ledger, 'vonage');
      const callbacks = await vonage.receipts();

      // Assess: `accepted` then the final DLR, both answered 200 by the receipts function.
      expect(callbacks.map((callback) => [callback.method, callback.status])).toEqual([
        [dlrMethod === 'GET' ? 'GET' : 'POST', 200],
        [dlrMethod === 'GET' ? 'GET' : 'POST', 200],
      ]);
      expect(callbacks.every((callback) => callback.url.startsWith(`${receipts.url}/vonage`))).toBe(true);
      expectCountedOnce('vonage', messageId, outcome, [vonage.apiSecret, vonage.signatureSecret]);
    },
  );

  it('refuses the DLRs with 403 when the receipts function holds another signature secret, and counts them rejected', async () => {
    // Prepare
    const vonage = await startVonageEmulator();
    emulators.push(vonage);
    const ledger = createMemoryDeliveryLedger();
    const receipts = await serveReceipts((receiptsUrl) =>
      createReceiptsHandler(vonageEnv(vonage, { SMS_RECEIPTS_URL: receiptsUrl, VONAGE_SIGNATURE_SECRET: 'another-secret' }), { ledger }),
    );

    // Act
    await sendCode(vonageEnv(vonage, { SMS_RECEIPTS_URL: receipts.url }), ledger, 'vonage');
    const callbacks = await vonage.receipts();

    // Assess
    expect(callbacks.map((callback) => callback.status)).toEqual([403, 403]);
    expect(metricValues(h.output, 'SmsReceiptRejected')).toEqual([
      expect.objectContaining({ value: 1, provider: 'vonage', reason: 'BadSignature' }),
      expect.objectContaining({ value: 1, provider: 'vonage', reason: 'BadSignature' }),
    ]);
    expect(metricValues(h.output, 'SmsDelivered')).toEqual([]);
  });
});

describe('Receipts round trip: Plivo message status callbacks', () => {
  const plivoEnv = (plivo: PlivoEmulator, extra: Record<string, string> = {}) =>
    h.env({
      SMS_PROVIDER: 'plivo',
      PLIVO_AUTH_ID: PLIVO_TEST_AUTH_ID,
      PLIVO_AUTH_TOKEN: PLIVO_TEST_AUTH_TOKEN,
      PLIVO_FROM: '+14155550100',
      PLIVO_BASE_URL: plivo.baseUrl,
      ...extra,
    });

  it.each(['delivered', 'undelivered'] as const)(
    'verifies V3-signed callbacks for a sent code and counts the final one once (%s)',
    async (outcome) => {
      // Prepare
      const plivo = await startPlivoEmulator({ outcome: () => outcome });
      emulators.push(plivo);
      const ledger = createMemoryDeliveryLedger();
      const receipts = await serveReceipts((receiptsUrl) =>
        createReceiptsHandler(plivoEnv(plivo, { SMS_RECEIPTS_URL: receiptsUrl }), { ledger }),
      );

      // Act
      const messageId = await sendCode(plivoEnv(plivo, { SMS_RECEIPTS_URL: receipts.url }), ledger, 'plivo');
      const callbacks = await plivo.receipts();

      // Assess: `sent`, then the final status, to <url>/plivo, both answered 200.
      expect(callbacks.map((callback) => [callback.url, callback.status])).toEqual([
        [`${receipts.url}/plivo`, 200],
        [`${receipts.url}/plivo`, 200],
      ]);
      expectCountedOnce('plivo', messageId, outcome, [PLIVO_TEST_AUTH_TOKEN]);
      if (outcome === 'undelivered')
        expect(logLines(h.output, 'Delivery receipt')).toEqual([expect.objectContaining({ providerCode: '80' })]);
    },
  );

  it('refuses the callbacks with 403 when the receipts function holds another auth token', async () => {
    // Prepare
    const plivo = await startPlivoEmulator();
    emulators.push(plivo);
    const ledger = createMemoryDeliveryLedger();
    const receipts = await serveReceipts((receiptsUrl) =>
      createReceiptsHandler(plivoEnv(plivo, { SMS_RECEIPTS_URL: receiptsUrl, PLIVO_AUTH_TOKEN: 'another-auth-token-0000000000000' }), {
        ledger,
      }),
    );

    // Act
    await sendCode(plivoEnv(plivo, { SMS_RECEIPTS_URL: receipts.url }), ledger, 'plivo');
    const callbacks = await plivo.receipts();

    // Assess
    expect(callbacks.map((callback) => callback.status)).toEqual([403, 403]);
    expect(metricValues(h.output, 'SmsReceiptRejected')).toEqual([
      expect.objectContaining({ provider: 'plivo', reason: 'BadSignature' }),
      expect.objectContaining({ provider: 'plivo', reason: 'BadSignature' }),
    ]);
  });
});

describe('Receipts round trip: MessageBird status reports', () => {
  const messageBirdEnv = (messagebird: MessageBirdEmulator, extra: Record<string, string> = {}) =>
    h.env({
      SMS_PROVIDER: 'messagebird',
      MESSAGEBIRD_ACCESS_KEY: messagebird.accessKey,
      MESSAGEBIRD_ORIGINATOR: 'Acme',
      MESSAGEBIRD_BASE_URL: messagebird.baseUrl,
      MESSAGEBIRD_SIGNING_KEY: messagebird.signingKey,
      ...extra,
    });

  it.each(['delivered', 'expired'] as const)(
    'verifies signed GET reports for a sent code and counts the final one once (%s)',
    async (outcome) => {
      // Prepare
      const messagebird = await startMessageBirdEmulator({ outcome: () => outcome });
      emulators.push(messagebird);
      const ledger = createMemoryDeliveryLedger();
      const receipts = await serveReceipts((receiptsUrl) =>
        createReceiptsHandler(messageBirdEnv(messagebird, { SMS_RECEIPTS_URL: receiptsUrl }), { ledger }),
      );

      // Act
      const messageId = await sendCode(messageBirdEnv(messagebird, { SMS_RECEIPTS_URL: receipts.url }), ledger, 'messagebird');
      const callbacks = await messagebird.receipts();

      // Assess: the send named a reference (MessageBird reports nothing without one); `sent`, then the final report.
      expect(messagebird.requests[0]?.json).toMatchObject({
        reportUrl: `${receipts.url}/messagebird`,
        reference: 'CustomSMSSender_SignUp',
      });
      expect(callbacks.map((callback) => [callback.method, callback.status])).toEqual([
        ['GET', 200],
        ['GET', 200],
      ]);
      expect(callbacks.every((callback) => callback.url.startsWith(`${receipts.url}/messagebird?id=${messageId}&`))).toBe(true);
      expectCountedOnce('messagebird', messageId, outcome, [messagebird.accessKey, messagebird.signingKey]);
    },
  );

  it('refuses the reports with 403 when the receipts function holds another signing key', async () => {
    // Prepare
    const messagebird = await startMessageBirdEmulator();
    emulators.push(messagebird);
    const ledger = createMemoryDeliveryLedger();
    const receipts = await serveReceipts((receiptsUrl) =>
      createReceiptsHandler(
        messageBirdEnv(messagebird, { SMS_RECEIPTS_URL: receiptsUrl, MESSAGEBIRD_SIGNING_KEY: 'another-signing-key' }),
        {
          ledger,
        },
      ),
    );

    // Act
    await sendCode(messageBirdEnv(messagebird, { SMS_RECEIPTS_URL: receipts.url }), ledger, 'messagebird');
    const callbacks = await messagebird.receipts();

    // Assess
    expect(callbacks.map((callback) => callback.status)).toEqual([403, 403]);
    expect(metricValues(h.output, 'SmsReceiptRejected')).toEqual([
      expect.objectContaining({ provider: 'messagebird', reason: 'BadSignature' }),
      expect.objectContaining({ provider: 'messagebird', reason: 'BadSignature' }),
    ]);
  });
});
