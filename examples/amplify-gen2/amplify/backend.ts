import { defineBackend } from '@aws-amplify/backend';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { auth } from './auth/resource';
import { smsSender } from './functions/sms-sender/resource';

/**
 * What Amplify's `senders.sms` leaves to us, so the trigger is wired as @cognito-sms/cdk wires
 * it (docs/deploy.md, "The KMS key policy"): the key policy statement Cognito needs, the invoke
 * permission scoped to this account, decryption narrowed to this pool's codes, the failure
 * queue, the state table for duplicate suppression and the fraud guard, and alarms.
 */
export const backend = defineBackend({ auth, smsSender });

const COGNITO = 'cognito-idp.amazonaws.com';
const fn = backend.smsSender.resources.lambda as lambda.Function;
const { userPool } = backend.auth.resources;
const { cfnUserPool } = backend.auth.resources.cfnResources;
const stack = Stack.of(fn);

// The key is the pool's KMSKeyID: the one Amplify created in the function's stack (a token
// here), or the ARN you passed as kmsKeyArn.
const { kmsKeyId } = stack.resolve(cfnUserPool.lambdaConfig) as { kmsKeyId: unknown };
const createdKey = stack.node
  .findAll()
  .find((c): c is kms.Key => c instanceof kms.Key && JSON.stringify(stack.resolve(c.keyArn)) === JSON.stringify(kmsKeyId));
const key: kms.IKey = createdKey ?? kms.Key.fromKeyArn(stack, 'CognitoSmsKey', String(kmsKeyId));

// The pool names the key, so the key policy cannot name the pool (a dependency cycle): it admits
// this account's pools in this region; the permission and the decrypt condition name this pool.
createdKey?.addToResourcePolicy(
  new iam.PolicyStatement({
    sid: 'AllowCognitoToEncryptCodesForTheUserPool',
    principals: [new iam.ServicePrincipal(COGNITO)],
    actions: ['kms:CreateGrant', 'kms:Encrypt'],
    resources: ['*'],
    conditions: {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cognito-idp', resource: 'userpool', resourceName: '*' }) },
    },
  }),
);

// Amplify grants the function kms:Encrypt and kms:Decrypt on the key for any ciphertext. The
// handler only decrypts, and only codes Cognito encrypted for this pool (`userpool-id` in the
// encryption context): deny the rest. A policy of its own, so the function does not depend on
// the pool.
new iam.Policy(stack, 'CognitoSmsDecryptOnlyThisPool', {
  roles: [fn.role as iam.IRole],
  statements: [
    new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['kms:Encrypt'], resources: [key.keyArn] }),
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      actions: ['kms:Decrypt'],
      resources: [key.keyArn],
      conditions: { StringNotEquals: { 'kms:EncryptionContext:userpool-id': userPool.userPoolId } },
    }),
  ],
});

// The user pool's invoke permission names the pool; add the account, as the construct does.
const permission = userPool.node.tryFindChild('CustomSmsSenderCognito') as lambda.CfnPermission | undefined;
permission?.addPropertyOverride('SourceAccount', stack.account);

fn.addEnvironment('KMS_KEY_ARN', key.keyArn);

// Cognito invokes the trigger asynchronously: two retries, then the event (encrypted code, no
// plaintext) goes to this queue.
const failedInvocations = new sqs.Queue(stack, 'CognitoSmsFailedInvocations', {
  encryption: sqs.QueueEncryption.SQS_MANAGED,
  enforceSSL: true,
  retentionPeriod: Duration.days(14),
});
fn.configureAsyncInvoke({
  retryAttempts: 2,
  maxEventAge: Duration.hours(1),
  onFailure: new SqsDestination(failedInvocations),
});

// Duplicate suppression's records and the fraud guard's counters (partition key id, TTL
// expiration); the guard counts numbers and users as HMACs under a generated key.
const stateTable = new dynamodb.Table(stack, 'CognitoSmsState', {
  partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
  billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
  timeToLiveAttribute: 'expiration',
  encryption: dynamodb.TableEncryption.AWS_MANAGED,
  removalPolicy: RemovalPolicy.DESTROY,
});
const guardHashKey = new secretsmanager.Secret(stack, 'CognitoSmsGuardHashKey', {
  description: 'cognito-sms: the key of the hashes under which the fraud guard counts numbers and users',
  generateSecretString: { passwordLength: 48, excludePunctuation: true },
});
new iam.Policy(stack, 'CognitoSmsStatePolicy', {
  roles: [fn.role as iam.IRole],
  statements: [
    new iam.PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchGetItem'],
      resources: [stateTable.tableArn],
    }),
  ],
});
guardHashKey.grantRead(fn);
fn.addEnvironment('SMS_IDEMPOTENCY_TABLE', stateTable.tableName);
fn.addEnvironment('SMS_GUARD_TABLE', stateTable.tableName);
fn.addEnvironment('SMS_GUARD_HASH_KEY', guardHashKey.secretArn);

const alarm = (id: string, description: string, metric: cloudwatch.IMetric) =>
  new cloudwatch.Alarm(stack, id, {
    alarmDescription: `cognito-sms: ${description}`,
    metric,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
alarm(
  'CognitoSmsErrors',
  'the CustomSMSSender function failed; a user may be waiting for a code',
  fn.metricErrors({ period: Duration.minutes(5) }),
);
alarm(
  'CognitoSmsFailedInvocationsAlarm',
  'an SMS could not be delivered after every retry; the event is in the failed-invocations queue',
  failedInvocations.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
);
