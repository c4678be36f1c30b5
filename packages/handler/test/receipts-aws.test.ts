import type { DeliveryLedger } from '@cognito-sms/core/receipts';
import { createMemoryDeliveryLedger } from '@cognito-sms/receipts/memory';
import { cloudWatchLogsEvent, cognitoEvent, snsEvent } from '@cognito-sms/testkit';
import { type EndUserMessagingEmulator, startEndUserMessagingEmulator } from '@cognito-sms/testkit/emulators/end-user-messaging';
import { type SnsEmulator, startSnsEmulator } from '@cognito-sms/testkit/emulators/sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { createReceiptsHandler } from '../src/create-receipts-handler.js';
import { logLines, metricValues } from './policy-support.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const CODE = '918273';
const DELIVERED_TO = '+447700900123';
const UNDELIVERED_TO = '+33612345678';
const CREDENTIALS = { accessKeyId: 'AKIDHARNESS', secretAccessKey: 'harness-secret' };
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:cognito-sms-events';

/** Sends a sign-up code to `to` through `env`'s provider and records it in the ledger as the sender will. */
async function sendCode(env: Record<string, string>, to: string, ledger: DeliveryLedger, country: string | undefined) {
  const sender = await createHandler(h.env(env));
  const sent = await sender(cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt(CODE), phoneNumber: to }), h.context);
  await ledger.recordSent(
    {
      provider: sent.provider,
      messageId: sent.messageId,
      sentAt: Date.now() - 2000,
      trigger: 'CustomSMSSender_SignUp',
      ...(country ? { country } : {}),
    },
    { signal: AbortSignal.timeout(1000) },
  );
  return sent;
}

/** Nothing a provider must not reveal reached the output. */
function expectNoSecretsIn(output: readonly string[]) {
  const text = output.join('');
  expect(text).not.toContain(CODE);
  for (const phone of [DELIVERED_TO, UNDELIVERED_TO]) {
    expect(text).not.toContain(phone);
    expect(text).not.toContain(phone.slice(1));
  }
}

describe('Receipts function: SNS SMS delivery-status logs through CloudWatch Logs', () => {
  let sns: SnsEmulator;
  beforeAll(async () => {
    sns = await startSnsEmulator({
      region: h.kms.region,
      credentials: CREDENTIALS,
      outcome: (to) => (to === UNDELIVERED_TO ? 'undelivered' : 'delivered'),
    });
    vi.stubEnv('AWS_ENDPOINT_URL_SNS', sns.baseUrl);
  });
  afterAll(async () => {
    await sns.close();
  });
  beforeEach(() => {
    sns.reset();
  });

  it('counts each code sent through SNS once, delivered or undelivered, by country and trigger, with its latency', async () => {
    // Prepare: two codes sent through the adapter against the emulator.
    const ledger = createMemoryDeliveryLedger();
    const delivered = await sendCode({ SMS_PROVIDER: 'sns' }, DELIVERED_TO, ledger, 'GB');
    const undelivered = await sendCode({ SMS_PROVIDER: 'sns' }, UNDELIVERED_TO, ledger, 'FR');
    const receipts = await createReceiptsHandler(h.env({ SMS_PROVIDER: 'sns' }), { ledger });
    const events = sns.receiptEvents();

    // Act: CloudWatch Logs delivers each group's subscription event; a redelivery changes nothing.
    for (const event of [...events, ...events]) await expect(receipts(event)).resolves.toBeUndefined();

    // Assess
    expect(events).toHaveLength(2);
    expect(events.every((event) => typeof event.awslogs.data === 'string')).toBe(true);
    expect(metricValues(h.output, 'SmsDelivered')).toEqual([
      { value: 1, service: 'cognito-sms', provider: 'sns', country: 'GB', trigger: 'CustomSMSSender_SignUp' },
    ]);
    expect(metricValues(h.output, 'SmsUndelivered')).toEqual([
      { value: 1, service: 'cognito-sms', provider: 'sns', country: 'FR', trigger: 'CustomSMSSender_SignUp' },
    ]);
    const latencies = metricValues(h.output, 'SmsDeliveryLatency');
    expect(latencies).toHaveLength(2);
    for (const latency of latencies) expect(latency.value).toBeGreaterThanOrEqual(2000);
    expect(logLines(h.output, 'Delivery receipt')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ provider: 'sns', messageId: delivered.messageId, state: 'delivered', providerStatus: 'SUCCESS' }),
        expect.objectContaining({
          provider: 'sns',
          messageId: undelivered.messageId,
          state: 'undelivered',
          providerStatus: 'FAILURE',
          providerCode: 'Phone is currently unreachable/unavailable',
        }),
      ]),
    );
    expect(logLines(h.output, 'Repeated final delivery status; counted once already')).toHaveLength(2);
    expectNoSecretsIn(h.output);
  });

  it('counts a log event from another log group as rejected (Malformed) and nothing else', async () => {
    // Prepare
    const receipts = await createReceiptsHandler(h.env({ SMS_PROVIDER: 'sns' }));
    const topicLog = JSON.stringify({
      notification: { messageId: 'm-1' },
      delivery: { destination: 'https://example.com' },
      status: 'SUCCESS',
    });
    // Act
    await receipts(cloudWatchLogsEvent('sns/eu-west-1/123456789012/MyTopic', [topicLog]));
    // Assess
    expect(metricValues(h.output, 'SmsReceiptRejected')).toEqual([expect.objectContaining({ provider: 'sns', reason: 'Malformed' })]);
    expect(metricValues(h.output, 'SmsDelivered')).toEqual([]);
  });
});

describe('Receipts function: End User Messaging events through SNS', () => {
  let eum: EndUserMessagingEmulator;
  beforeAll(async () => {
    eum = await startEndUserMessagingEmulator({
      region: h.kms.region,
      credentials: CREDENTIALS,
      eventTopicArn: TOPIC,
      outcome: (to) => (to === UNDELIVERED_TO ? 'expired' : 'delivered'),
    });
    vi.stubEnv('AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2', eum.baseUrl);
  });
  afterAll(async () => {
    await eum.close();
  });
  beforeEach(() => {
    eum.reset();
  });

  const env = { SMS_PROVIDER: 'end-user-messaging', END_USER_MESSAGING_CONFIGURATION_SET: 'codes' };

  it('counts the final event of each code once, the country from the event when the ledger has none, the pending step not at all', async () => {
    // Prepare
    const ledger = createMemoryDeliveryLedger();
    const delivered = await sendCode(env, DELIVERED_TO, ledger, undefined);
    const expired = await sendCode(env, UNDELIVERED_TO, ledger, 'FR');
    const receipts = await createReceiptsHandler(h.env(env), { ledger });
    const events = eum.receiptEvents();

    // Act: SNS invokes the function once per event.
    for (const event of events) await expect(receipts(event)).resolves.toBeUndefined();

    // Assess: TEXT_PENDING then the final event, for each message.
    expect(events.map((event) => event.Records[0]?.Sns.TopicArn)).toEqual([TOPIC, TOPIC, TOPIC, TOPIC]);
    expect(metricValues(h.output, 'SmsDelivered')).toEqual([
      { value: 1, service: 'cognito-sms', provider: 'end-user-messaging', country: 'GB', trigger: 'CustomSMSSender_SignUp' },
    ]);
    expect(metricValues(h.output, 'SmsUndelivered')).toEqual([
      { value: 1, service: 'cognito-sms', provider: 'end-user-messaging', country: 'FR', trigger: 'CustomSMSSender_SignUp' },
    ]);
    expect(logLines(h.output, 'Delivery receipt')).toEqual([
      expect.objectContaining({ messageId: delivered.messageId, state: 'delivered', providerStatus: 'TEXT_DELIVERED', country: 'GB' }),
      expect.objectContaining({ messageId: expired.messageId, state: 'expired', providerStatus: 'TEXT_TTL_EXPIRED', country: 'FR' }),
    ]);
    expectNoSecretsIn(h.output);
  });

  it('emits no event for a message sent without a configuration set, as AWS does not', async () => {
    const ledger = createMemoryDeliveryLedger();
    await sendCode({ SMS_PROVIDER: 'end-user-messaging' }, DELIVERED_TO, ledger, 'GB');
    expect(eum.receiptEvents()).toEqual([]);
  });

  it('counts a voice event on the topic as rejected (Malformed)', async () => {
    const receipts = await createReceiptsHandler(h.env(env));
    await receipts(snsEvent(TOPIC, [JSON.stringify({ eventType: 'VOICE_COMPLETED', messageId: 'v-1' })]));
    expect(metricValues(h.output, 'SmsReceiptRejected')).toEqual([
      expect.objectContaining({ provider: 'end-user-messaging', reason: 'Malformed' }),
    ]);
  });
});
