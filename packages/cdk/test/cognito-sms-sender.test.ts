import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { FeaturePlan, Mfa, UserPool } from 'aws-cdk-lib/aws-cognito';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ATTACH_TRIGGER_JQ_FILTER,
  CognitoSmsSender,
  type CognitoSmsSenderProps,
  isBundleNotFoundError,
  isInvalidSenderPropsError,
} from '../src/index.js';
import { dependencyCycles, fakeBundleDir, testApp } from './support.js';

const bundleDir = fakeBundleDir([
  { name: 'twilio', providers: ['twilio'] },
  { name: 'sns+twilio', providers: ['sns', 'twilio'] },
  { name: 'vonage', providers: ['vonage'], architecture: 'x86_64' },
  { name: 'all', providers: ['console', 'end-user-messaging', 'messagebird', 'sns', 'twilio', 'vonage'] },
]);

const logicalId = (construct: IConstruct) => Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
const accountId = { Ref: 'AWS::AccountId' };
const partition = { Ref: 'AWS::Partition' };
const region = { Ref: 'AWS::Region' };

/** Every statement of every identity policy (AWS::IAM::Policy) in the template, or of those attached to one role. */
function identityStatements(template: Template, roleId?: string): unknown[] {
  type Policy = { Properties: { PolicyDocument: { Statement: unknown[] }; Roles: { Ref: string }[] } };
  return (Object.values(template.findResources('AWS::IAM::Policy')) as Policy[])
    .filter((policy) => roleId === undefined || policy.Properties.Roles.some((role) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

function sameStackFixture(extra: Partial<CognitoSmsSenderProps> = {}) {
  const stack = new Stack(testApp(), 'Auth');
  const preSignUp = new lambda.Function(stack, 'PreSignUp', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler=async e=>e'),
  });
  const pool = new UserPool(stack, 'Pool', { lambdaTriggers: { preSignUp } });
  const secret = Secret.fromSecretNameV2(stack, 'TwilioSecret', 'cognito-sms/twilio');
  const unrelated = new Secret(stack, 'UnrelatedSecret');
  const sender = new CognitoSmsSender(stack, 'Sms', {
    userPool: pool,
    providers: ['twilio'],
    secrets: [secret],
    environment: { TWILIO_FROM: '+15005550006' },
    bundleDir,
    ...extra,
  });
  return { stack, pool, preSignUp, secret, unrelated, sender, template: Template.fromStack(stack) };
}
// The tests only read a fixture's constructs and template: the default one is synthesised once.
let defaultFixture: ReturnType<typeof sameStackFixture> | undefined;
const defaultSameStackFixture = () => (defaultFixture ??= sameStackFixture());

describe('Construct: CognitoSmsSender, user pool in the same stack', () => {
  let f: ReturnType<typeof sameStackFixture>;
  let ids: {
    key: string;
    fn: string;
    pool: string;
    role: string;
    queue: string;
    logGroup: string;
    preSignUp: string;
    table: string;
    hashKey: string;
    receiptsUrl: string;
  };
  beforeAll(() => {
    f = defaultSameStackFixture();
    ids = {
      key: logicalId(f.sender.key),
      fn: logicalId(f.sender.function),
      pool: logicalId(f.pool),
      role: logicalId(f.sender.function.role as IConstruct),
      queue: logicalId(f.sender.failedInvocations),
      logGroup: logicalId(f.sender.node.findChild('LogGroup')),
      preSignUp: logicalId(f.preSignUp),
      table: logicalId(f.sender.stateTable as IConstruct),
      hashKey: logicalId(f.sender.guardHashKey as IConstruct),
      receiptsUrl: logicalId(f.sender.receipts?.functionUrl as IConstruct),
    };
  });

  it('creates exactly these resources', () => {
    const counts = {
      'AWS::KMS::Key': 1,
      'AWS::Lambda::Function': 3, // the sender, the receipts function and the pool's PreSignUp trigger
      'AWS::Lambda::Permission': 4, // Cognito's, the function URL's two and the PreSignUp trigger's
      'AWS::Lambda::Url': 1,
      'AWS::Lambda::EventInvokeConfig': 1,
      'AWS::IAM::Role': 3,
      'AWS::IAM::Policy': 4,
      'AWS::SQS::Queue': 1,
      'AWS::SQS::QueuePolicy': 1,
      // errors, failure queue, rate-limited, guard store errors, delivered share, refused receipts
      'AWS::CloudWatch::Alarm': 6,
      'AWS::CloudWatch::Dashboard': 1,
      'AWS::Logs::LogGroup': 2,
      'AWS::Cognito::UserPool': 1,
      'AWS::SecretsManager::Secret': 2, // the fixture's unrelated one and the guard's hash key
      'AWS::DynamoDB::Table': 1,
    };
    for (const [type, count] of Object.entries(counts)) f.template.resourceCountIs(type, count);
    const types = new Set(Object.values(f.template.toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type));
    expect([...types].sort()).toEqual(Object.keys(counts).sort());
  });

  it("creates a symmetric key with rotation, retained on delete, whose policy lets Cognito encrypt for this account's pools only", () => {
    f.template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: [
            {
              Action: 'kms:*',
              Effect: 'Allow',
              Principal: { AWS: { 'Fn::Join': ['', ['arn:', partition, ':iam::', accountId, ':root']] } },
              Resource: '*',
            },
            {
              Sid: 'AllowCognitoToEncryptCodesForTheUserPool',
              Effect: 'Allow',
              Principal: { Service: 'cognito-idp.amazonaws.com' },
              Action: ['kms:CreateGrant', 'kms:Encrypt'],
              Resource: '*',
              Condition: {
                StringEquals: { 'aws:SourceAccount': accountId },
                // The pool names the key, so the key cannot name the pool (see the construct).
                ArnLike: {
                  'aws:SourceArn': { 'Fn::Join': ['', ['arn:', partition, ':cognito-idp:', region, ':', accountId, ':userpool/*']] },
                },
              },
            },
          ],
        },
      },
    });
    const key = f.template.toJSON().Resources[ids.key].Properties;
    expect(key.KeySpec ?? 'SYMMETRIC_DEFAULT').toBe('SYMMETRIC_DEFAULT');
    expect(key.KeyUsage ?? 'ENCRYPT_DECRYPT').toBe('ENCRYPT_DECRYPT');
  });

  it('creates the function: nodejs22.x, arm64, the bundle zip, and the key, providers and user variables', () => {
    f.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 10,
      Code: { S3Bucket: Match.anyValue(), S3Key: Match.stringLikeRegexp('\\.zip$') },
      Role: { 'Fn::GetAtt': [ids.role, 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: ids.logGroup } },
      Environment: {
        Variables: Match.exact({
          KMS_KEY_ARN: { 'Fn::GetAtt': [ids.key, 'Arn'] },
          SMS_PROVIDER: 'twilio',
          TWILIO_FROM: '+15005550006',
          SMS_IDEMPOTENCY_TABLE: { Ref: ids.table },
          SMS_GUARD_TABLE: { Ref: ids.table },
          SMS_GUARD_HASH_KEY: { Ref: ids.hashKey },
          SMS_RECEIPTS_URL: { 'Fn::GetAtt': [ids.receiptsUrl, 'FunctionUrl'] },
        }),
      },
    });
  });

  it('gives the function role no managed policy and exactly these permissions: its logs, the failure queue, the named secret and the guard hash key, the state table, and decrypt on the key for this pool', () => {
    f.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
      },
      ManagedPolicyArns: Match.absent(),
      Description: 'cognito-sms CustomSMSSender function',
    });
    const secretArn = {
      'Fn::Join': ['', ['arn:', partition, ':secretsmanager:', region, ':', accountId, ':secret:cognito-sms/twilio-??????']],
    };
    expect(identityStatements(f.template, ids.role)).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [ids.logGroup, 'Arn'] } },
      { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: secretArn },
      { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { Ref: ids.hashKey } },
      {
        Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
      },
      {
        Sid: 'StateTableRecords',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchGetItem'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [ids.table, 'Arn'] },
      },
      {
        Sid: 'DecryptCodesOfTheUserPool',
        Action: 'kms:Decrypt',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [ids.key, 'Arn'] },
        Condition: { StringEquals: { 'kms:EncryptionContext:userpool-id': { Ref: ids.pool } } },
      },
    ]);
    const text = JSON.stringify(identityStatements(f.template));
    expect(text).not.toContain(logicalId(f.unrelated));
    for (const policy of Object.values(f.template.findResources('AWS::IAM::Policy'))) {
      expect([[{ Ref: ids.role }], [{ Ref: logicalId(f.sender.receipts?.function.role as IConstruct) }]]).toContainEqual(
        (policy as { Properties: { Roles: unknown[] } }).Properties.Roles,
      );
    }
  });

  it('lets only Cognito, on behalf of this pool in this account, invoke the function', () => {
    f.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [ids.fn, 'Arn'] },
      Principal: 'cognito-idp.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ids.pool, 'Arn'] },
      SourceAccount: accountId,
    });
    expect(f.sender.triggerAttached).toBe(true);
    expect(f.sender.attachTriggerCommand).toBeUndefined();
  });

  it("attaches the trigger and the key to the pool and keeps the pool's other triggers", () => {
    f.template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: Match.exact({
        PreSignUp: { 'Fn::GetAtt': [ids.preSignUp, 'Arn'] },
        CustomSMSSender: { LambdaArn: { 'Fn::GetAtt': [ids.fn, 'Arn'] }, LambdaVersion: 'V1_0' },
        KMSKeyID: { 'Fn::GetAtt': [ids.key, 'Arn'] },
      }),
    });
  });

  it('sends invocations that fail after 2 retries or wait over an hour to an SSE-encrypted, TLS-only queue', () => {
    f.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids.fn },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [ids.queue, 'Arn'] } } },
    });
    f.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    f.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: ids.queue }],
      PolicyDocument: {
        Statement: [
          {
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Resource: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
          },
        ],
      },
    });
    f.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('alarms on any function error and on any message in the failure queue', () => {
    const common = {
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      Period: 300,
    };
    f.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...common,
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.fn } }],
    });
    f.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...common,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.queue, 'QueueName'] } }],
    });
  });

  it('has no dependency cycle (the pool names the function and key; nothing of ours names the pool back but the permission and the decrypt policy)', () => {
    expect(dependencyCycles(f.template.toJSON())).toEqual([]);
    // The function itself must not wait for the pool.
    const fn = f.template.toJSON().Resources[ids.fn];
    expect(JSON.stringify(fn)).not.toContain(ids.pool);
  });
});

describe('Construct: CognitoSmsSender, user pool imported by id', () => {
  const poolId = 'eu-west-1_AbC123';
  const synth = () => {
    const stack = new Stack(testApp(), 'Sms', { env: { account: '111122223333', region: 'eu-west-1' } });
    const pool = UserPool.fromUserPoolId(stack, 'Pool', poolId);
    const sender = new CognitoSmsSender(stack, 'Sms', { userPool: pool, providers: ['twilio', 'sns'], bundleDir });
    return { stack, sender, template: Template.fromStack(stack) };
  };
  // Read only by the tests: synthesised once.
  let synthesised: ReturnType<typeof synth> | undefined;
  const fixture = () => (synthesised ??= synth());
  const poolArn = `arn:aws:cognito-idp:eu-west-1:111122223333:userpool/${poolId}`;

  it('scopes the key policy to exactly this pool and account', () => {
    const { template } = fixture();
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cognito-idp.amazonaws.com' },
            Action: ['kms:CreateGrant', 'kms:Encrypt'],
            Condition: {
              StringEquals: { 'aws:SourceAccount': '111122223333' },
              ArnLike: {
                'aws:SourceArn': { 'Fn::Join': ['', ['arn:', partition, `:cognito-idp:eu-west-1:111122223333:userpool/${poolId}`]] },
              },
            },
          }),
        ]),
      },
    });
  });

  it('allows only this pool in the handler, the permission and the decrypt condition', () => {
    const { template, sender } = fixture();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          SMS_PROVIDER: 'twilio,sns',
          COGNITO_USER_POOL_IDS: poolId,
          KMS_KEY_ARN: { 'Fn::GetAtt': [logicalId(sender.key), 'Arn'] },
        },
      },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'cognito-idp.amazonaws.com',
      SourceAccount: '111122223333',
      SourceArn: { 'Fn::Join': ['', ['arn:', partition, `:cognito-idp:eu-west-1:111122223333:userpool/${poolId}`]] },
    });
    expect(identityStatements(template)).toContainEqual(
      expect.objectContaining({ Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:EncryptionContext:userpool-id': poolId } } }),
    );
    expect(poolArn).toContain(poolId);
  });

  it('uses the bundle of both providers and attaches nothing to the pool, printing the command that does', () => {
    const { template, sender } = fixture();
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    expect(sender.triggerAttached).toBe(false);
    const outputs = template.findOutputs('*', { Description: Match.stringLikeRegexp('Attaches the CustomSMSSender trigger') });
    const [output] = Object.values(outputs) as { Value: { 'Fn::Join': [string, unknown[]] } }[];
    const parts = output?.Value['Fn::Join'][1] ?? [];
    const text = parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
    expect(text).toContain(`aws cognito-idp describe-user-pool --user-pool-id ${poolId} --query UserPool --output json | jq --arg fn `);
    expect(text).toContain(ATTACH_TRIGGER_JQ_FILTER);
    expect(text).toContain('aws cognito-idp update-user-pool --cli-input-json file://update-user-pool.json');
    expect(text).toContain(logicalId(sender.function));
    expect(text).toContain(logicalId(sender.key));
    expect(dependencyCycles(template.toJSON())).toEqual([]);
  });
});

describe('Construct: CognitoSmsSender, the key', () => {
  it('adds the Cognito statement to a key of the stack that you pass, and creates none', () => {
    const stack = new Stack(testApp(), 'S');
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    const pool = new UserPool(stack, 'Pool', { customSenderKmsKey: key });
    const sender = new CognitoSmsSender(stack, 'Sms', { userPool: pool, providers: ['twilio'], kmsKey: key, bundleDir });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCognitoToEncryptCodesForTheUserPool' })]) },
    });
    expect(sender.key).toBe(key);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: { KMSKeyID: { 'Fn::GetAtt': [logicalId(key), 'Arn'] }, CustomSMSSender: Match.anyValue() },
    });
  });

  it('refuses a pool whose customSenderKmsKey is another key', () => {
    const stack = new Stack(testApp(), 'S');
    const pool = new UserPool(stack, 'Pool', { customSenderKmsKey: new kms.Key(stack, 'PoolKey') });
    const act = () => new CognitoSmsSender(stack, 'Sms', { userPool: pool, providers: ['twilio'], bundleDir });
    expect(act).toThrow(/kmsKey: the user pool already has a different customSenderKmsKey/);
  });

  it('warns with the statement to add when the key is imported, and still uses it', () => {
    const stack = new Stack(testApp(), 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
    const keyArn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const pool = UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_AbC123');
    new CognitoSmsSender(stack, 'Sms', {
      userPool: pool,
      providers: ['twilio'],
      kmsKey: kms.Key.fromKeyArn(stack, 'Key', keyArn),
      bundleDir,
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { KMS_KEY_ARN: keyArn } } });
    expect(identityStatements(template)).toContainEqual(expect.objectContaining({ Action: 'kms:Decrypt', Resource: keyArn }));
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('kmsKey is imported'));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0]?.entry.data)).toContain('cognito-idp.amazonaws.com');
  });
});

describe('Construct: CognitoSmsSender, code and props', () => {
  const build = (props: Partial<CognitoSmsSenderProps>, stack = new Stack(testApp(), 'S')) =>
    new CognitoSmsSender(stack, 'Sms', {
      userPool: UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_AbC123'),
      providers: ['twilio'],
      bundleDir,
      ...props,
    });

  it('throws BundleNotFoundError naming the command when the bundle was not built', () => {
    let error: unknown;
    try {
      build({ providers: ['twilio', 'messagebird'] });
    } catch (caught) {
      error = caught;
    }
    expect(isBundleNotFoundError(error)).toBe(true);
    expect((error as Error).message).toContain('npm run bundle -- --providers messagebird,twilio');
  });

  it('uses the "all" bundle when the providers are exactly all of them', () => {
    const stack = new Stack(testApp(), 'S');
    expect(() => build({ providers: ['vonage', 'twilio', 'sns', 'messagebird', 'end-user-messaging', 'console'] }, stack)).not.toThrow();
  });

  it("takes the architecture from the bundle's manifest unless given", () => {
    const stack = new Stack(testApp(), 'S');
    build({ providers: ['vonage'] }, stack);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Architectures: ['x86_64'] });
    const other = new Stack(testApp(), 'S');
    build({ providers: ['vonage'], architecture: lambda.Architecture.ARM_64 }, other);
    Template.fromStack(other).hasResourceProperties('AWS::Lambda::Function', { Architectures: ['arm64'] });
  });

  it('takes code you pass and then needs no bundle', () => {
    const stack = new Stack(testApp(), 'S');
    build({ providers: ['acme'], code: lambda.Code.fromInline('export const handler = async () => {}'), bundleDir: '/nonexistent' }, stack);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Code: { ZipFile: Match.anyValue() } });
  });

  it('applies timeouts, retries, event age, memory, log retention and alarm actions you pass', () => {
    const stack = new Stack(testApp(), 'S');
    const topic = new Topic(stack, 'Ops');
    build(
      {
        timeout: Duration.seconds(20),
        retryAttempts: 0,
        maxEventAge: Duration.minutes(5),
        memorySize: 512,
        logRetention: RetentionDays.ONE_WEEK,
        alarmActions: [new SnsAction(topic)],
      },
      stack,
    );
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 20, MemorySize: 512 });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 300 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    expect(
      Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
        (a) => (a as { Properties: { AlarmActions: unknown } }).Properties.AlarmActions,
      ),
    ).toEqual(Array(6).fill([{ Ref: logicalId(topic) }]));
  });

  it('creates the state table for duplicate suppression and the fraud guard: on demand, TTL on expiration, encrypted, partition key id', () => {
    const f = defaultSameStackFixture();
    f.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
        SSESpecification: { SSEEnabled: true },
      },
    });
    f.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true },
    });
  });

  it("alarms on SmsRateLimited above 20 in 5 minutes and on any SmsGuardStoreError, in the handler's namespace and service", () => {
    const f = defaultSameStackFixture();
    f.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CognitoSms',
      MetricName: 'SmsRateLimited',
      Dimensions: [{ Name: 'service', Value: 'cognito-sms' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 20,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    f.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'SmsGuardStoreError', Threshold: 1 });
  });

  it('leaves the table, suppression and the shared guard out with stateTable: false, and turns the guard off with guard: false', () => {
    const noTable = Template.fromStack(sameStackFixture({ stateTable: false }).stack);
    noTable.resourceCountIs('AWS::DynamoDB::Table', 0);
    noTable.resourceCountIs('AWS::SecretsManager::Secret', 1);
    const variables = JSON.stringify(noTable.findResources('AWS::Lambda::Function'));
    expect(variables).not.toContain('SMS_IDEMPOTENCY_TABLE');
    expect(variables).not.toContain('SMS_GUARD_TABLE');
    const guardOff = Template.fromStack(sameStackFixture({ guard: false }).stack);
    guardOff.resourceCountIs('AWS::DynamoDB::Table', 1);
    guardOff.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SMS_GUARD: 'off', SMS_IDEMPOTENCY_TABLE: Match.anyValue() }) },
    });
    expect(JSON.stringify(guardOff.findResources('AWS::CloudWatch::Alarm'))).not.toContain('SmsRateLimited');
  });

  it('refuses the state variables in environment while it manages them', () => {
    expect(() => sameStackFixture({ environment: { SMS_GUARD_TABLE: 'mine' } })).toThrow(/SMS_GUARD_TABLE is set by the construct itself/);
  });

  it.each([
    [{ providers: [] }, /providers: must name at least one provider/],
    [{ providers: ['twilio,sns'] }, /providers: must name at least one provider id, each without commas/],
    [{ environment: { KMS_KEY_ARN: 'x', SMS_PROVIDER: 'y' } }, /environment: KMS_KEY_ARN, SMS_PROVIDER are set by the construct itself/],
  ] as [Partial<CognitoSmsSenderProps>, RegExp][])('throws InvalidSenderPropsError for %j', (props, message) => {
    let error: unknown;
    try {
      build(props);
    } catch (caught) {
      error = caught;
    }
    expect(isInvalidSenderPropsError(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses a pool that already has a CustomSMSSender trigger', () => {
    const stack = new Stack(testApp(), 'S');
    const key = new kms.Key(stack, 'Key');
    const other = new lambda.Function(stack, 'Other', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('x'),
    });
    const pool = new UserPool(stack, 'Pool', { customSenderKmsKey: key, lambdaTriggers: { customSmsSender: other } });
    expect(() => new CognitoSmsSender(stack, 'Sms', { userPool: pool, providers: ['twilio'], kmsKey: key, bundleDir })).toThrow(
      /already has a CustomSMSSender trigger/,
    );
  });

  it('refuses a pool of another stack, saying what to do instead', () => {
    const app = testApp();
    const pool = new UserPool(new Stack(app, 'Users'), 'Pool');
    expect(() => new CognitoSmsSender(new Stack(app, 'Sms'), 'Sms', { userPool: pool, providers: ['twilio'], bundleDir })).toThrow(
      /is defined in stack Users: create CognitoSmsSender in that stack.*UserPool.fromUserPoolId/,
    );
  });
});

describe('Construct: CognitoSmsSender, CloudFormation validation', () => {
  it("synthesises templates that pass aws-cdk-lib's built-in CloudFormation validation (schemas and rules)", () => {
    // Prepare: both shapes in one app, validated once.
    const app = testApp({ cloudFormationValidation: true });
    const same = new Stack(app, 'SameStack');
    new CognitoSmsSender(same, 'Sms', { userPool: new UserPool(same, 'Pool'), providers: ['twilio'], bundleDir });
    const imported = new Stack(app, 'Imported');
    new CognitoSmsSender(imported, 'Sms', {
      userPool: UserPool.fromUserPoolId(imported, 'Pool', 'eu-west-1_AbC123'),
      providers: ['twilio'],
      bundleDir,
    });
    // Act
    const assembly = app.synth();
    // Assess
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: { ruleName: string; description: string; severity: string }[] }[];
    };
    const findings = report.pluginReports.flatMap((r) =>
      r.violations.map((v) => `${r.pluginName} ${v.severity} ${v.ruleName}: ${v.description}`),
    );
    expect(findings).toEqual([]);
  });
});

describe('Construct: CognitoSmsSender, cdk-nag AwsSolutions', () => {
  /** Synthesises with the AwsSolutions pack; synth throws "ValidationFailed" listing any finding. */
  const synthWithNag = (build: (stack: Stack) => void) => {
    const app = testApp();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const stack = new Stack(app, 'Nagged');
    build(stack);
    app.synth();
    return stack;
  };

  it('passes for a same-stack pool, with a written reason on each acknowledged finding', () => {
    let sender: CognitoSmsSender | undefined;
    // A pool that passes the pack's pool rules itself, so only the construct is judged.
    const stack = synthWithNag((s) => {
      const pool = new UserPool(s, 'Pool', {
        passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
        // TOTP only: SMS MFA would add the pool's own SNS role, which is not the construct's.
        mfa: Mfa.REQUIRED,
        mfaSecondFactor: { sms: false, otp: true },
        featurePlan: FeaturePlan.PLUS,
      });
      sender = new CognitoSmsSender(s, 'Sms', {
        userPool: pool,
        providers: ['twilio'],
        secrets: [Secret.fromSecretNameV2(s, 'T', 'cognito-sms/twilio')],
        bundleDir,
      });
    });
    expect(stack.stackName).toBe('Nagged');
    // Each acknowledgment is recorded as construct metadata { '<pack>::<rule>': reason }.
    const rules = [sender?.function, sender?.failedInvocations].flatMap((c) =>
      (c?.node.metadata ?? [])
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ id, reason }))),
    );
    expect(rules.map((r) => r.id.replace(/^.*::/, '')).sort()).toEqual(['AwsSolutions-L1', 'AwsSolutions-SQS3']);
    for (const rule of rules) expect(rule.reason.length).toBeGreaterThan(40);
  });

  it('passes for an imported pool', () => {
    expect(() =>
      synthWithNag((s) => {
        new CognitoSmsSender(s, 'Sms', {
          userPool: UserPool.fromUserPoolId(s, 'Pool', 'eu-west-1_AbC123'),
          providers: ['sns'],
          code: lambda.Code.fromInline('x'),
        });
      }),
    ).not.toThrow();
  });

  it('reports a finding the construct did not acknowledge (the check is live)', () => {
    expect(() => synthWithNag((s) => void new UserPool(s, 'WeakPool'))).toThrow(/AwsSolutions-COG1/);
  });
});
