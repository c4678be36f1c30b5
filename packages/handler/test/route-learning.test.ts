// Routes that learn, end to end: Twilio's emulator stops delivering to one country, its signed
// callbacks reach the real receipts function on a loopback function URL, which settles them in
// the DynamoDB ledger (dynalite) the sender reads; the sender demotes Twilio there, then takes
// it back after SMS_ROUTE_DEMOTE_S.
import { isConfigError } from '@cognito-sms/core';
import { cognitoEvent, type FunctionUrl, startFunctionUrl } from '@cognito-sms/testkit';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '@cognito-sms/testkit/dynamodb';
import { startTwilioEmulator, type TwilioEmulator } from '@cognito-sms/testkit/emulators/twilio';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { createReceiptsHandler, type ReceiptsHandler } from '../src/create-receipts-handler.js';
import { logLines, metricValues } from './policy-support.js';
import { deliveredByConsole, useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const MINUTE = 60_000;
const TABLE = 'cognito-sms-state';
const GB = '+447700900123';
const CODE = '463821';
let dynamo: DynamoDbEmulator;
let twilio: TwilioEmulator;
let receipts: FunctionUrl;
/** Whether Twilio's handsets in GB receive anything (the emulator's outcome reads it per message). */
let gbReachable = false;

beforeAll(async () => {
  dynamo = await startDynamoDbEmulator();
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
  await dynamo.createTable(TABLE);
  twilio = await startTwilioEmulator({ outcome: (to) => (to.startsWith('+44') && !gbReachable ? 'undelivered' : 'delivered') });
});
afterAll(async () => {
  await receipts?.close();
  await twilio.close();
  await dynamo.close();
});

/** A clock both functions read, moved by the test: buckets, records and the demotion run on it. */
const clock = (() => {
  let now = Date.UTC(2026, 11, 7, 9, 0, 0);
  return { now: () => now, advance: (ms: number) => (now += ms) };
})();

const env = (receiptsUrl: string) =>
  h.env({
    SMS_PROVIDER: 'twilio',
    SMS_ROUTES: 'GB=twilio,console',
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_FROM: '+15005550006',
    TWILIO_BASE_URL: twilio.baseUrl,
    SMS_RECEIPTS_URL: receiptsUrl,
    SMS_IDEMPOTENCY_TABLE: TABLE,
    SMS_ROUTE_MIN_DELIVERY_RATE: '0.5',
    SMS_ROUTE_MIN_SAMPLES: '5',
    SMS_ROUTE_DEMOTE_S: '900',
  });

describe('Handler: routes that learn from delivery receipts', () => {
  it('demotes Twilio in GB when its codes stop arriving there, sends through the next provider, and takes Twilio back after SMS_ROUTE_DEMOTE_S', async () => {
    // Prepare: the receipts function on a loopback function URL, the sender calling back to it.
    let receiptsHandler: ReceiptsHandler | undefined;
    receipts = await startFunctionUrl(async (event) => (receiptsHandler ? receiptsHandler(event) : { statusCode: 503 }));
    receiptsHandler = await createReceiptsHandler(env(receipts.url), { now: clock.now });
    const sender = await createHandler(env(receipts.url), { now: clock.now });
    const send = async () => {
      const receipt = await sender(
        cognitoEvent('CustomSMSSender_Authentication', { code: await h.encrypt(CODE), phoneNumber: GB }),
        h.context,
      );
      // Each message's `sent` and final callbacks reach the receipts function before the next send.
      await twilio.receipts();
      return receipt.provider;
    };

    // Act 1: five codes to GB through Twilio, none delivered; a minute later the sender reads them.
    const failing = [];
    for (let i = 0; i < 5; i++) failing.push(await send());
    clock.advance(MINUTE);
    const demotedSend = await send();
    const demotedLog = logLines(
      h.output,
      'SMS route demoted: twilio in GB (0% of 5 receipts delivered); behind the next provider until 2026-12-07T09:16:00.000Z',
    );
    const demotedMetric = metricValues(h.output, 'SmsRouteDemoted');
    const undelivered = metricValues(h.output, 'SmsUndelivered');

    // Act 2: Twilio reaches GB again, but stays behind until the demotion ends.
    gbReachable = true;
    clock.advance(10 * MINUTE);
    const during = await send();
    clock.advance(5 * MINUTE);
    const recoveredSend = await send();
    const recoveredLog = logLines(h.output, 'SMS route recovered: twilio in GB');
    clock.advance(MINUTE);
    const after = await send();

    // Assess
    expect(failing).toEqual(['twilio', 'twilio', 'twilio', 'twilio', 'twilio']);
    expect(demotedSend).toBe('console');
    expect(demotedLog).toEqual([expect.objectContaining({ provider: 'twilio', country: 'GB', deliveredShare: 0, samples: 5 })]);
    expect(demotedMetric).toEqual([expect.objectContaining({ value: 1, provider: 'twilio', country: 'GB' })]);
    // The receipts function knew each message's country and trigger from the sender's record.
    expect(undelivered.reduce((sum, point) => sum + Number(point.value), 0)).toBe(5);
    expect(undelivered).toContainEqual(
      expect.objectContaining({ provider: 'twilio', country: 'GB', trigger: 'CustomSMSSender_Authentication' }),
    );
    expect(during).toBe('console');
    expect(recoveredSend).toBe('twilio');
    expect(recoveredLog).toEqual([expect.objectContaining({ provider: 'twilio', country: 'GB' })]);
    expect(after).toBe('twilio');
    expect(deliveredByConsole(h.output)).toHaveLength(2);
    const items = JSON.stringify(await dynamo.scan(TABLE));
    expect(items).not.toContain(GB);
    expect(items).not.toContain(CODE);
    const lines = h.output.join('').split('\n');
    expect(lines.filter((line) => line.includes(twilio.authToken))).toEqual([]);
    // Only the console provider's own lines (the SMS it "sends") hold the code.
    expect(lines.filter((line) => line.includes(CODE) && !line.startsWith('{"provider":"console"'))).toEqual([]);
  });

  it('fails the cold start with a ConfigError when route learning has no table to learn from', async () => {
    const error = await createHandler(
      h.env({ SMS_ROUTE_MIN_DELIVERY_RATE: '0.8', SMS_ROUTE_MIN_SAMPLES: 'many', SMS_ROUTE_DEMOTE_S: '-1' }),
    ).catch((e: unknown) => e);
    expect(isConfigError(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('SMS_ROUTE_MIN_SAMPLES: must be a whole number of receipts');
    expect(message).toContain('SMS_ROUTE_DEMOTE_S: must be a positive number of seconds');
    const noTable = await createHandler(h.env({ SMS_ROUTE_MIN_DELIVERY_RATE: '0.8' })).catch((e: unknown) => e);
    expect(String((noTable as Error).message)).toContain('SMS_ROUTE_MIN_DELIVERY_RATE: needs a state table to learn from');
    const outOfRange = await createHandler(h.env({ SMS_ROUTE_MIN_DELIVERY_RATE: '80', SMS_GUARD_TABLE: TABLE })).catch((e: unknown) => e);
    expect(String((outOfRange as Error).message)).toContain('SMS_ROUTE_MIN_DELIVERY_RATE: must be a share from 0 to 1');
  });

  it('sends the code when its record cannot be written, and says so without the number or the code', async () => {
    // Prepare: the state table does not exist (the guard fails open on it too).
    const sender = await createHandler(
      h.env({
        SMS_RECEIPTS_URL: 'https://receipts.example',
        SMS_GUARD_TABLE: 'no-such-table',
        SMS_GUARD_HASH_KEY: 'route-learning-test-key-0123456789abcdef',
      }),
    );
    // Act
    const receipt = await sender(cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt(CODE), phoneNumber: GB }), h.context);
    // Assess
    expect(receipt.provider).toBe('console');
    expect(logLines(h.output, 'SMS sent, but not recorded for its delivery receipt')).toEqual([
      expect.objectContaining({ provider: 'console', messageId: receipt.messageId, error: 'ResourceNotFoundException' }),
    ]);
    const lines = h.output
      .join('')
      .split('\n')
      .filter((line) => !line.startsWith('{"provider":"console"'));
    expect(lines.filter((line) => line.includes(CODE) || line.includes(GB))).toEqual([]);
  });

  it('loads no ledger when neither receipts nor route learning are on', async () => {
    const before = (await dynamo.scan(TABLE)).length;
    const sender = await createHandler(h.env({ SMS_GUARD: 'off' }));
    await sender(cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt(CODE), phoneNumber: GB }), h.context);
    expect(deliveredByConsole(h.output)).toHaveLength(1);
    expect((await dynamo.scan(TABLE)).length).toBe(before);
  });
});
