// What the receipts round-trip tests share: the receipts function on a loopback function URL
// (SMS_RECEIPTS_URL), one code sent through a provider with its send recorded in the ledger as
// the sender does, and the output a verified final receipt leaves.
import type { DeliveryLedger } from '@cognito-sms/core/receipts';
import { cognitoEvent, DEFAULT_PHONE_NUMBER, type FunctionUrl, startFunctionUrl } from '@cognito-sms/testkit';
import { afterEach, expect } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import type { ReceiptsHandler } from '../src/create-receipts-handler.js';
import { logLines, metricValues } from './policy-support.js';
import type { HandlerHarness } from './support.js';

/** The code every round trip sends; it must appear in no output line. */
export const ROUND_TRIP_CODE = '918273';

export interface ReceiptsRoundTrip {
  /** Emulators a test started: closed after it, with the function URL. */
  readonly emulators: { close(): Promise<void> }[];
  /** Serves the receipts handler `create` builds (given the URL) on a loopback function URL. */
  serveReceipts(create: (receiptsUrl: string) => Promise<ReceiptsHandler>): Promise<FunctionUrl>;
  /** Sends one sign-up code through `env`'s provider and records the send in `ledger`; the message id. */
  sendCode(env: Parameters<typeof createHandler>[0], ledger: DeliveryLedger, provider: string): Promise<string>;
  /** The metric and log a verified final receipt leaves, and no code, number or `secrets` in the output. */
  expectCountedOnce(provider: string, messageId: string, state: string, secrets: readonly string[]): void;
}

/** The round-trip helpers over the file's handler harness; registers their cleanup. */
export function useReceiptsRoundTrip(h: HandlerHarness): ReceiptsRoundTrip {
  let url: FunctionUrl | undefined;
  const emulators: { close(): Promise<void> }[] = [];

  afterEach(async () => {
    await url?.close();
    url = undefined;
    for (const emulator of emulators.splice(0)) await emulator.close();
  });

  return {
    emulators,
    async serveReceipts(create) {
      let handler: ReceiptsHandler | undefined;
      url = await startFunctionUrl(async (event) => (handler ? handler(event) : { statusCode: 503 }));
      handler = await create(url.url);
      return url;
    },
    async sendCode(env, ledger, provider) {
      const sender = await createHandler(env);
      const sent = await sender(cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt(ROUND_TRIP_CODE) }), h.context);
      await ledger.recordSent(
        { provider, messageId: sent.messageId, sentAt: Date.now() - 1500, country: 'GB', trigger: 'CustomSMSSender_SignUp' },
        { signal: AbortSignal.timeout(1000) },
      );
      return sent.messageId;
    },
    expectCountedOnce(provider, messageId, state, secrets) {
      const metric = state === 'delivered' ? 'SmsDelivered' : 'SmsUndelivered';
      expect(metricValues(h.output, metric)).toEqual([
        { value: 1, service: 'cognito-sms', provider, country: 'GB', trigger: 'CustomSMSSender_SignUp' },
      ]);
      expect(metricValues(h.output, 'SmsReceiptRejected')).toEqual([]);
      expect(logLines(h.output, 'Delivery receipt')).toEqual([expect.objectContaining({ provider, messageId, state })]);
      const output = h.output.join('');
      for (const secret of [ROUND_TRIP_CODE, DEFAULT_PHONE_NUMBER, DEFAULT_PHONE_NUMBER.slice(1), ...secrets]) {
        expect(output).not.toContain(secret);
      }
    },
  };
}
