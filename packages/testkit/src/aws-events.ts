// The Lambda events AWS delivers status events in, built the way AWS builds them:
//  - a CloudWatch Logs subscription: `{ awslogs: { data } }`, data = base64(gzip(JSON of
//    `{ messageType: 'DATA_MESSAGE', owner, logGroup, logStream, subscriptionFilters, logEvents }`))
//    (docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html, "Example: Lambda");
//  - an SNS notification: `{ Records: [{ EventSource: 'aws:sns', EventVersion, EventSubscriptionArn,
//    Sns: { Type: 'Notification', MessageId, TopicArn, Message, Timestamp, … } }] }`
//    (docs.aws.amazon.com/lambda/latest/dg/with-sns.html, "Example SNS message event").
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** A CloudWatch Logs subscription event as Lambda receives it. */
export interface CloudWatchLogsEvent {
  readonly awslogs: { readonly data: string };
}

/** An SNS notification event as Lambda receives it. */
export interface SnsNotificationEvent {
  readonly Records: readonly {
    readonly EventSource: 'aws:sns';
    readonly EventVersion: '1.0';
    readonly EventSubscriptionArn: string;
    readonly Sns: {
      readonly Type: 'Notification';
      readonly MessageId: string;
      readonly TopicArn: string;
      readonly Subject: null;
      readonly Message: string;
      readonly Timestamp: string;
      readonly SignatureVersion: '1';
      readonly Signature: string;
      readonly SigningCertUrl: string;
      readonly UnsubscribeUrl: string;
      readonly MessageAttributes: Record<string, never>;
    };
  }[];
}

/** The account id of an ARN or a `sns/<region>/<account>/…` log group, else a fixed fake one. */
function accountOf(name: string): string {
  return /(?:^|[:/])(\d{12})(?:[:/]|$)/.exec(name)?.[1] ?? '123456789012';
}

/**
 * A CloudWatch Logs subscription event carrying `messages` as log events of `logGroup`,
 * gzipped and base64-encoded as CloudWatch Logs does.
 *
 * @example `await handler(cloudWatchLogsEvent('sns/us-east-1/123456789012/DirectPublishToPhoneNumber', [JSON.stringify(log)]))`
 */
export function cloudWatchLogsEvent(
  logGroup: string,
  messages: readonly string[],
  options: { readonly logStream?: string; readonly timestamp?: number } = {},
): CloudWatchLogsEvent {
  const timestamp = options.timestamp ?? Date.now();
  const payload = {
    messageType: 'DATA_MESSAGE',
    owner: accountOf(logGroup),
    logGroup,
    logStream: options.logStream ?? randomUUID(),
    subscriptionFilters: ['cognito-sms-receipts'],
    logEvents: messages.map((message, index) => ({
      // CloudWatch Logs ids are 56-digit decimal strings.
      id: `${timestamp}${String(index).padStart(4, '0')}`.padEnd(56, '0'),
      timestamp,
      message,
    })),
  };
  return { awslogs: { data: gzipSync(JSON.stringify(payload)).toString('base64') } };
}

/**
 * An SNS notification event with one record per message, as a Lambda subscription of
 * `topicArn` receives it (SNS sends one record per invocation; several are allowed here).
 *
 * @example `await handler(snsEvent('arn:aws:sns:us-east-1:123456789012:sms-events', [JSON.stringify(event)]))`
 */
export function snsEvent(topicArn: string, messages: readonly string[]): SnsNotificationEvent {
  const region = topicArn.split(':')[3] || 'us-east-1';
  return {
    Records: messages.map((Message) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
      Sns: {
        Type: 'Notification',
        MessageId: randomUUID(),
        TopicArn: topicArn,
        Subject: null,
        Message,
        Timestamp: new Date().toISOString(),
        SignatureVersion: '1',
        Signature: 'EXAMPLE',
        SigningCertUrl: `https://sns.${region}.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem`,
        UnsubscribeUrl: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}`,
        MessageAttributes: {},
      },
    })),
  };
}
