// SNS SMS delivery-status logs, read from a CloudWatch Logs subscription on the log groups SNS
// writes them to: `sns/<region>/<account>/DirectPublishToPhoneNumber` (successes, sampled at
// the account's success sample rate) and `…/DirectPublishToPhoneNumber/Failure`. One log event
// per message, written once its outcome is known, so every event is final.
// Format and failure reasons: "Viewing Amazon CloudWatch Metrics and Logs for SMS Deliveries"
// (docs.aws.amazon.com/sns/latest/dg/sms_stats_cloudwatch.html, sections "Example Log for
// Successful/Failed SMS Delivery" and "SMS Delivery Failure Reasons"; awsdocs/amazon-sns-developer-guide,
// doc_source/sms_stats_cloudwatch.md). AWS invoking the function is the authentication.

import { scrubProviderText } from '@cognito-sms/core/provider';
import { type DeliveryReceipt, type DeliveryState, defineReceipts, malformed } from '@cognito-sms/core/receipts';
import * as z from '@cognito-sms/core/zod';

/**
 * `delivery.providerResponse` of a `FAILURE` → the vocabulary, one row per reason AWS lists.
 * `undelivered`: the carrier or the phone did not take it; `failed`: AWS did not send it (the
 * number, the body, an opt-out, a block list or the price); `unknown`: AWS does not know why.
 * The guide lists "Destination/Phone is blacklisted" in older versions and "… is on a blocked
 * list" in newer ones: both are here.
 *
 * @example `SNS_FAILURE_REASONS['Phone is currently unreachable/unavailable'] // 'undelivered'`
 */
export const SNS_FAILURE_REASONS: Readonly<Record<string, DeliveryState>> = {
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
};

/** The log groups SNS writes SMS delivery status to (`…/Failure` for failures). */
const SMS_LOG_GROUP = /(^|\/)sns\/[^/]+\/[^/]+\/DirectPublishToPhoneNumber(\/Failure)?$/;

/** SNS needs no setting to read its logs: AWS delivering them is the authentication. */
export const snsReceiptsConfig = z.object({});

/**
 * Reads one SNS SMS delivery-status log event (`message` of a CloudWatch Logs subscription event).
 * The destination number in the log is read by nobody and never logged.
 *
 * @throws {ReceiptRejectedError} `Malformed` for another log group, or a message that is not a delivery-status log.
 * @example `readSnsDeliveryLog({ source: 'cloudwatch-logs', origin: 'sns/eu-west-1/123456789012/DirectPublishToPhoneNumber', message, receivedAt: Date.now() })`
 */
export function readSnsDeliveryLog(event: { readonly message: string; readonly origin: string }): DeliveryReceipt {
  if (!SMS_LOG_GROUP.test(event.origin)) {
    throw malformed('not an SNS SMS delivery-status log group (sns/<region>/<account>/DirectPublishToPhoneNumber[/Failure])');
  }
  let log: unknown;
  try {
    log = JSON.parse(event.message);
  } catch {
    throw malformed('the log event is not JSON');
  }
  const { notification, delivery, status } = (isObject(log) ? log : {}) as Record<string, unknown>;
  const messageId = isObject(notification) ? notification.messageId : undefined;
  if (typeof messageId !== 'string' || messageId === '') throw malformed('no notification.messageId');
  if (status !== 'SUCCESS' && status !== 'FAILURE') throw malformed('status is neither SUCCESS nor FAILURE');
  const details = isObject(delivery) ? delivery : {};
  const response = typeof details.providerResponse === 'string' ? details.providerResponse.trim() : '';
  const destination = typeof details.destination === 'string' ? details.destination : '';
  // A reason outside the list: says nothing certain, except an expiry (SNS documents no TTL
  // reason text, but SNS now hands SMS to End User Messaging, whose messages can expire).
  const state: DeliveryState =
    status === 'SUCCESS' ? 'delivered' : (SNS_FAILURE_REASONS[response] ?? (/expired|\bttl\b/i.test(response) ? 'expired' : 'unknown'));
  const code = scrubProviderText(response, { to: destination, body: '' }, 80);
  const at = deliveredAt(notification as Record<string, unknown>, details);
  return {
    provider: 'sns',
    messageId,
    state,
    final: true,
    providerStatus: status,
    ...(code === undefined ? {} : { providerCode: code }),
    ...(at === undefined ? {} : { at }),
  };
}

/**
 * When the carrier (or the phone) answered: the publish time (`notification.timestamp`, UTC
 * without a zone, `2016-06-28 00:40:34.558`) plus the dwell time until that answer.
 */
function deliveredAt(notification: Record<string, unknown>, delivery: Record<string, unknown>): number | undefined {
  const stamp = notification.timestamp;
  if (typeof stamp !== 'string' || !/^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?$/.test(stamp)) return undefined;
  const publishedAt = Date.parse(`${stamp.replace(' ', 'T')}Z`);
  if (Number.isNaN(publishedAt)) return undefined;
  const dwell = [delivery.dwellTimeMsUntilDeviceAck, delivery.dwellTimeMs].find(
    (value): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0,
  );
  return publishedAt + (dwell ?? 0);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * SNS's delivery receipts: its SMS delivery-status logs, through a CloudWatch Logs
 * subscription filter on both log groups whose destination is the receipts function.
 *
 * @example `SMS_PROVIDER=sns (nothing else: turn delivery-status logging on and subscribe the function)`
 */
const snsReceipts = defineReceipts<z.output<typeof snsReceiptsConfig>>({
  id: 'sns',
  config: snsReceiptsConfig,
  create: () => ({
    id: 'sns',
    source: 'cloudwatch-logs',
    readEvent: (event) => [readSnsDeliveryLog(event)],
  }),
});

export default snsReceipts;
