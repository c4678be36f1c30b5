import { type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CognitoSmsSender,
  type CognitoSmsSenderProps,
  isInvalidSenderPropsError,
  RECEIPTS_TABLE_ACTIONS,
  receiptsEnvironment,
} from '../src/index.js';
import { dependencyCycles, fakeBundleDir, testApp } from './support.js';

const ALL_THREE = ['end-user-messaging', 'sns', 'twilio'];
const bundleDir = fakeBundleDir([
  { name: 'twilio', providers: ['twilio'] },
  { name: ALL_THREE.join('+'), providers: ALL_THREE },
  { name: 'vonage', providers: ['vonage'], receipts: false },
]);

const logicalId = (construct: IConstruct) => Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
type Resource = { Type: string; Properties: Record<string, unknown> & { Environment?: { Variables: Record<string, unknown> } } };

function fixture(extra: Partial<CognitoSmsSenderProps> = {}) {
  const stack = new Stack(testApp(), 'Auth');
  const topic = new Topic(stack, 'EumEvents');
  const props: CognitoSmsSenderProps = {
    userPool: new UserPool(stack, 'Pool'),
    providers: ['twilio', 'sns', 'end-user-messaging'],
    secrets: [Secret.fromSecretNameV2(stack, 'TwilioSecret', 'cognito-sms/twilio')],
    environment: {
      TWILIO_AUTH_TOKEN: '{{resolve:secretsmanager:cognito-sms/twilio:SecretString:authToken}}',
      TWILIO_FROM: '+15005550006',
      END_USER_MESSAGING_ORIGINATION_IDENTITY: 'pool-1',
      VONAGE_API_SECRET: 'not chained',
      SMS_LIMIT_PER_NUMBER: '5/h',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    },
    bundleDir,
    receipts: {
      snsDeliveryStatusLogGroups: [
        LogGroup.fromLogGroupName(stack, 'SnsOk', 'sns/eu-west-1/111122223333/DirectPublishToPhoneNumber'),
        LogGroup.fromLogGroupName(stack, 'SnsFailure', 'sns/eu-west-1/111122223333/DirectPublishToPhoneNumber/Failure'),
      ],
      endUserMessagingEvents: topic,
      dashboardCountries: ['GB', 'US'],
    },
    ...extra,
  };
  const sender = new CognitoSmsSender(stack, 'Sms', props);
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  return { stack, topic, sender, template, resources };
}

/** The dashboard body with every token replaced by `<logical id>`, parsed. */
function dashboardBody(resources: Record<string, Resource>): { widgets: { properties: Record<string, unknown> }[] } {
  const dashboard = Object.values(resources).find((r) => r.Type === 'AWS::CloudWatch::Dashboard');
  if (!dashboard) throw new Error('no dashboard');
  const parts = (dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const text = parts.map((part) => (typeof part === 'string' ? part : `<${JSON.stringify(part).replace(/"/g, '')}>`)).join('');
  return JSON.parse(text);
}

describe('Construct: CognitoSmsSender, delivery receipts (on by default)', () => {
  let f: ReturnType<typeof fixture>;
  let fnId: string;
  let receiptsId: string;
  let urlId: string;
  let tableId: string;
  beforeAll(() => {
    f = fixture();
    fnId = logicalId(f.sender.function);
    receiptsId = logicalId(f.sender.receipts?.function as IConstruct);
    urlId = logicalId(f.sender.receipts?.functionUrl as IConstruct);
    tableId = logicalId(f.sender.stateTable as IConstruct);
  });

  it("runs receipts.handler from the sender's bundle, 128 MB, reserved concurrency 10, with only the variables verification needs", () => {
    const receipts = f.resources[receiptsId]?.Properties;
    const sender = f.resources[fnId]?.Properties;
    expect(receipts).toMatchObject({
      Handler: 'receipts.handler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 128,
      Timeout: 10,
      ReservedConcurrentExecutions: 10,
      Code: sender?.Code,
    });
    // No guard limits, no other provider's secret, no key, and not its own URL (a cycle).
    expect(receipts?.Environment?.Variables).toEqual({
      SMS_PROVIDER: 'twilio,sns,end-user-messaging',
      TWILIO_AUTH_TOKEN: '{{resolve:secretsmanager:cognito-sms/twilio:SecretString:authToken}}',
      TWILIO_FROM: '+15005550006',
      END_USER_MESSAGING_ORIGINATION_IDENTITY: 'pool-1',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      // The delivery ledger, on the table the sender records its sends in.
      SMS_IDEMPOTENCY_TABLE: { Ref: tableId },
    });
  });

  it('publishes it on a function URL with auth NONE and gives the sender that URL', () => {
    f.template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': [receiptsId, 'Arn'] } });
    f.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      FunctionName: { 'Fn::GetAtt': [receiptsId, 'Arn'] },
      FunctionUrlAuthType: 'NONE',
      Principal: '*',
    });
    f.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [receiptsId, 'Arn'] },
      InvokedViaFunctionUrl: true,
      Principal: '*',
    });
    expect(f.resources[fnId]?.Properties.Environment?.Variables).toMatchObject({
      SMS_RECEIPTS_URL: { 'Fn::GetAtt': [urlId, 'FunctionUrl'] },
      SMS_IDEMPOTENCY_TABLE: { Ref: tableId },
    });
    expect(dependencyCycles(f.template.toJSON())).toEqual([]);
  });

  it('lets the receipts role write its logs, read the named secret and settle records in the state table, and nothing else', () => {
    const role = logicalId(f.sender.receipts?.function.role as IConstruct);
    const statements = Object.values(f.resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: role }]))
      .flatMap((r) => (r.Properties.PolicyDocument as { Statement: unknown[] }).Statement);
    expect(statements).toEqual([
      {
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [logicalId(f.sender.receipts?.node.findChild('LogGroup') as IConstruct), 'Arn'] },
      },
      {
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Effect: 'Allow',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':secretsmanager:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':secret:cognito-sms/twilio-??????',
            ],
          ],
        },
      },
      { Sid: 'SettleReceipts', Action: 'dynamodb:UpdateItem', Effect: 'Allow', Resource: { 'Fn::GetAtt': [tableId, 'Arn'] } },
    ]);
    expect(RECEIPTS_TABLE_ACTIONS).toEqual(['dynamodb:UpdateItem']);
  });

  it('subscribes the function to the SNS delivery-status log groups and to the End User Messaging topic', () => {
    f.template.resourceCountIs('AWS::Logs::SubscriptionFilter', 2);
    for (const name of ['DirectPublishToPhoneNumber', 'DirectPublishToPhoneNumber/Failure']) {
      f.template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
        LogGroupName: `sns/eu-west-1/111122223333/${name}`,
        DestinationArn: { 'Fn::GetAtt': [receiptsId, 'Arn'] },
        FilterPattern: '',
      });
    }
    f.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [receiptsId, 'Arn'] },
      Principal: 'logs.amazonaws.com',
    });
    f.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: logicalId(f.topic) },
      Endpoint: { 'Fn::GetAtt': [receiptsId, 'Arn'] },
    });
    f.template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'sns.amazonaws.com', SourceArn: { Ref: logicalId(f.topic) } });
  });

  it('alarms when under 80 % of 15 minutes with at least 20 final receipts were delivered, and on over 10 refused receipts in 5 minutes', () => {
    const metric = (name: string, period: number) => ({
      MetricStat: {
        Metric: { Namespace: 'CognitoSms', MetricName: name, Dimensions: [{ Name: 'service', Value: 'cognito-sms' }] },
        Period: period,
        Stat: 'Sum',
      },
      ReturnData: false,
    });
    f.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 0.8,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'notBreaching',
      Metrics: [
        Match.objectLike({ Expression: 'IF((d + u) >= 20, d / (d + u), 1)', ReturnData: true }),
        { Id: 'd', ...metric('SmsDelivered', 900) },
        { Id: 'u', ...metric('SmsUndelivered', 900) },
      ],
    });
    f.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CognitoSms',
      MetricName: 'SmsReceiptRejected',
      Dimensions: [{ Name: 'service', Value: 'cognito-sms' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 10,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('draws the dashboard: sent, delivered share per provider and per country, latency p50/p99, failures, failovers, rate-limited, blocked, refused receipts, demotions', () => {
    const widgets = dashboardBody(f.resources).widgets.map((w) => w.properties);
    expect(widgets.map((w) => w.title)).toEqual([
      'Sent (accepted by the provider)',
      'Delivered share by provider',
      'Delivered share by country',
      'Delivery latency (send → final status)',
      'Failures',
      'Failovers, rate-limited, blocked',
      'Refused receipts by reason',
      'Route demotions by provider',
      'Alarms',
    ]);
    const metrics = (title: string) => JSON.stringify(widgets.find((w) => w.title === title)?.metrics);
    const byProvider = JSON.parse(metrics('Delivered share by provider')) as unknown[][];
    expect(byProvider).toContainEqual([{ label: 'sns', expression: '100 * d1 / (d1 + u1)' }]);
    expect(byProvider).toContainEqual([
      'CognitoSms',
      'SmsUndelivered',
      'provider',
      'end-user-messaging',
      'service',
      'cognito-sms',
      { id: 'u2', visible: false, stat: 'Sum' },
    ]);
    expect(metrics('Delivered share by country')).toContain('"SmsDelivered","country","GB"');
    expect(metrics('Delivered share by country')).toContain('{"label":"US","expression":"100 * d1 / (d1 + u1)"}');
    expect(metrics('Delivery latency (send → final status)')).toMatch(/SmsDeliveryLatency.*"stat":"p50".*SmsDeliveryLatency.*"stat":"p99"/);
    expect(metrics('Failures')).toContain(`"FunctionName","<{Ref:${fnId}}>"`);
    expect(metrics('Failures')).toContain(`"FunctionName","<{Ref:${receiptsId}}>"`);
    for (const [title, names] of [
      ['Sent (accepted by the provider)', ['SmsSent']],
      ['Failures', ['SmsFailed', 'SmsUndelivered']],
      ['Failovers, rate-limited, blocked', ['SmsFailedOver', 'SmsRateLimited', 'SmsBlocked']],
      ['Refused receipts by reason', ['SmsReceiptRejected']],
      ['Route demotions by provider', ['SmsRouteDemoted']],
    ] as const) {
      for (const name of names) expect(metrics(title), `${title}: ${name}`).toContain(name);
    }
    expect(metrics('Refused receipts by reason')).toContain('SEARCH(\'{CognitoSms,reason,service} MetricName=\\"SmsReceiptRejected\\"');
    expect(JSON.stringify(widgets.at(-1)?.alarms)).toContain(logicalId(f.sender.receipts?.deliveredShareAlarm as IConstruct));
  });
});

describe('Construct: CognitoSmsSender, delivery receipts options', () => {
  it('leaves the function, URL, subscriptions, dashboard and receipt alarms out with receipts: false, and frees SMS_RECEIPTS_URL', () => {
    const { template, sender, resources } = fixture({ receipts: false, environment: { SMS_RECEIPTS_URL: 'https://receipts.example.com' } });
    for (const type of ['AWS::Lambda::Url', 'AWS::CloudWatch::Dashboard', 'AWS::Logs::SubscriptionFilter', 'AWS::SNS::Subscription']) {
      template.resourceCountIs(type, 0);
    }
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    expect(sender.receipts).toBeUndefined();
    expect(sender.dashboard).toBeUndefined();
    expect(resources[logicalId(sender.function)]?.Properties.Environment?.Variables).toEqual(
      expect.objectContaining({ SMS_RECEIPTS_URL: 'https://receipts.example.com' }),
    );
    expect(JSON.stringify(template.toJSON())).not.toContain('SmsReceiptRejected');
  });

  it('applies memory, timeout, concurrency, public URL, thresholds, namespace and dashboard name you pass', () => {
    const { resources, sender, template } = fixture({
      providers: ['twilio'],
      environment: { TWILIO_AUTH_TOKEN: 't', POWERTOOLS_METRICS_NAMESPACE: 'Auth', POWERTOOLS_SERVICE_NAME: 'sms' },
      receipts: {
        memorySize: 256,
        timeout: Duration.seconds(5),
        reservedConcurrency: false,
        publicUrl: 'https://receipts.example.com',
        deliveredShareAlarmThreshold: 0.95,
        deliveredShareMinReceipts: 50,
        rejectedAlarmThreshold: 3,
        dashboardName: 'sms-delivery',
      },
    });
    const receipts = resources[logicalId(sender.receipts?.function as IConstruct)]?.Properties;
    expect(receipts).toMatchObject({ MemorySize: 256, Timeout: 5 });
    expect(receipts).not.toHaveProperty('ReservedConcurrentExecutions');
    // Behind a custom domain, providers sign that URL: both functions must know it.
    expect(receipts?.Environment?.Variables.SMS_RECEIPTS_URL).toBe('https://receipts.example.com');
    expect(resources[logicalId(sender.function)]?.Properties.Environment?.Variables.SMS_RECEIPTS_URL).toBe('https://receipts.example.com');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 0.95,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF((d + u) >= 50, d / (d + u), 1)' }),
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ Namespace: 'Auth', Dimensions: [{ Name: 'service', Value: 'sms' }] }),
          }),
        }),
      ]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'SmsReceiptRejected', Namespace: 'Auth', Threshold: 3 });
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'sms-delivery' });
    expect(JSON.stringify(dashboardBody(resources))).toContain(
      'SEARCH(\'{Auth,country,service} MetricName=\\"SmsUndelivered\\" service=\\"sms\\"\'',
    );
  });

  it('gives the receipts function no table and no table permission with stateTable: false', () => {
    const { resources, sender } = fixture({ stateTable: false });
    const receipts = resources[logicalId(sender.receipts?.function as IConstruct)]?.Properties;
    expect(receipts?.Environment?.Variables).not.toHaveProperty('SMS_IDEMPOTENCY_TABLE');
    expect(JSON.stringify(resources)).not.toContain('SettleReceipts');
  });

  it.each([
    [{ environment: { SMS_RECEIPTS_URL: 'https://x' } }, /environment: SMS_RECEIPTS_URL is set by the construct itself/],
    [{ receipts: { deliveredShareAlarmThreshold: 80 } }, /receipts.deliveredShareAlarmThreshold: must be a share above 0 and at most 1/],
    [
      { providers: ['vonage'], receipts: {} },
      /receipts: the bundle .*vonage.zip has no receipts.mjs.*npm run bundle -- --providers vonage, or set receipts: false/,
    ],
  ] as [Partial<CognitoSmsSenderProps>, RegExp][])('throws InvalidSenderPropsError for %j', (props, message) => {
    let error: unknown;
    try {
      const stack = new Stack(testApp(), 'S');
      new CognitoSmsSender(stack, 'Sms', {
        userPool: UserPool.fromUserPoolId(stack, 'P', 'eu-west-1_A1'),
        providers: ['twilio'],
        bundleDir,
        ...props,
      });
    } catch (caught) {
      error = caught;
    }
    expect(isInvalidSenderPropsError(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses status sources whose adapter is not chained', () => {
    const stack = new Stack(testApp(), 'S');
    const build = (receipts: CognitoSmsSenderProps['receipts'], id: string) =>
      new CognitoSmsSender(stack, id, {
        userPool: UserPool.fromUserPoolId(stack, `P${id}`, 'eu-west-1_A1'),
        providers: ['twilio'],
        bundleDir,
        receipts,
      });
    expect(() => build({ snsDeliveryStatusLogGroups: [LogGroup.fromLogGroupName(stack, 'L', 'sns/x')] }, 'A')).toThrow(
      /snsDeliveryStatusLogGroups: are read by the sns adapter: add "sns" to providers/,
    );
    expect(() => build({ endUserMessagingEvents: new Topic(stack, 'T') }, 'B')).toThrow(
      /endUserMessagingEvents: is read by the end-user-messaging adapter/,
    );
  });
});

describe('Function: receiptsEnvironment', () => {
  it("keeps the chains, Powertools' settings and the chained and routed providers' variables", () => {
    expect(
      receiptsEnvironment({
        SMS_PROVIDER: 'twilio',
        SMS_ROUTES: 'GB,IE=vonage,twilio;+1=end-user-messaging',
        SMS_SECRETS_MAX_AGE_S: '60',
        TWILIO_AUTH_TOKEN: 't',
        VONAGE_SIGNATURE_SECRET: 'v',
        END_USER_MESSAGING_CONFIGURATION_SET: 'c',
        PLIVO_AUTH_TOKEN: 'not routed',
        SMS_LIMIT_PER_NUMBER: '5/h',
        POWERTOOLS_SERVICE_NAME: 'sms',
      }),
    ).toEqual({
      SMS_PROVIDER: 'twilio',
      SMS_ROUTES: 'GB,IE=vonage,twilio;+1=end-user-messaging',
      SMS_SECRETS_MAX_AGE_S: '60',
      TWILIO_AUTH_TOKEN: 't',
      VONAGE_SIGNATURE_SECRET: 'v',
      END_USER_MESSAGING_CONFIGURATION_SET: 'c',
      POWERTOOLS_SERVICE_NAME: 'sms',
    });
  });

  it('keeps every variable when a chain names a package, whose variables it cannot know', () => {
    const environment = { SMS_PROVIDER: '@acme/sms-provider-foo', FOO_TOKEN: 'f', SMS_LIMIT_PER_NUMBER: '5/h' };
    expect(receiptsEnvironment(environment)).toEqual(environment);
  });
});
