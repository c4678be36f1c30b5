import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { attachTriggerCommand, RECEIPTS_TABLE_ACTIONS, STATE_TABLE_ACTIONS } from '../src/index.js';
import { parseCloudFormationYaml } from './cloudformation-yaml.js';
import { dependencyCycles } from './support.js';

const templatePath = fileURLToPath(new URL('../../../deploy/sam/template.yaml', import.meta.url));

/** Parsed YAML: deep property access is what these assertions do, so values stay loosely typed. */
// biome-ignore lint/suspicious/noExplicitAny: parsed template data is checked by the assertions themselves.
type Json = any;

interface Template {
  AWSTemplateFormatVersion: string;
  Transform: string;
  Parameters: Record<string, Record<string, unknown>>;
  Conditions: Record<string, unknown>;
  Globals: { Function: { Environment: { Variables: Record<string, unknown> } } };
  Resources: Record<string, { Type: string; Condition?: string; DeletionPolicy?: string; UpdateReplacePolicy?: string; Properties: Json }>;
  Outputs: Record<string, { Value: unknown }>;
}

const template = parseCloudFormationYaml<Template>(readFileSync(templatePath, 'utf8'));
const resource = (id: string) => {
  const found = template.Resources[id];
  if (!found) throw new Error(`no resource ${id}`);
  return found;
};
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not a JavaScript template.
const poolArn = { 'Fn::Sub': 'arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/${UserPoolId}' };
const keyArn = { 'Fn::If': ['CreateKey', { 'Fn::GetAtt': ['SmsKey', 'Arn'] }, { Ref: 'KmsKeyArn' }] };

describe('SAM: deploy/sam/template.yaml', () => {
  it('is a SAM template with the provider, pool, key, secrets, architecture and alarm topic parameters', () => {
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(template.Transform).toBe('AWS::Serverless-2016-10-31');
    expect(Object.keys(template.Parameters).sort()).toEqual([
      'AlarmTopicArn',
      'Architecture',
      'KmsKeyArn',
      'Receipts',
      'ReceiptsConcurrency',
      'SecretArns',
      'SmsProvider',
      'UserPoolId',
    ]);
    expect(template.Parameters.SmsProvider).toMatchObject({ Type: 'String' });
    expect(template.Parameters.SmsProvider).not.toHaveProperty('Default');
    expect(template.Parameters.UserPoolId).toMatchObject({ Type: 'String' });
    expect(template.Parameters.KmsKeyArn).toMatchObject({ Type: 'String', Default: '' });
    expect(template.Parameters.SecretArns).toMatchObject({ Type: 'CommaDelimitedList', Default: '' });
    expect(template.Parameters.Architecture).toMatchObject({ Default: 'arm64', AllowedValues: ['arm64', 'x86_64'] });
  });

  it.each([
    ['SmsProvider', ['twilio', 'twilio,sns', 'end-user-messaging'], ['', 'Twilio', 'twilio,', 'twilio sns']],
    ['UserPoolId', ['eu-west-1_AbC123', 'us-east-1_x9'], ['', 'eu-west-1', 'pool id']],
    ['ReceiptsConcurrency', ['none', '1', '10', '100'], ['', '0', '-1', '01', 'off']],
    [
      'KmsKeyArn',
      ['', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
      ['alias/cognito', 'arn:aws:kms:eu-west-1:111122223333:alias/cognito', '1234abcd-12ab-34cd-56ef-1234567890ab'],
    ],
  ])('constrains %s to what the handler accepts', (name, good, bad) => {
    const pattern = new RegExp(String(template.Parameters[name]?.AllowedPattern));
    for (const value of good) expect(pattern.test(value), value).toBe(true);
    for (const value of bad) expect(pattern.test(value), value).toBe(false);
  });

  it('creates the key only when none is given, and knows when secrets or an alarm topic are given', () => {
    expect(template.Conditions).toEqual({
      CreateKey: { 'Fn::Equals': [{ Ref: 'KmsKeyArn' }, ''] },
      HasSecrets: { 'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Join': ['', { Ref: 'SecretArns' }] }, ''] }] },
      HasAlarmTopic: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlarmTopicArn' }, ''] }] },
      ReceiptsOn: { 'Fn::Equals': [{ Ref: 'Receipts' }, 'on'] },
      ReservesReceiptsConcurrency: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ReceiptsConcurrency' }, 'none'] }] },
    });
  });

  it('has exactly these resources', () => {
    expect(Object.fromEntries(Object.entries(template.Resources).map(([id, r]) => [id, r.Type]))).toEqual({
      SmsKey: 'AWS::KMS::Key',
      SmsSenderLogGroup: 'AWS::Logs::LogGroup',
      FailedInvocations: 'AWS::SQS::Queue',
      FailedInvocationsPolicy: 'AWS::SQS::QueuePolicy',
      SmsSenderRole: 'AWS::IAM::Role',
      SmsSenderFunction: 'AWS::Serverless::Function',
      CognitoInvokePermission: 'AWS::Lambda::Permission',
      ErrorsAlarm: 'AWS::CloudWatch::Alarm',
      FailedInvocationsAlarm: 'AWS::CloudWatch::Alarm',
      StateTable: 'AWS::DynamoDB::Table',
      GuardHashKey: 'AWS::SecretsManager::Secret',
      RateLimitedAlarm: 'AWS::CloudWatch::Alarm',
      GuardStoreErrorAlarm: 'AWS::CloudWatch::Alarm',
      SmsReceiptsLogGroup: 'AWS::Logs::LogGroup',
      SmsReceiptsRole: 'AWS::IAM::Role',
      SmsReceiptsFunction: 'AWS::Serverless::Function',
      DeliveredShareAlarm: 'AWS::CloudWatch::Alarm',
      ReceiptRejectedAlarm: 'AWS::CloudWatch::Alarm',
    });
    expect(dependencyCycles(template)).toEqual([]);
  });

  it('creates a rotating, retained key whose policy lets Cognito encrypt only for this pool and account', () => {
    const key = resource('SmsKey');
    expect(key).toMatchObject({ Condition: 'CreateKey', DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.Properties.KeyPolicy.Statement).toEqual([
      {
        Sid: 'AccountAdministersTheKey',
        Effect: 'Allow',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
        Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'AllowCognitoToEncryptCodesForTheUserPool',
        Effect: 'Allow',
        Principal: { Service: 'cognito-idp.amazonaws.com' },
        Action: ['kms:CreateGrant', 'kms:Encrypt'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: { 'aws:SourceArn': poolArn } },
      },
    ]);
  });

  it('runs the bundle on nodejs22.x with the key, provider and pool variables, retries and the failure queue', () => {
    const fn = resource('SmsSenderFunction').Properties;
    expect(fn).toMatchObject({
      CodeUri: '../../packages/handler/dist-lambda/all.zip',
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Architectures: [{ Ref: 'Architecture' }],
      Role: { 'Fn::GetAtt': ['SmsSenderRole', 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: 'SmsSenderLogGroup' } },
      EventInvokeConfig: {
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 3600,
        DestinationConfig: { OnFailure: { Type: 'SQS', Destination: { 'Fn::GetAtt': ['FailedInvocations', 'Arn'] } } },
      },
    });
    expect(fn.Environment.Variables).toEqual({
      KMS_KEY_ARN: keyArn,
      COGNITO_USER_POOL_IDS: { Ref: 'UserPoolId' },
      SMS_IDEMPOTENCY_TABLE: { Ref: 'StateTable' },
      SMS_GUARD_TABLE: { Ref: 'StateTable' },
      SMS_GUARD_HASH_KEY: { Ref: 'GuardHashKey' },
      SMS_RECEIPTS_URL: { 'Fn::If': ['ReceiptsOn', { 'Fn::GetAtt': ['SmsReceiptsFunctionUrl', 'FunctionUrl'] }, { Ref: 'AWS::NoValue' }] },
    });
    // The chains (and the provider settings users add) are shared with the receipts function.
    expect(template.Globals.Function.Environment.Variables).toEqual({ SMS_PROVIDER: { Ref: 'SmsProvider' } });
    expect(fn).not.toHaveProperty('Policies');
  });

  it('gives the role no managed policy and exactly: its logs, the failure queue, decrypt for this pool, the named secrets', () => {
    const role = resource('SmsSenderRole').Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(role).not.toHaveProperty('ManagedPolicyArns');
    expect(role.Policies).toHaveLength(1);
    expect(role.Policies[0].PolicyDocument.Statement).toEqual([
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': ['SmsSenderLogGroup', 'Arn'] },
      },
      {
        Sid: 'QueueFailedInvocations',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': ['FailedInvocations', 'Arn'] },
      },
      {
        Sid: 'DecryptCodesOfTheUserPool',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: keyArn,
        Condition: { StringEquals: { 'kms:EncryptionContext:userpool-id': { Ref: 'UserPoolId' } } },
      },
      {
        Sid: 'StateTableRecords',
        Effect: 'Allow',
        // The same actions as the CDK construct's, so the two cannot drift.
        Action: [...STATE_TABLE_ACTIONS],
        Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
      },
      {
        Sid: 'ReadGuardHashKey',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: { Ref: 'GuardHashKey' },
      },
      {
        'Fn::If': [
          'HasSecrets',
          {
            Sid: 'ReadNamedSecrets',
            Effect: 'Allow',
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: { Ref: 'SecretArns' },
          },
          { Ref: 'AWS::NoValue' },
        ],
      },
    ]);
  });

  it('lets only Cognito, for this pool in this account, invoke the function', () => {
    expect(resource('CognitoInvokePermission').Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': ['SmsSenderFunction', 'Arn'] },
      Principal: 'cognito-idp.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: poolArn,
    });
  });

  it('encrypts the failure queue and refuses non-TLS access to it', () => {
    expect(resource('FailedInvocations').Properties).toEqual({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    expect(resource('FailedInvocationsPolicy').Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: 'DenyWithoutTls',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'sqs:*',
        Resource: { 'Fn::GetAtt': ['FailedInvocations', 'Arn'] },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
    expect(resource('SmsSenderLogGroup').Properties).toEqual({ RetentionInDays: 30 });
  });

  it('alarms on any function error and any queued failure, notifying the topic when given', () => {
    const common = {
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    };
    const actions = { 'Fn::If': ['HasAlarmTopic', [{ Ref: 'AlarmTopicArn' }], { Ref: 'AWS::NoValue' }] };
    expect(resource('ErrorsAlarm').Properties).toMatchObject({
      ...common,
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'SmsSenderFunction' } }],
      AlarmActions: actions,
    });
    expect(resource('FailedInvocationsAlarm').Properties).toMatchObject({
      ...common,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['FailedInvocations', 'QueueName'] } }],
      AlarmActions: actions,
    });
  });

  it('keeps duplicate suppression and guard state in an on-demand, encrypted table with TTL, and alarms on rate limits and store errors', () => {
    expect(resource('StateTable')).toMatchObject({
      DeletionPolicy: 'Delete',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
        SSESpecification: { SSEEnabled: true },
      },
    });
    expect(resource('RateLimitedAlarm').Properties).toMatchObject({ Namespace: 'CognitoSms', MetricName: 'SmsRateLimited', Threshold: 20 });
    expect(resource('GuardStoreErrorAlarm').Properties).toMatchObject({ MetricName: 'SmsGuardStoreError', Threshold: 1 });
  });

  it('runs receipts.handler of the same bundle on a function URL with auth NONE, without its own URL (a cycle), reserved concurrency unless none', () => {
    const receipts = resource('SmsReceiptsFunction');
    expect(receipts.Condition).toBe('ReceiptsOn');
    expect(receipts.Properties).toMatchObject({
      CodeUri: resource('SmsSenderFunction').Properties.CodeUri,
      Handler: 'receipts.handler',
      Runtime: 'nodejs22.x',
      Architectures: [{ Ref: 'Architecture' }],
      MemorySize: 128,
      Role: { 'Fn::GetAtt': ['SmsReceiptsRole', 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: 'SmsReceiptsLogGroup' } },
      FunctionUrlConfig: { AuthType: 'NONE' },
      ReservedConcurrentExecutions: { 'Fn::If': ['ReservesReceiptsConcurrency', { Ref: 'ReceiptsConcurrency' }, { Ref: 'AWS::NoValue' }] },
    });
    expect(receipts.Properties.Environment.Variables).toEqual({ SMS_IDEMPOTENCY_TABLE: { Ref: 'StateTable' } });
    expect(template.Outputs.ReceiptsUrl?.Value).toEqual({ 'Fn::GetAtt': ['SmsReceiptsFunctionUrl', 'FunctionUrl'] });
  });

  it("gives the receipts role its logs, the state table's receipt actions (the construct's) and the named secrets only", () => {
    const role = resource('SmsReceiptsRole').Properties;
    expect(role).not.toHaveProperty('ManagedPolicyArns');
    expect(role.Policies[0].PolicyDocument.Statement).toEqual([
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': ['SmsReceiptsLogGroup', 'Arn'] },
      },
      { Sid: 'SettleReceipts', Effect: 'Allow', Action: [...RECEIPTS_TABLE_ACTIONS], Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] } },
      {
        'Fn::If': [
          'HasSecrets',
          {
            Sid: 'ReadNamedSecrets',
            Effect: 'Allow',
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: { Ref: 'SecretArns' },
          },
          { Ref: 'AWS::NoValue' },
        ],
      },
    ]);
  });

  it("alarms on the delivered share and on refused receipts with the construct's defaults", () => {
    const share = resource('DeliveredShareAlarm').Properties;
    expect(share).toMatchObject({ Threshold: 0.8, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'notBreaching' });
    expect(share.Metrics.map((m: Json) => m.Expression ?? m.MetricStat.Metric.MetricName)).toEqual([
      'IF((d + u) >= 20, d / (d + u), 1)',
      'SmsDelivered',
      'SmsUndelivered',
    ]);
    expect(share.Metrics[1].MetricStat).toMatchObject({ Period: 900, Stat: 'Sum' });
    expect(resource('ReceiptRejectedAlarm').Properties).toMatchObject({
      Namespace: 'CognitoSms',
      MetricName: 'SmsReceiptRejected',
      Threshold: 10,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    for (const id of ['SmsReceiptsLogGroup', 'SmsReceiptsRole', 'DeliveredShareAlarm', 'ReceiptRejectedAlarm']) {
      expect(resource(id).Condition, id).toBe('ReceiptsOn');
    }
  });

  it("outputs the attach command, identical to the CDK construct's", () => {
    const value = template.Outputs.AttachTriggerCommand?.Value as { 'Fn::Sub': [string, Record<string, unknown>] };
    const [text, variables] = value['Fn::Sub'];
    expect(variables).toEqual({ Key: keyArn });
    // The Fn::Sub variables stand where the construct puts its tokens.
    const sub = (name: string) => `\${${name}}`;
    expect(text).toBe(
      attachTriggerCommand({ userPoolId: sub('UserPoolId'), functionArn: sub('SmsSenderFunction.Arn'), keyArn: sub('Key') }),
    );
    expect(template.Outputs.KeyArn?.Value).toEqual(keyArn);
    expect(template.Outputs.FunctionArn?.Value).toEqual({ 'Fn::GetAtt': ['SmsSenderFunction', 'Arn'] });
  });

  // aws-cdk-lib ships CloudFormation's offline validator (schemas + cfn-lint rules, SAM aware).
  const validator = (() => {
    try {
      const cdkLib = createRequire(import.meta.url).resolve('aws-cdk-lib/package.json');
      return createRequire(cdkLib)('@aws/cloudformation-validate') as {
        CompositeEngine: new () => {
          validateTemplate(template: unknown): { diagnostics: { severity: string; ruleId: string; message: string }[] };
          free(): void;
        };
        TemplateFile: new (path: string) => unknown;
      };
    } catch {
      return undefined;
    }
  })();

  it.skipIf(!validator)('passes CloudFormation validation with no error or fatal finding and only the known, reviewed warnings', () => {
    const engine = new (validator as NonNullable<typeof validator>).CompositeEngine();
    try {
      const { diagnostics } = engine.validateTemplate(new (validator as NonNullable<typeof validator>).TemplateFile(templatePath));
      // SAM generates `<function>Url` (AWS::Lambda::Url) from FunctionUrlConfig, and `!GetAtt
      // SmsReceiptsFunctionUrl.FunctionUrl` is how its URL is read; the validator checks
      // references before that transform, so exactly these two are expected.
      const generatedUrl = (d: { ruleId: string; message: string }) =>
        ['F1020', 'F6101'].includes(d.ruleId) && d.message.includes("'SmsReceiptsFunctionUrl");
      const failures = diagnostics.filter((d) => d.severity === 'ERROR' || d.severity === 'FATAL');
      expect(failures.filter((d) => !generatedUrl(d))).toEqual([]);
      expect(failures.filter(generatedUrl)).toHaveLength(2);
      const warnings = diagnostics.filter((d) => d.severity === 'WARN').map((d) => `${d.ruleId}: ${d.message}`);
      // Both are guarded by the same condition the rule asks for, which the linter does not follow:
      // W1001: the outputs name SmsKey only inside Fn::If [CreateKey, …];
      // W1030: AlarmActions hold the topic only inside Fn::If [HasAlarmTopic, …].
      for (const warning of warnings)
        expect(warning).toMatch(
          /^W1001: Reference to 'SmsKey' which is conditional on 'CreateKey'|^W1030: \{'Ref': 'AlarmTopicArn'\} default ''/,
        );
    } finally {
      engine.free();
    }
  });
});
