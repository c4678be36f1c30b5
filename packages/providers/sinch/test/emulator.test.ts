import type { ReceiptReader } from '@cognito-sms/core/receipts';
import { type FunctionUrl, startFunctionUrl } from '@cognito-sms/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sinchReceipts, { sinchReceiptsConfig } from '../src/receipts.js';
import { type SinchEmulator, startSinchEmulator } from './emulator.js';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
let sinch: SinchEmulator;
let sink: FunctionUrl;

beforeAll(async () => {
  // A GB number is delivered, a US one expires.
  sinch = await startSinchEmulator({ outcome: (to) => (to.startsWith('+44') ? 'delivered' : 'expired') });
  sink = await startFunctionUrl(async () => undefined);
});
afterAll(async () => {
  await Promise.all([sinch.close(), sink.close()]);
});

/** Posts a batch as a client would, and returns the emulator's answer. */
async function sendBatch(fields: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  sinch.reset();
  const response = await fetch(`${sinch.baseUrl}/xms/v1/${sinch.servicePlanId}/batches`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sinch.apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ to: ['+447700900123', '+12015550123'], body: 'Your code is 123456', ...fields }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const reader = () =>
  sinchReceipts.create(sinchReceiptsConfig.parse({ callbackSecret: sinch.callbackSecret }), { logger: silent }) as ReceiptReader;

describe('Sinch emulator: delivery reports', () => {
  it('posts only the final report per recipient for per_recipient_final, signed so the receipts part accepts it', async () => {
    // Act
    const sent = await sendBatch({ delivery_report: 'per_recipient_final', callback_url: `${sink.url}/sinch`, client_reference: 'r1' });
    const callbacks = await sinch.receipts();
    // Assess
    expect(sent.body).toMatchObject({ delivery_report: 'per_recipient_final', callback_url: `${sink.url}/sinch` });
    expect(callbacks.map((callback) => JSON.parse(callback.body))).toEqual([
      expect.objectContaining({
        type: 'recipient_delivery_report_sms',
        batch_id: sent.body.id,
        recipient: '447700900123',
        status: 'Delivered',
        code: 0,
        client_reference: 'r1',
      }),
      expect.objectContaining({ recipient: '12015550123', status: 'Expired', code: 406 }),
    ]);
    for (const callback of callbacks) {
      const request = {
        method: 'POST' as const,
        url: callback.url,
        headers: callback.headers,
        body: callback.body,
        receivedAt: Date.now(),
      };
      expect(() => reader().verify(request)).not.toThrow();
      expect(() => reader().verify({ ...request, body: callback.body.replace('"code":', '"code": ') })).toThrow('does not match');
    }
  });

  it.each([
    ['summary', undefined],
    ['full', [['447700900123'], ['12015550123']]],
  ])('posts one batch report counting the recipients per status for %s', async (deliveryReport, recipients) => {
    const sent = await sendBatch({ delivery_report: deliveryReport, callback_url: `${sink.url}/sinch` });
    const callbacks = await sinch.receipts();
    expect(callbacks).toHaveLength(1);
    const report = JSON.parse(callbacks[0]?.body ?? '{}') as { statuses: Record<string, unknown>[] };
    expect(report).toMatchObject({ type: 'delivery_report_sms', batch_id: sent.body.id, total_message_count: 2 });
    expect(report.statuses).toEqual([
      { code: 0, status: 'Delivered', count: 1, ...(recipients ? { recipients: recipients[0] } : {}) },
      { code: 406, status: 'Expired', count: 1, ...(recipients ? { recipients: recipients[1] } : {}) },
    ]);
  });

  it('answers 403 missing_callback_url when a report is asked for without a callback URL, and sends nothing without one asked', async () => {
    expect(await sendBatch({ delivery_report: 'per_recipient' })).toMatchObject({ status: 403, body: { code: 'missing_callback_url' } });
    expect(await sendBatch({ callback_url: `${sink.url}/sinch` })).toMatchObject({ status: 201, body: { delivery_report: 'none' } });
    expect(await sinch.receipts()).toEqual([]);
  });
});
