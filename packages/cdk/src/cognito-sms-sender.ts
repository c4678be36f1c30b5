import { existsSync } from 'node:fs';
import { Annotations, CfnOutput, CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { attachTriggerCommand } from './attach-command.js';
import { DEFAULT_BUNDLE_DIR, installedHandlerDir, requireBundle } from './bundle.js';
import { createDeliveryDashboard } from './dashboard.js';
import { type CognitoSmsReceiptsProps, DeliveryReceipts, RECEIPTS_ENVIRONMENT, RECEIPTS_HANDLER } from './delivery-receipts.js';
import { InvalidSenderPropsError } from './errors.js';

/** Cognito's service principal: it encrypts codes with the key and invokes the function. */
export const COGNITO_SERVICE_PRINCIPAL = 'cognito-idp.amazonaws.com';

/** Variables the construct sets itself; `environment` may not override them. */
export const RESERVED_ENVIRONMENT = ['KMS_KEY_ARN', 'SMS_PROVIDER', 'COGNITO_USER_POOL_IDS'] as const;
/** Set by the construct while it manages the state table and the guard (`stateTable`, `guard`). */
export const STATE_ENVIRONMENT = ['SMS_IDEMPOTENCY_TABLE', 'SMS_GUARD', 'SMS_GUARD_TABLE', 'SMS_GUARD_HASH_KEY'] as const;

/** What the function does with the state table: duplicate suppression and the fraud guard. */
export const STATE_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchGetItem',
] as const;

/** The fraud guard's deployment options. */
export interface CognitoSmsGuardProps {
  /** The key of the hashes under which numbers and users are counted. Default: a generated secret. */
  readonly hashKey?: secretsmanager.ISecret;
  /** `SmsRateLimited` messages in 5 minutes that raise the alarm. Default: 20. */
  readonly rateLimitedAlarmThreshold?: number;
}

export interface CognitoSmsSenderProps {
  /**
   * The user pool whose SMS this function sends. A `UserPool` of the same stack gets the
   * trigger and key attached; a pool imported with `UserPool.fromUserPoolId` gets everything
   * but the attachment, which the `AttachTriggerCommand` output does (see docs/deploy.md).
   */
  readonly userPool: IUserPool;
  /** Provider ids tried in this order (`SMS_PROVIDER`), e.g. `['twilio']` or `['twilio', 'sns']`. */
  readonly providers: readonly string[];
  /** More variables for the handler, e.g. the provider's `TWILIO_*` settings. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Secrets the function may read (`secretsmanager:GetSecretValue`); no other secret is readable. */
  readonly secrets?: readonly secretsmanager.ISecret[];
  /**
   * The pool's custom sender key. Default: a new symmetric key with rotation and the key policy
   * Cognito needs. A key of this stack gets that policy statement added; for an imported key
   * the construct warns and prints the statement to add.
   */
  readonly kmsKey?: kms.IKey;
  /**
   * The function code. Default: in this repository, the zip `npm run bundle -- --providers <ids>`
   * wrote to `packages/handler/dist-lambda/` (synthesis fails with the command to run if it is
   * missing); in an app that installed this package, the installed `@cognito-sms/handler`'s `dist/`.
   * Your own code must hold `receipts.mjs` (`receipts.handler`) too, unless `receipts: false`.
   */
  readonly code?: lambda.Code;
  /** Where to look for bundles. Default: this repository's `packages/handler/dist-lambda/`. */
  readonly bundleDir?: string;
  /** Default: arm64 (or the architecture recorded in the bundle's manifest). */
  readonly architecture?: lambda.Architecture;
  /** Default: 256 MB (more memory is more CPU: a faster cold start). */
  readonly memorySize?: number;
  /** Default: 10 seconds: room for a failover after one slow provider attempt. */
  readonly timeout?: Duration;
  /** Lambda's asynchronous retries after a failed invocation (0 to 2). Default: 2. */
  readonly retryAttempts?: number;
  /** How long an event may wait for an attempt before going to the failure queue. Default: 1 hour. */
  readonly maxEventAge?: Duration;
  /** Default: one month. */
  readonly logRetention?: logs.RetentionDays;
  /** Actions for every alarm, e.g. `new SnsAction(topic)`. */
  readonly alarmActions?: readonly cloudwatch.IAlarmAction[];
  /**
   * The table duplicate suppression and the fraud guard keep their records in (partition key
   * `id` string, TTL attribute `expiration`). Default: a new on-demand, encrypted table with TTL.
   * `false`: no table, so no duplicate suppression (Lambda's retries and a failover can then
   * send one event's SMS several times) and a fraud guard that counts per container.
   */
  readonly stateTable?: dynamodb.ITable | false;
  /** The fraud guard (limits go in `environment`: `SMS_LIMIT_PER_COUNTRY`, …). Default: on, in the state table. `false`: `SMS_GUARD=off`. */
  readonly guard?: CognitoSmsGuardProps | false;
  /**
   * Delivery receipts: the receipts function (`receipts.handler` of the same bundle) on a
   * function URL the sender gives providers (`SMS_RECEIPTS_URL`), the delivery dashboard, and
   * alarms on the delivered share and on refused receipts. Default: on. `false`: none of it,
   * and providers are asked for no status callbacks.
   */
  readonly receipts?: CognitoSmsReceiptsProps | false;
}

/** The pool's own CloudFormation resource when it is defined in this app, not imported. */
function cfnUserPoolOf(pool: IUserPool): CfnResource | undefined {
  const child = pool.node.defaultChild;
  return child && CfnResource.isCfnResource(child) && child.cfnResourceType === 'AWS::Cognito::UserPool' ? child : undefined;
}

/**
 * Cognito's CustomSMSSender trigger, wired safely: the KMS key (or yours) with the key policy
 * Cognito needs, the cognito-sms handler (nodejs22.x, arm64) allowed to decrypt only this
 * pool's codes with that key and to read only the named secrets, Cognito's invoke permission
 * scoped to the pool, an encrypted queue for invocations that still fail after Lambda's
 * retries, and alarms on function errors and on that queue.
 *
 * @example
 * ```ts
 * const pool = new UserPool(this, 'Pool', { signInAliases: { phone: true } });
 * const twilio = Secret.fromSecretNameV2(this, 'Twilio', 'cognito-sms/twilio');
 * new CognitoSmsSender(this, 'Sms', {
 *   userPool: pool,
 *   providers: ['twilio'],
 *   secrets: [twilio],
 *   environment: {
 *     TWILIO_ACCOUNT_SID: twilio.secretValueFromJson('accountSid').unsafeUnwrap(),
 *     TWILIO_AUTH_TOKEN: twilio.secretValueFromJson('authToken').unsafeUnwrap(),
 *     TWILIO_FROM: '+15005550006',
 *   },
 * });
 * ```
 */
export class CognitoSmsSender extends Construct {
  /** The handler function. */
  readonly function: lambda.Function;
  /** The key Cognito encrypts codes with (created here unless `kmsKey` was given). */
  readonly key: kms.IKey;
  /** Invocations that failed after every retry (or waited longer than `maxEventAge`). */
  readonly failedInvocations: sqs.Queue;
  /** In alarm when the function reported at least one error in 5 minutes. */
  readonly errorsAlarm: cloudwatch.Alarm;
  /** In alarm while the failure queue holds a message. */
  readonly failedInvocationsAlarm: cloudwatch.Alarm;
  /** Duplicate suppression's and the fraud guard's table; undefined with `stateTable: false`. */
  readonly stateTable: dynamodb.ITable | undefined;
  /** The fraud guard's hash key; undefined when the guard is off or has no table. */
  readonly guardHashKey: secretsmanager.ISecret | undefined;
  /** In alarm when the fraud guard refused more than the threshold in 5 minutes: an attack, or a limit too tight. */
  readonly rateLimitedAlarm: cloudwatch.Alarm | undefined;
  /** In alarm when the fraud guard could not reach its table (messages went out unchecked, or were refused when closed). */
  readonly guardStoreErrorAlarm: cloudwatch.Alarm | undefined;
  /** The receipts function, its URL and alarms; undefined with `receipts: false`. */
  readonly receipts: DeliveryReceipts | undefined;
  /** The delivery dashboard; undefined with `receipts: false`. */
  readonly dashboard: cloudwatch.Dashboard | undefined;
  /** True when the trigger is attached to the pool by this stack (pool defined in the same stack). */
  readonly triggerAttached: boolean;
  /**
   * For an imported pool: the command that attaches the trigger and key while keeping the
   * pool's other settings (also the `AttachTriggerCommand` output). Undefined otherwise.
   */
  readonly attachTriggerCommand: string | undefined;

  constructor(scope: Construct, id: string, props: CognitoSmsSenderProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const providers = [...props.providers];
    if (providers.length === 0 || providers.some((p) => p.trim() === '' || p.includes(','))) {
      throw new InvalidSenderPropsError('providers', 'must name at least one provider id, each without commas, e.g. ["twilio"]');
    }
    const managed: readonly string[] = [
      ...RESERVED_ENVIRONMENT,
      ...(props.stateTable === false ? [] : STATE_ENVIRONMENT),
      ...(props.receipts === false ? [] : RECEIPTS_ENVIRONMENT),
    ];
    const reserved = Object.keys(props.environment ?? {}).filter((name) => managed.includes(name));
    if (reserved.length > 0) {
      throw new InvalidSenderPropsError(
        'environment',
        `${reserved.join(', ')} ${reserved.length > 1 ? 'are' : 'is'} set by the construct itself`,
      );
    }

    const cfnPool = cfnUserPoolOf(props.userPool);
    if (cfnPool && Stack.of(cfnPool) !== stack) {
      throw new InvalidSenderPropsError(
        'userPool',
        `is defined in stack ${Stack.of(cfnPool).stackName}: create CognitoSmsSender in that stack (the pool and the function refer to each other), or import the pool with UserPool.fromUserPoolId and attach the trigger with the AttachTriggerCommand output`,
      );
    }
    const existing = cfnPool
      ? (stack.resolve((cfnPool as unknown as { lambdaConfig?: unknown }).lambdaConfig) as PoolLambdaConfig | undefined)
      : undefined;
    if (existing?.customSmsSender) {
      throw new InvalidSenderPropsError(
        'userPool',
        'already has a CustomSMSSender trigger; remove it (lambdaTriggers.customSmsSender) so this construct can attach its own',
      );
    }

    this.key =
      props.kmsKey ??
      new kms.Key(this, 'Key', {
        description: 'cognito-sms: Cognito encrypts the codes it sends to the CustomSMSSender trigger with this key',
        enableKeyRotation: true,
      });
    if (existing?.kmsKeyId !== undefined && JSON.stringify(existing.kmsKeyId) !== JSON.stringify(stack.resolve(this.key.keyArn))) {
      throw new InvalidSenderPropsError(
        'kmsKey',
        'the user pool already has a different customSenderKmsKey (a pool has one key for all custom senders): pass that key as kmsKey',
      );
    }

    // Same stack: the pool's LambdaConfig names the key, so the key policy cannot name the pool
    // (a dependency cycle CloudFormation refuses); it admits this account's pools in this region
    // and the invoke permission and the function's decrypt condition still name this pool only.
    const sourceArn = cfnPool
      ? stack.formatArn({ service: 'cognito-idp', resource: 'userpool', resourceName: '*' })
      : props.userPool.userPoolArn;
    const cognitoEncrypts = new iam.PolicyStatement({
      sid: 'AllowCognitoToEncryptCodesForTheUserPool',
      principals: [new iam.ServicePrincipal(COGNITO_SERVICE_PRINCIPAL)],
      actions: ['kms:CreateGrant', 'kms:Encrypt'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': sourceArn },
      },
    });
    if (!this.key.addToResourcePolicy(cognitoEncrypts, true).statementAdded) {
      Annotations.of(this).addWarningV2(
        '@cognito-sms/cdk:importedKey',
        `kmsKey is imported, so its key policy is not managed here. Cognito needs this statement in it: ${JSON.stringify(stack.resolve(cognitoEncrypts.toStatementJson()))}`,
      );
    }

    // Installed from the registry there is no bundle directory: the installed handler's dist/ is the code.
    const fromInstalledHandler = !props.code && props.bundleDir === undefined && !existsSync(DEFAULT_BUNDLE_DIR);
    const bundle = props.code || fromInstalledHandler ? undefined : requireBundle(providers, props.bundleDir ?? DEFAULT_BUNDLE_DIR);
    const code =
      props.code ??
      (bundle ? lambda.Code.fromAsset(bundle.zipPath) : lambda.Code.fromAsset(installedHandlerDir(), { exclude: ['types', '**/*.map'] }));
    const architecture =
      props.architecture ?? (bundle?.manifest.architecture === 'x86_64' ? lambda.Architecture.X86_64 : lambda.Architecture.ARM_64);
    if (bundle && props.receipts !== false && bundle.manifest.receiptsHandler !== RECEIPTS_HANDLER) {
      throw new InvalidSenderPropsError(
        'receipts',
        `the bundle ${bundle.zipPath} has no receipts.mjs (built before delivery receipts): rebuild it with npm run bundle -- --providers ${[...new Set(providers)].sort().join(',')}, or set receipts: false`,
      );
    }

    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const logGroup = new logs.LogGroup(this, 'LogGroup', { retention: logRetention });
    // An explicit role instead of AWSLambdaBasicExecutionRole: logs to its own group only.
    const role = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'cognito-sms CustomSMSSender function',
    });
    logGroup.grantWrite(role);
    for (const secret of props.secrets ?? []) secret.grantRead(role);

    // Counters and idempotency records are short-lived (their TTL is at most days): nothing to
    // restore, so the table goes with the stack and has no point-in-time recovery.
    this.stateTable =
      props.stateTable === false
        ? undefined
        : (props.stateTable ??
          new dynamodb.Table(this, 'StateTable', {
            partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
            billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
            timeToLiveAttribute: 'expiration',
            encryption: dynamodb.TableEncryption.AWS_MANAGED,
            removalPolicy: RemovalPolicy.DESTROY,
          }));
    const guardOn = props.guard !== false && this.stateTable !== undefined;
    this.guardHashKey = guardOn
      ? ((props.guard || undefined)?.hashKey ??
        new secretsmanager.Secret(this, 'GuardHashKey', {
          description:
            'cognito-sms: the key of the hashes under which the fraud guard counts numbers and users (changing it resets the counters)',
          generateSecretString: { passwordLength: 48, excludePunctuation: true },
        }))
      : undefined;
    if (this.stateTable) {
      new iam.Policy(this, 'StatePolicy', {
        roles: [role],
        statements: [
          new iam.PolicyStatement({ sid: 'StateTableRecords', actions: [...STATE_TABLE_ACTIONS], resources: [this.stateTable.tableArn] }),
        ],
      });
    }
    this.guardHashKey?.grantRead(role);

    this.failedInvocations = new sqs.Queue(this, 'FailedInvocations', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.function = new lambda.Function(this, 'Function', {
      description: `cognito-sms: Cognito CustomSMSSender trigger (${providers.join(', ')})`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture,
      handler: 'index.handler',
      code,
      role,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      logGroup,
      environment: {
        ...props.environment,
        KMS_KEY_ARN: this.key.keyArn,
        SMS_PROVIDER: providers.join(','),
        // Same stack: the pool names the function, so the function cannot name the pool.
        ...(cfnPool ? {} : { COGNITO_USER_POOL_IDS: props.userPool.userPoolId }),
        ...(this.stateTable ? { SMS_IDEMPOTENCY_TABLE: this.stateTable.tableName } : {}),
        ...(this.stateTable && this.guardHashKey
          ? { SMS_GUARD_TABLE: this.stateTable.tableName, SMS_GUARD_HASH_KEY: this.guardHashKey.secretArn }
          : props.guard === false
            ? { SMS_GUARD: 'off' }
            : {}),
      },
      // Cognito invokes custom sender triggers asynchronously: these govern its retries.
      retryAttempts: props.retryAttempts ?? 2,
      maxEventAge: props.maxEventAge ?? Duration.hours(1),
      onFailure: new SqsDestination(this.failedInvocations),
    });

    // After the sender, so it stays the stack's first function; the sender then learns the URL.
    this.receipts =
      props.receipts === false
        ? undefined
        : new DeliveryReceipts(this, 'Receipts', {
            ...props.receipts,
            code,
            architecture,
            providers,
            environment: { ...props.environment, SMS_PROVIDER: providers.join(',') },
            secrets: props.secrets ?? [],
            stateTable: this.stateTable,
            logRetention,
          });
    // The sender records each send in the ledger on SMS_IDEMPOTENCY_TABLE, where receipts settle it.
    if (this.receipts) this.function.addEnvironment('SMS_RECEIPTS_URL', this.receipts.url);

    // Decrypt with this key only, and only what Cognito encrypted for this pool (the Encryption
    // SDK passes the message's encryption context, which holds `userpool-id`, to KMS). A policy
    // of its own: the function must not depend on it, or a same-stack pool would be a cycle.
    new iam.Policy(this, 'DecryptPolicy', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'DecryptCodesOfTheUserPool',
          actions: ['kms:Decrypt'],
          resources: [this.key.keyArn],
          conditions: { StringEquals: { 'kms:EncryptionContext:userpool-id': props.userPool.userPoolId } },
        }),
      ],
    });

    this.function.addPermission('CognitoInvoke', {
      principal: new iam.ServicePrincipal(COGNITO_SERVICE_PRINCIPAL),
      action: 'lambda:InvokeFunction',
      sourceArn: props.userPool.userPoolArn,
      sourceAccount: stack.account,
    });

    if (cfnPool) {
      // UserPool.addTrigger refuses a custom sender unless the pool was created with
      // customSenderKmsKey, so the two LambdaConfig members are set on the resource directly.
      cfnPool.addPropertyOverride('LambdaConfig.CustomSMSSender', { LambdaArn: this.function.functionArn, LambdaVersion: 'V1_0' });
      cfnPool.addPropertyOverride('LambdaConfig.KMSKeyID', this.key.keyArn);
      this.triggerAttached = true;
      this.attachTriggerCommand = undefined;
    } else {
      this.triggerAttached = false;
      this.attachTriggerCommand = attachTriggerCommand({
        userPoolId: props.userPool.userPoolId,
        functionArn: this.function.functionArn,
        keyArn: this.key.keyArn,
      });
      new CfnOutput(this, 'AttachTriggerCommand', {
        description: 'Attaches the CustomSMSSender trigger and key to the imported pool, keeping its other settings (AWS CLI + jq)',
        value: this.attachTriggerCommand,
      });
    }

    this.errorsAlarm = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmDescription:
        'cognito-sms: the CustomSMSSender function failed; a user may be waiting for a code (Lambda retries, then queues the event)',
      metric: this.function.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.failedInvocationsAlarm = new cloudwatch.Alarm(this, 'FailedInvocationsAlarm', {
      alarmDescription: 'cognito-sms: an SMS could not be delivered after every retry; the event is in the failed-invocations queue',
      metric: this.failedInvocations.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const guardMetric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: props.environment?.POWERTOOLS_METRICS_NAMESPACE ?? 'CognitoSms',
        metricName,
        dimensionsMap: { service: props.environment?.POWERTOOLS_SERVICE_NAME ?? 'cognito-sms' },
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.SUM,
      });
    this.rateLimitedAlarm =
      props.guard === false
        ? undefined
        : new cloudwatch.Alarm(this, 'RateLimitedAlarm', {
            alarmDescription:
              'cognito-sms: the fraud guard refused many SMS (SmsRateLimited); an SMS-pumping attack, or a limit too tight for real traffic: see the limit dimension',
            metric: guardMetric('SmsRateLimited'),
            threshold: (props.guard || undefined)?.rateLimitedAlarmThreshold ?? 20,
            evaluationPeriods: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          });
    this.guardStoreErrorAlarm = guardOn
      ? new cloudwatch.Alarm(this, 'GuardStoreErrorAlarm', {
          alarmDescription:
            'cognito-sms: the fraud guard could not reach its table; messages went out unchecked (SMS_GUARD_ON_STORE_ERROR=open)',
          metric: guardMetric('SmsGuardStoreError'),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        })
      : undefined;
    const alarms = [
      this.errorsAlarm,
      this.failedInvocationsAlarm,
      this.rateLimitedAlarm,
      this.guardStoreErrorAlarm,
      this.receipts?.deliveredShareAlarm,
      this.receipts?.rejectedAlarm,
    ].filter((alarm) => alarm !== undefined);
    for (const action of props.alarmActions ?? []) for (const alarm of alarms) alarm.addAlarmAction(action);
    this.dashboard = this.receipts
      ? createDeliveryDashboard(this, 'Dashboard', {
          providers,
          countries: this.receipts.dashboardCountries,
          environment: props.environment ?? {},
          senderFunction: this.function,
          receiptsFunction: this.receipts.function,
          alarms,
          dashboardName: this.receipts.dashboardName,
        })
      : undefined;

    // cdk-nag (AwsSolutions) findings that are deliberate, each with its reason.
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The handler is built and tested for nodejs22.x (esbuild target node22); a newer runtime is adopted by changing the bundle target and the runtime together.',
    });
    if (this.stateTable instanceof dynamodb.Table) {
      Validations.of(this.stateTable).acknowledge({
        id: 'AwsSolutions-DDB3',
        reason:
          'The state table holds idempotency records and rate-limit counters that expire within days; there is nothing to restore to a point in time.',
      });
    }
    if (this.guardHashKey instanceof secretsmanager.Secret) {
      Validations.of(this.guardHashKey).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Rotating the fraud guard hash key resets every counter (a window of no limits); it is rotated deliberately by replacing the secret, as docs/deploy.md explains.',
      });
    }
    Validations.of(this.failedInvocations).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is the function's asynchronous on-failure destination, i.e. the dead-letter queue itself; a queue behind it would have no consumer.",
    });
  }
}

/** The members of the pool's resolved LambdaConfig this construct checks. */
interface PoolLambdaConfig {
  readonly customSmsSender?: unknown;
  readonly kmsKeyId?: unknown;
}
