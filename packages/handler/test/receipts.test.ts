import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { isConfigError } from '@cognito-sms/core';
import type { DeliveryLedger } from '@cognito-sms/core/receipts';
import { createMemoryDeliveryLedger } from '@cognito-sms/receipts/memory';
import { cognitoEvent, DEFAULT_PHONE_NUMBER, type FunctionUrl, startFunctionUrl } from '@cognito-sms/testkit';
import { startTwilioEmulator, type TwilioEmulator } from '@cognito-sms/testkit/emulators/twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { createReceiptsHandler, MAX_RECEIPT_BODY_BYTES, type ReceiptsHandler } from '../src/create-receipts-handler.js';
import { logLines, metricValues } from './policy-support.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const FROM = '+15005550006';
const CODE = '918273';
let twilio: TwilioEmulator;
let url: FunctionUrl | undefined;

const twilioEnv = (extra: Record<string, string> = {}) =>
  h.env({
    SMS_PROVIDER: 'twilio',
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_FROM: FROM,
    TWILIO_BASE_URL: twilio.baseUrl,
    ...extra,
  });

/** Serves a receipts handler on a loopback function URL; SMS_RECEIPTS_URL is that URL. */
async function serveReceipts(create: (receiptsUrl: string) => Promise<ReceiptsHandler>): Promise<FunctionUrl> {
  let handler: ReceiptsHandler | undefined;
  url = await startFunctionUrl(async (event) => (handler ? handler(event) : { statusCode: 503 }));
  handler = await create(url.url);
  return url;
}

/** A form POST signed as Twilio signs it (the emulator's scheme, written again here on purpose). */
function signedTwilioPost(target: string, params: Record<string, string>, authToken: string) {
  const signed = Object.keys(params)
    .sort()
    .reduce((text, name) => text + name + params[name], target);
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': createHmac('sha1', authToken).update(signed).digest('base64'),
    },
    body: new URLSearchParams(params).toString(),
  };
}

const DELIVERED = {
  MessageSid: 'SM0123456789abcdef0123456789abcdef',
  MessageStatus: 'delivered',
  AccountSid: 'AC1',
  To: DEFAULT_PHONE_NUMBER,
};

describe('Receipts function: provider webhooks on the function URL', () => {
  beforeAll(async () => {
    twilio = await startTwilioEmulator();
  });
  afterAll(async () => {
    await twilio.close();
  });
  afterEach(async () => {
    twilio.reset();
    await url?.close();
    url = undefined;
  });

  it('verifies Twilio’s status callbacks for a sent code and counts it delivered once, with its latency, country and trigger', async () => {
    // Prepare: the sender and the receipts function share a ledger and SMS_RECEIPTS_URL.
    const ledger = createMemoryDeliveryLedger();
    const receipts = await serveReceipts((receiptsUrl) => createReceiptsHandler(twilioEnv({ SMS_RECEIPTS_URL: receiptsUrl }), { ledger }));
    const sender = await createHandler(twilioEnv({ SMS_RECEIPTS_URL: receipts.url }));
    const event = cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt(CODE) });

    // Act
    const sent = await sender(event, h.context);
    await ledger.recordSent(
      { provider: 'twilio', messageId: sent.messageId, sentAt: Date.now() - 1500, country: 'US', trigger: 'CustomSMSSender_SignUp' },
      { signal: AbortSignal.timeout(1000) },
    );
    const callbacks = await twilio.receipts();

    // Assess: `sent` then `delivered`, both verified; only the final one counts.
    expect(callbacks.map((callback) => [callback.url, callback.status])).toEqual([
      [`${receipts.url}/twilio`, 200],
      [`${receipts.url}/twilio`, 200],
    ]);
    expect(receipts.events[0]?.isBase64Encoded).toBe(true);
    expect(metricValues(h.output, 'SmsDelivered')).toEqual([
      { value: 1, service: 'cognito-sms', provider: 'twilio', country: 'US', trigger: 'CustomSMSSender_SignUp' },
    ]);
    const [latency] = metricValues(h.output, 'SmsDeliveryLatency');
    expect(latency?.value).toBeGreaterThanOrEqual(1500);
    expect(logLines(h.output, 'Delivery receipt')).toEqual([
      expect.objectContaining({
        provider: 'twilio',
        messageId: sent.messageId,
        state: 'delivered',
        providerStatus: 'delivered',
        country: 'US',
      }),
    ]);
    const output = h.output.join('');
    expect(output).not.toContain(CODE);
    expect(output).not.toContain(DEFAULT_PHONE_NUMBER);
    expect(output).not.toContain(twilio.authToken);
  });

  it('counts an undelivered code as SmsUndelivered with Twilio’s error code, and a repeated final status not again', async () => {
    // Prepare
    const ledger = createMemoryDeliveryLedger();
    const own = await startTwilioEmulator({ outcome: () => 'undelivered' });
    const receipts = await serveReceipts((receiptsUrl) =>
      createReceiptsHandler(twilioEnv({ SMS_RECEIPTS_URL: receiptsUrl, TWILIO_AUTH_TOKEN: own.authToken }), { ledger }),
    );
    const sender = await createHandler(twilioEnv({ SMS_RECEIPTS_URL: receipts.url, TWILIO_BASE_URL: own.baseUrl }));

    // Act
    await sender(cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt(CODE) }), h.context);
    const [, final] = await own.receipts();
    const again = await fetch(final?.url ?? '', { method: 'POST', headers: final?.headers, body: final?.body });
    await own.close();

    // Assess
    expect(again.status).toBe(200);
    expect(metricValues(h.output, 'SmsUndelivered')).toEqual([
      expect.objectContaining({ value: 1, provider: 'twilio', country: 'unknown' }),
    ]);
    expect(metricValues(h.output, 'SmsDelivered')).toEqual([]);
    expect(logLines(h.output, 'Delivery receipt')).toEqual([expect.objectContaining({ state: 'undelivered', providerCode: '30003' })]);
    expect(logLines(h.output, 'Repeated final delivery status; counted once already')).toHaveLength(1);
  });

  describe('refuses, with no effect and a count of SmsReceiptRejected', () => {
    const post = async (path: string, init: RequestInit) => {
      const ledger = createMemoryDeliveryLedger();
      const receipts = await serveReceipts((receiptsUrl) =>
        createReceiptsHandler(twilioEnv({ SMS_RECEIPTS_URL: receiptsUrl }), { ledger }),
      );
      const response = await fetch(`${receipts.url}${path}`, init);
      return { status: response.status, body: (await response.json()) as { message?: string }, headers: response.headers, receipts };
    };

    it.each([
      [
        'a signature over another URL (a callback replayed to this one)',
        'BadSignature',
        403,
        () => signedTwilioPost('https://elsewhere.example/twilio', DELIVERED, twilio.authToken),
      ],
      [
        'a signature by another auth token',
        'BadSignature',
        403,
        () => signedTwilioPost(`${url?.url}/twilio`, DELIVERED, 'not-the-auth-token-0000000000000'),
      ],
    ])('%s: 403', async (_name, reason, status, init) => {
      // Prepare: the URL is known only once the function URL listens.
      const ledger = createMemoryDeliveryLedger();
      const receipts = await serveReceipts((receiptsUrl) =>
        createReceiptsHandler(twilioEnv({ SMS_RECEIPTS_URL: receiptsUrl }), { ledger }),
      );

      // Act
      const response = await fetch(`${receipts.url}/twilio`, init());

      // Assess
      expect(response.status).toBe(status);
      expect(metricValues(h.output, 'SmsReceiptRejected')).toEqual([expect.objectContaining({ value: 1, provider: 'twilio', reason })]);
      expect(metricValues(h.output, 'SmsDelivered')).toEqual([]);
      expect(h.output.join('')).not.toContain(DEFAULT_PHONE_NUMBER);
    });

    it('an unsigned callback: 401', async () => {
      const { status, body } = await post('/twilio', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(DELIVERED).toString(),
      });
      expect(status).toBe(401);
      expect(body.message).toBe('missing x-twilio-signature header');
      expect(metricValues(h.output, 'SmsReceiptRejected')).toEqual([expect.objectContaining({ reason: 'Unsigned' })]);
    });

    it('a path that names no chained provider: 404', async () => {
      const { status, body } = await post('/vonage', { method: 'POST', body: '{}' });
      expect(status).toBe(404);
      expect(body.message).toContain('no provider "vonage" takes receipts here');
    });

    it('a method the provider never calls with: 405 with Allow', async () => {
      const { status, headers } = await post('/twilio?MessageSid=SM1', { method: 'GET' });
      expect(status).toBe(405);
      expect(headers.get('allow')).toBe('POST');
    });

    it(`a body over ${MAX_RECEIPT_BODY_BYTES} bytes: 413, before any signature work`, async () => {
      const { status } = await post('/twilio', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'x' },
        body: `Body=${'a'.repeat(MAX_RECEIPT_BODY_BYTES)}`,
      });
      expect(status).toBe(413);
      expect(metricValues(h.output, 'SmsReceiptRejected')).toEqual([expect.objectContaining({ reason: 'TooLarge' })]);
    });

    it('a correctly signed body that is not a status callback: 400', async () => {
      const ledger = createMemoryDeliveryLedger();
      const receipts = await serveReceipts((receiptsUrl) =>
        createReceiptsHandler(twilioEnv({ SMS_RECEIPTS_URL: receiptsUrl }), { ledger }),
      );
      const response = await fetch(`${receipts.url}/twilio`, signedTwilioPost(`${receipts.url}/twilio`, { Foo: 'bar' }, twilio.authToken));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toBe('no MessageSid');
    });
  });

  it('answers 500 when the ledger fails, so the provider retries, and logs no detail of the store', async () => {
    // Prepare
    const failing: DeliveryLedger = {
      recordSent: async () => {},
      settle: async () => {
        throw new Error('ProvisionedThroughputExceededException: table arn:aws:dynamodb:…');
      },
    };
    const receipts = await serveReceipts((receiptsUrl) =>
      createReceiptsHandler(twilioEnv({ SMS_RECEIPTS_URL: receiptsUrl }), { ledger: failing }),
    );

    // Act
    const response = await fetch(`${receipts.url}/twilio`, signedTwilioPost(`${receipts.url}/twilio`, DELIVERED, twilio.authToken));

    // Assess
    expect(response.status).toBe(500);
    expect(logLines(h.output, 'Delivery receipt not processed')).toEqual([
      expect.objectContaining({ error: { name: 'Error', message: 'unexpected failure' } }),
    ]);
  });

  it('fails the cold start with a ConfigError naming the variable when a chained provider cannot verify receipts', async () => {
    const error = await createReceiptsHandler(h.env({ SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: 'AC1' })).catch((e: unknown) => e);
    expect(isConfigError(error)).toBe(true);
    expect(String((error as Error).message)).toContain('TWILIO_AUTH_TOKEN');
  });

  it('ignores a CloudWatch Logs control message and an event it does not know, without throwing', async () => {
    const handler = await createReceiptsHandler(twilioEnv());
    const control = { awslogs: { data: gzipSync(JSON.stringify({ messageType: 'CONTROL_MESSAGE', logEvents: [] })).toString('base64') } };
    await expect(handler(control)).resolves.toBeUndefined();
    await expect(handler({ hello: 'world' })).resolves.toBeUndefined();
    expect(logLines(h.output, 'Not a function URL request, a CloudWatch Logs subscription or an SNS notification; ignored')).toHaveLength(
      1,
    );
  });
});
