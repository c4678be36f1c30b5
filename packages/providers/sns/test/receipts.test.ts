import { type AwsEventReader, type AwsReceiptEvent, isAwsEventReader, isReceiptRejectedError } from '@cognito-sms/core/receipts';
import { snsDeliveryLog } from '@cognito-sms/testkit/emulators/sns';
import { describe, expect, it } from 'vitest';
import snsReceipts, { readSnsDeliveryLog, SNS_FAILURE_REASONS } from '../src/receipts.js';

const PHONE = '+14155550123';
const MESSAGE_ID = '1077257a-92f3-5ca3-bc97-6a915b310625';
const SUCCESS_GROUP = 'sns/us-east-1/111111111111/DirectPublishToPhoneNumber';
const FAILURE_GROUP = `${SUCCESS_GROUP}/Failure`;

/** A log as the guide's examples show it, with `delivery` fields replaced or added. */
function log(status: string, delivery: Record<string, unknown> = {}, notification: Record<string, unknown> = {}): string {
  return JSON.stringify({
    notification: { messageId: MESSAGE_ID, timestamp: '2016-06-28 00:40:34.559', ...notification },
    delivery: {
      mnc: 0,
      destination: PHONE,
      priceInUSD: 0.00645,
      smsType: 'Transactional',
      mcc: 0,
      providerResponse: 'Unknown error attempting to reach phone',
      dwellTimeMs: 1420,
      dwellTimeMsUntilDeviceAck: 1692,
      ...delivery,
    },
    status,
  });
}

const event = (message: string, origin = FAILURE_GROUP): AwsReceiptEvent => ({
  source: 'cloudwatch-logs',
  message,
  origin,
  receivedAt: Date.now(),
});

async function reader(): Promise<AwsEventReader> {
  const created = await snsReceipts.create(snsReceipts.config.parse({}), { logger: console });
  if (!isAwsEventReader(created)) throw new Error('sns receipts must read AWS events');
  return created;
}

describe('Receipts: sns (SMS delivery-status logs)', () => {
  it('reads CloudWatch Logs events and needs no setting', async () => {
    const sns = await reader();
    expect(sns).toMatchObject({ id: 'sns', source: 'cloudwatch-logs' });
  });

  it('reads the guide’s success example as delivered and final, at publish time plus the dwell time until the phone’s ack', async () => {
    // Prepare: the "Example Log for Successful SMS Delivery".
    const message = JSON.stringify({
      notification: { messageId: '34d9b400-c6dd-5444-820d-fbeb0f1f54cf', timestamp: '2016-06-28 00:40:34.558' },
      delivery: {
        phoneCarrier: 'My Phone Carrier',
        mnc: 270,
        destination: '+1XXX5550100',
        priceInUSD: 0.00645,
        smsType: 'Transactional',
        mcc: 310,
        providerResponse: 'Message has been accepted by phone carrier',
        dwellTimeMs: 599,
        dwellTimeMsUntilDeviceAck: 1344,
      },
      status: 'SUCCESS',
    });
    // Act
    const receipts = (await reader()).readEvent(event(message, SUCCESS_GROUP));
    // Assess
    expect(receipts).toEqual([
      {
        provider: 'sns',
        messageId: '34d9b400-c6dd-5444-820d-fbeb0f1f54cf',
        state: 'delivered',
        final: true,
        providerStatus: 'SUCCESS',
        providerCode: 'Message has been accepted by phone carrier',
        at: Date.UTC(2016, 5, 28, 0, 40, 34, 558) + 1344,
      },
    ]);
  });

  it.each(Object.entries(SNS_FAILURE_REASONS))('maps the failure reason "%s" to %s', (reason, state) => {
    const receipt = readSnsDeliveryLog(event(log('FAILURE', { providerResponse: reason })));
    expect(receipt).toMatchObject({ state, final: true, providerStatus: 'FAILURE', providerCode: reason });
  });

  it('maps every reason the guide lists (old and new wording), and nothing else', () => {
    expect(SNS_FAILURE_REASONS).toEqual({
      'Blocked as spam by phone carrier': 'undelivered',
      'Destination is blacklisted': 'failed',
      'Destination is on a blocked list': 'failed',
      'Invalid phone number': 'failed',
      'Message body is invalid': 'failed',
      'Phone carrier has blocked this message': 'undelivered',
      'Phone carrier is currently unreachable/unavailable': 'undelivered',
      'Phone has blocked SMS': 'undelivered',
      'Phone is blacklisted': 'failed',
      'Phone is on a blocked list': 'failed',
      'Phone is currently unreachable/unavailable': 'undelivered',
      'Phone number is opted out': 'failed',
      'This delivery would exceed max price': 'failed',
      'Unknown error attempting to reach phone': 'unknown',
    });
  });

  it('reads an unlisted failure as unknown, one that says it expired as expired, and a SUCCESS whatever its text', () => {
    expect(readSnsDeliveryLog(event(log('FAILURE', { providerResponse: 'Something new' }))).state).toBe('unknown');
    expect(readSnsDeliveryLog(event(log('FAILURE', { providerResponse: 'Message TTL expired' }))).state).toBe('expired');
    expect(readSnsDeliveryLog(event(log('SUCCESS', { providerResponse: 'Message has been accepted by phone' }), SUCCESS_GROUP)).state).toBe(
      'delivered',
    );
  });

  it('keeps the destination out of the receipt, even when the provider text echoes it', () => {
    const receipt = readSnsDeliveryLog(event(log('FAILURE', { providerResponse: `Invalid destination ${PHONE}` })));
    expect(JSON.stringify(receipt)).not.toContain(PHONE.slice(1));
    expect(receipt.providerCode).toBe('Invalid destination [redacted]');
  });

  it('reads the emulator’s logs the same way (it writes them from the same guide)', () => {
    const message = snsDeliveryLog({ messageId: MESSAGE_ID, to: PHONE, publishedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 6) }, 'undelivered');
    expect(readSnsDeliveryLog(event(message))).toMatchObject({ state: 'undelivered', at: Date.UTC(2026, 0, 2, 3, 4, 5, 6) + 1344 });
  });

  it('leaves `at` out when the timestamp is missing or unreadable, and falls back to dwellTimeMs', () => {
    expect(readSnsDeliveryLog(event(log('FAILURE', {}, { timestamp: 'yesterday' }))).at).toBeUndefined();
    expect(readSnsDeliveryLog(event(log('FAILURE', { dwellTimeMsUntilDeviceAck: undefined })))).toMatchObject({
      at: Date.UTC(2016, 5, 28, 0, 40, 34, 559) + 1420,
    });
  });

  it.each([
    ['not JSON', 'hello', FAILURE_GROUP, 'the log event is not JSON'],
    ['JSON but not an object', '[1,2]', FAILURE_GROUP, 'no notification.messageId'],
    ['no messageId', log('FAILURE', {}, { messageId: undefined }), FAILURE_GROUP, 'no notification.messageId'],
    ['an empty messageId', log('FAILURE', {}, { messageId: '' }), FAILURE_GROUP, 'no notification.messageId'],
    ['another status', log('PENDING'), FAILURE_GROUP, 'status is neither SUCCESS nor FAILURE'],
    [
      'a topic delivery-status log group',
      log('SUCCESS'),
      'sns/us-east-1/111111111111/MyTopic',
      'not an SNS SMS delivery-status log group (sns/<region>/<account>/DirectPublishToPhoneNumber[/Failure])',
    ],
  ])('refuses %s as Malformed, without quoting the event', (_name, message, origin, reason) => {
    let error: unknown;
    try {
      readSnsDeliveryLog(event(message, origin));
    } catch (thrown) {
      error = thrown;
    }
    expect(isReceiptRejectedError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'Malformed', status: 400, message: reason });
    expect(String((error as Error).message)).not.toContain(PHONE.slice(1));
  });
});
