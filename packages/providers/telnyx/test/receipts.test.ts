import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { ReceiptReader, ReceiptRequest } from '@cognito-sms/core/receipts';
import { isReceiptRejectedError } from '@cognito-sms/core/receipts';
import { startFunctionUrl } from '@cognito-sms/testkit';
import { TelnyxWebhook } from 'telnyx/lib/webhooks.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import telnyx, { createTelnyxProvider } from '../src/index.js';
import telnyxReceipts, { TELNYX_STATUSES, telnyxReceiptsConfig } from '../src/receipts.js';
import { startTelnyxEmulator, TELNYX_TEST_API_KEY, type TelnyxEmulator } from './emulator.js';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const PUBLIC_KEY = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('base64');
const reader = (key = PUBLIC_KEY) =>
  telnyxReceipts.create(telnyxReceiptsConfig.parse({ publicKey: key }), { logger: silent }) as ReceiptReader;

/** A webhook body as Telnyx sends it (deliveryUpdate reference), with the fields the reader reads. */
const webhookBody = (fields: { eventType?: string; status?: string; id?: string; errors?: unknown[] } = {}) =>
  JSON.stringify({
    data: {
      record_type: 'event',
      id: '86f58db9-0fe3-4adc-9d1f-46e66e6e9323',
      event_type: fields.eventType ?? 'message.finalized',
      occurred_at: '2019-12-09T21:32:14.148+00:00',
      payload: {
        record_type: 'message',
        direction: 'outbound',
        id: fields.id ?? '40385f64-5717-4562-b3fc-2c963f66afa6',
        type: 'SMS',
        to: [{ phone_number: '+18665550001', status: fields.status ?? 'delivered', carrier: 'T-MOBILE USA, INC.', line_type: 'Wireless' }],
        errors: fields.errors ?? [],
      },
    },
    meta: { attempt: 1, delivered_to: 'https://receipts.example/telnyx' },
  });

/** A request signed as Telnyx signs it: Ed25519 over `${timestamp}|${body}`. */
function signed(body: string, options: { timestamp?: number; key?: KeyObject; receivedAt?: number } = {}): ReceiptRequest {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  return {
    method: 'POST',
    url: 'https://receipts.example/telnyx',
    headers: {
      'content-type': 'application/json',
      'telnyx-timestamp': timestamp,
      'telnyx-signature-ed25519': sign(null, Buffer.from(`${timestamp}|${body}`), options.key ?? privateKey).toString('base64'),
    },
    body,
    receivedAt: options.receivedAt ?? Date.now(),
  };
}

const rejection = (act: () => unknown) => {
  try {
    act();
  } catch (error) {
    return isReceiptRejectedError(error) ? { code: error.code, status: error.status, message: error.message } : error;
  }
  return 'accepted';
};

describe('Telnyx receipts', () => {
  describe('verify', () => {
    it('accepts a signed webhook, as the SDK’s own TelnyxWebhook helper does', async () => {
      // Telnyx publishes no signed example; the official SDK's verifier is the reference instead.
      const request = signed(webhookBody());
      await expect(new TelnyxWebhook(PUBLIC_KEY).verify(request.body, request.headers)).resolves.toBeUndefined();
      expect(rejection(() => reader().verify(request))).toBe('accepted');
    });

    it('refuses a tampered body, and so does the SDK', async () => {
      const request = signed(webhookBody({ status: 'delivery_failed' }));
      const tampered = { ...request, body: request.body.replace('delivery_failed', 'delivered') };
      await expect(new TelnyxWebhook(PUBLIC_KEY).verify(tampered.body, tampered.headers)).rejects.toThrow(/does not match/);
      expect(rejection(() => reader().verify(tampered))).toMatchObject({ code: 'BadSignature', status: 403 });
    });

    it('refuses a timestamp changed after signing (it is part of the signed text)', () => {
      const request = signed(webhookBody());
      const moved = {
        ...request,
        headers: { ...request.headers, 'telnyx-timestamp': String(Number(request.headers['telnyx-timestamp']) + 1) },
      };
      expect(rejection(() => reader().verify(moved))).toMatchObject({ code: 'BadSignature', status: 403 });
    });

    it('refuses a signature by another key: 403', () => {
      const other = generateKeyPairSync('ed25519').privateKey;
      expect(rejection(() => reader().verify(signed(webhookBody(), { key: other })))).toMatchObject({ code: 'BadSignature', status: 403 });
    });

    it.each([['telnyx-signature-ed25519'], ['telnyx-timestamp']])('refuses a webhook without %s: 401', (header) => {
      const request = signed(webhookBody());
      const { [header]: _dropped, ...headers } = request.headers;
      expect(rejection(() => reader().verify({ ...request, headers }))).toEqual({
        code: 'Unsigned',
        status: 401,
        message: `missing ${header} header`,
      });
    });

    it.each([
      ['not base64', '!!!!'],
      ['too short for Ed25519', Buffer.alloc(32).toString('base64')],
    ])('refuses a signature that is %s: 403', (_name, value) => {
      const request = signed(webhookBody());
      expect(
        rejection(() => reader().verify({ ...request, headers: { ...request.headers, 'telnyx-signature-ed25519': value } })),
      ).toMatchObject({
        code: 'BadSignature',
        status: 403,
      });
    });

    it.each([
      ['signed 10 minutes before arrival', -600],
      ['signed 10 minutes in the future', 600],
    ])('refuses a replay %s: 403 Replayed, though correctly signed', (_name, offsetSeconds) => {
      const now = Date.now();
      const request = signed(webhookBody(), { timestamp: Math.floor(now / 1000) + offsetSeconds, receivedAt: now });
      expect(rejection(() => reader().verify(request))).toMatchObject({ code: 'Replayed', status: 403 });
    });

    it('accepts a webhook signed 4 minutes before arrival (a retry within the window)', () => {
      const now = Date.now();
      expect(rejection(() => reader().verify(signed(webhookBody(), { timestamp: Math.floor(now / 1000) - 240, receivedAt: now })))).toBe(
        'accepted',
      );
    });

    it('refuses a timestamp that is not Unix seconds: 403', () => {
      const request = signed(webhookBody());
      expect(
        rejection(() => reader().verify({ ...request, headers: { ...request.headers, 'telnyx-timestamp': '2019-12-09T21:32:14Z' } })),
      ).toMatchObject({
        code: 'BadSignature',
      });
    });
  });

  describe('config', () => {
    it.each([['not-base64!'], [Buffer.alloc(16).toString('base64')]])('refuses TELNYX_PUBLIC_KEY=%s', (value) => {
      expect(telnyxReceiptsConfig.safeParse({ publicKey: value }).error?.issues[0]?.message).toMatch(/base64 Ed25519 public key/);
    });

    it('requires TELNYX_PUBLIC_KEY', () => {
      expect(telnyxReceiptsConfig.safeParse({}).success).toBe(false);
    });
  });

  describe('parse', () => {
    const parse = (body: string) => reader().parse(signed(body));

    it.each(Object.entries(TELNYX_STATUSES))('maps to[].status=%s', (status, expected) => {
      expect(parse(webhookBody({ status }))).toEqual([
        {
          provider: 'telnyx',
          messageId: '40385f64-5717-4562-b3fc-2c963f66afa6',
          providerStatus: status,
          at: Date.parse('2019-12-09T21:32:14.148+00:00'),
          ...expected,
        },
      ]);
    });

    it('keeps the messaging error code, and reads 40005/40014 (expired) as expired', () => {
      expect(parse(webhookBody({ status: 'delivery_failed', errors: [{ code: '40008', title: 'Undeliverable' }] }))[0]).toMatchObject({
        state: 'undelivered',
        providerCode: '40008',
      });
      expect(
        parse(webhookBody({ status: 'sending_failed', errors: [{ code: '40014', title: 'Message expired in queue' }] }))[0],
      ).toMatchObject({
        state: 'expired',
        final: true,
        providerCode: '40014',
      });
      expect(
        parse(webhookBody({ status: 'delivery_failed', errors: [{ code: '40005', title: 'Message expired during transmission' }] }))[0],
      ).toMatchObject({
        state: 'expired',
      });
    });

    it('logs a status it does not know as intermediate, not as a guessed outcome', () => {
      expect(parse(webhookBody({ status: 'teleported' }))[0]).toMatchObject({
        state: 'unknown',
        final: false,
        providerStatus: 'teleported',
      });
    });

    it('reads no receipt from an event that is not about delivery (an inbound message.received)', () => {
      expect(parse(webhookBody({ eventType: 'message.received' }))).toEqual([]);
    });

    it.each([
      ['not JSON', '{"data":', 'the body is not JSON'],
      ['no data', '{"meta":{}}', 'no data object'],
      ['no event_type', '{"data":{"payload":{}}}', 'no data.event_type'],
      ['no message id', webhookBody({ id: '' }), 'no data.payload.id'],
      ['no recipient status', webhookBody().replace('"status":"delivered",', ''), 'no data.payload.to[0].status'],
    ])('refuses %s as Malformed: 400', (_name, body, message) => {
      expect(rejection(() => parse(body))).toEqual({ code: 'Malformed', status: 400, message });
    });
  });

  describe('the emulator’s webhooks', () => {
    let emulator: TelnyxEmulator;
    beforeAll(async () => {
      emulator = await startTelnyxEmulator({ outcome: (to) => (to.startsWith('+44') ? 'undelivered' : 'delivered') });
    });
    afterAll(async () => {
      await emulator.close();
    });

    it('sends message.sent then message.finalized to webhook_url, signed so that the reader accepts them', async () => {
      // Prepare: a receiver that records what arrives, as the receipts function URL would get it.
      const arrived: ReceiptRequest[] = [];
      const url = await startFunctionUrl(async (event) => {
        arrived.push({
          method: 'POST',
          url: 'https://receipts.example/telnyx',
          headers: event.headers,
          body: event.body ?? '',
          receivedAt: Date.now(),
        });
        return { statusCode: 200 };
      });
      const provider = createTelnyxProvider(
        telnyx.config.parse({ apiKey: TELNYX_TEST_API_KEY, from: '+14155550100', baseUrl: `${emulator.baseUrl}/v2` }),
      );

      // Act
      const sent = await provider.send(
        {
          to: '+447700900123',
          body: 'Your code is 918273',
          trigger: 'CustomSMSSender_SignUp',
          userPoolId: 'eu-west-1_P',
          statusCallbackUrl: `${url.url}/telnyx`,
        },
        { signal: AbortSignal.timeout(5000) },
      );
      const callbacks = await emulator.receipts();
      await url.close();

      // Assess
      expect(callbacks.map((callback) => callback.status)).toEqual([200, 200]);
      const ours = reader(emulator.publicKey);
      const receipts = arrived.flatMap((request) => {
        ours.verify(request);
        return ours.parse(request);
      });
      expect(receipts).toEqual([
        expect.objectContaining({ messageId: sent.messageId, providerStatus: 'sent', final: false }),
        expect.objectContaining({
          messageId: sent.messageId,
          providerStatus: 'delivery_failed',
          state: 'undelivered',
          final: true,
          providerCode: '40008',
        }),
      ]);
    });
  });
});
