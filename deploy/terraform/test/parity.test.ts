import { readFileSync } from 'node:fs';
import {
  attachTriggerCommand,
  COGNITO_SERVICE_PRINCIPAL,
  CognitoSmsSender,
  type CognitoSmsSenderProps,
  RECEIPTS_ENVIRONMENT,
  RECEIPTS_TABLE_ACTIONS,
  RESERVED_ENVIRONMENT,
  STATE_ENVIRONMENT,
  STATE_TABLE_ACTIONS,
} from '@cognito-sms/cdk';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  blockOf,
  type Conditions,
  cfnStatement,
  exampleDir,
  isPresent,
  type Json,
  loadConfiguration,
  localsOf,
  mergedEnvironment,
  moduleDir,
  policyDocumentStatements,
  type Statement,
  sorted,
} from './hcl.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const POOL_ID = 'eu-west-1_AbC123';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:cognito-sms/twilio-AbCdEf';
const PROVIDERS = ['twilio'];

/** One deployment, described twice: the construct's props and the module's branch conditions. */
interface Scenario {
  readonly name: string;
  readonly samePool: boolean;
  readonly props: Partial<CognitoSmsSenderProps>;
  readonly conditions: Conditions;
}

const defaults: Conditions = {
  'var.pinned_user_pool_id == null': true,
  'var.kms_key_arn == null': true,
  'length(var.secret_arns) > 0': true,
  'local.state_table_enabled': true,
  'local.guard_on': true,
  'var.guard': true,
  'var.receipts': true,
  'var.receipts_public_url == null': true,
};

const scenarios: Scenario[] = [
  { name: 'a pool of the same configuration (the example)', samePool: true, props: {}, conditions: defaults },
  {
    name: 'a pool managed elsewhere',
    samePool: false,
    props: {},
    conditions: { ...defaults, 'var.pinned_user_pool_id == null': false },
  },
  {
    name: 'the guard off',
    samePool: true,
    props: { guard: false },
    conditions: { ...defaults, 'var.guard': false, 'local.guard_on': false },
  },
  {
    name: 'no state table',
    samePool: true,
    props: { stateTable: false },
    conditions: { ...defaults, 'local.state_table_enabled': false, 'local.guard_on': false },
  },
  { name: 'receipts off', samePool: true, props: { receipts: false }, conditions: { ...defaults, 'var.receipts': false } },
];

interface Synthesized {
  resources: Record<string, { Type: string; Properties: Json }>;
  /** CloudFormation values with every reference replaced by the symbol the Terraform side uses. */
  symbolize: (value: unknown) => unknown;
}

/** The construct's template for a scenario, with references turned into symbols such as `{key_arn}`. */
function synthesize(scenario: Scenario): Synthesized {
  const stack = new Stack(new App({ analyticsReporting: false }), 'Sms', { env: { account: ACCOUNT, region: REGION } });
  const pool = scenario.samePool ? new UserPool(stack, 'Pool') : UserPool.fromUserPoolId(stack, 'Pool', POOL_ID);
  new CognitoSmsSender(stack, 'Sms', {
    userPool: pool,
    providers: PROVIDERS,
    code: lambda.Code.fromInline('export const handler = async () => {}'),
    secrets: [secretsmanager.Secret.fromSecretCompleteArn(stack, 'Twilio', SECRET_ARN)],
    environment: { TWILIO_FROM: '+15005550006' },
    ...scenario.props,
  });
  const resources = Template.fromStack(stack).toJSON().Resources as Synthesized['resources'];
  // Logical ids → the Terraform symbol of the same thing (ids are the construct paths plus a hash).
  const ids: [RegExp, string, Record<string, string>][] = [
    [/^Pool[0-9A-F]{8}$/, 'AWS::Cognito::UserPool', { Ref: '{pool_id}', Arn: '{pool_arn}' }],
    [/^SmsKey[0-9A-F]{8}$/, 'AWS::KMS::Key', { Arn: '{key_arn}' }],
    [/^SmsLogGroup[0-9A-F]{8}$/, 'AWS::Logs::LogGroup', { Arn: '{sender_log_group_arn}' }],
    [/^SmsReceiptsLogGroup[0-9A-F]{8}$/, 'AWS::Logs::LogGroup', { Arn: '{receipts_log_group_arn}' }],
    [/^SmsFailedInvocations[0-9A-F]{8}$/, 'AWS::SQS::Queue', { Arn: '{queue_arn}', QueueName: '{queue_name}' }],
    [/^SmsGuardHashKey[0-9A-F]{8}$/, 'AWS::SecretsManager::Secret', { Ref: '{guard_hash_key_arn}' }],
    [/^SmsStateTable[0-9A-F]{8}$/, 'AWS::DynamoDB::Table', { Ref: '{state_table_name}', Arn: '{state_table_arn}' }],
    [/^SmsFunction[0-9A-F]{8}$/, 'AWS::Lambda::Function', { Arn: '{sender_arn}', Ref: '{sender_name}' }],
    [/^SmsReceiptsFunction[0-9A-F]{8}$/, 'AWS::Lambda::Function', { Arn: '{receipts_arn}', Ref: '{receipts_name}' }],
    [/^SmsReceiptsFunctionFunctionUrl[0-9A-F]{8}$/, 'AWS::Lambda::Url', { FunctionUrl: '{receipts_url}' }],
  ];
  const symbolOf = (id: string, attribute: string) => {
    const entry = ids.find(([pattern, type]) => pattern.test(id) && resources[id]?.Type === type);
    const symbol = entry?.[2][attribute];
    if (!symbol) throw new Error(`no symbol for ${id}.${attribute}`);
    return symbol;
  };
  const text = (value: string) =>
    value
      .replaceAll(SECRET_ARN, '{secret_arn}')
      .replaceAll(POOL_ID, '{pool_id}')
      .replaceAll(ACCOUNT, '{account}')
      .replaceAll(REGION, '{region}')
      .replace(/^arn:\{partition\}:cognito-idp:\{region\}:\{account\}:userpool\/\{pool_id\}$/, '{pool_arn}');
  const symbolize = (value: unknown): unknown => {
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) return value.map(symbolize);
    if (value === null || typeof value !== 'object') return value;
    const object = value as Record<string, unknown>;
    if (object.Ref === 'AWS::Partition') return '{partition}';
    if (typeof object.Ref === 'string') return symbolOf(object.Ref, 'Ref');
    const getAtt = object['Fn::GetAtt'] as [string, string] | undefined;
    if (getAtt) return symbolOf(getAtt[0], getAtt[1]);
    const join = object['Fn::Join'] as [string, unknown[]] | undefined;
    if (join) return text(join[1].map((part) => String(symbolize(part))).join(join[0]));
    return Object.fromEntries(Object.entries(object).map(([key, inner]) => [key, symbolize(inner)]));
  };
  return { resources, symbolize };
}

let module: Json;
let locals: Record<string, Json>;
let example: Json;
beforeAll(async () => {
  module = await loadConfiguration(moduleDir);
  locals = localsOf(module);
  example = await loadConfiguration(exampleDir);
});

/** The branches of `cognito_source_arn`: the pool of this configuration cannot be named in the key policy. */
function cognitoSourceArn(conditions: Conditions): string {
  const match = /^\$\{var\.pinned_user_pool_id == null \? "(.+)" : "(.+)"\}$/.exec(locals.cognito_source_arn);
  if (!match) throw new Error(`unexpected cognito_source_arn ${locals.cognito_source_arn}`);
  const arn = tfText((conditions['var.pinned_user_pool_id == null'] ? match[1] : match[2]) as string);
  return arn.replace(/^arn:\{partition\}:cognito-idp:\{region\}:\{account\}:userpool\/\{pool_id\}$/, '{pool_arn}');
}

/** Terraform references → the symbols of the CDK side; anything unknown stays as it is (and then differs). */
function tfText(value: string): string {
  const symbols: Record<string, string> = {
    'local.account_id': '{account}',
    'local.partition': '{partition}',
    'local.region': '{region}',
    'var.user_pool_id': '{pool_id}',
    'var.pinned_user_pool_id': '{pool_id}',
    'local.user_pool_arn': '{pool_arn}',
    'local.kms_key_arn': '{key_arn}',
    'aws_sqs_queue.failed_invocations.arn': '{queue_arn}',
    'local.guard_hash_key_arn': '{guard_hash_key_arn}',
    'local.state_table_arn': '{state_table_arn}',
    'local.state_table_name': '{state_table_name}',
    'aws_lambda_function.sender.arn': '{sender_arn}',
    'aws_lambda_function.receipts[0].arn': '{receipts_arn}',
    'local.receipts_url': '{receipts_url}',
    'local.sms_provider': PROVIDERS.join(','),
    'local.cognito_service_principal': String(locals.cognito_service_principal),
  };
  // CloudFormation's LogGroup Arn ends in :* (the group's streams); the provider's does not.
  const logGroups: Record<string, string> = {
    '${aws_cloudwatch_log_group.sender.arn}:*': '{sender_log_group_arn}',
    '${aws_cloudwatch_log_group.receipts[0].arn}:*': '{receipts_log_group_arn}',
  };
  if (logGroups[value]) return logGroups[value];
  return value.replace(/\$\{([^}]+)\}/g, (whole, reference: string) => symbols[reference] ?? whole);
}

/** A value inside a policy document of the module, for a scenario (lists of the module's locals expand). */
const tfValue =
  (conditions: Conditions) =>
  (expression: string): string | string[] => {
    if (expression === '${var.secret_arns}') return ['{secret_arn}'];
    if (expression === '${local.cognito_source_arn}') return cognitoSourceArn(conditions);
    const local = /^\$\{local\.(\w+)\}$/.exec(expression)?.[1];
    if (local && Array.isArray(locals[local])) return locals[local];
    if (expression === '${local.state_table_enabled ? [local.state_table_arn] : []}') {
      return conditions['local.state_table_enabled'] ? ['{state_table_arn}'] : [];
    }
    return tfText(expression);
  };

const policiesOfRole = (synthesized: Synthesized, roleId: RegExp): { sid: string | undefined; statement: Statement }[] =>
  Object.values(synthesized.resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((role: Json) => roleId.test(role.Ref)))
    .flatMap((r) => (synthesized.symbolize(r.Properties.PolicyDocument.Statement) as Json[]).map(cfnStatement));

const resourcesOfType = (synthesized: Synthesized, type: string) => Object.values(synthesized.resources).filter((r) => r.Type === type);

/** Both sides compared as sets of statements; each Sid the construct gives must be the module's too. */
function expectSameStatements(
  terraform: { sid: string | undefined; statement: Statement }[],
  cdk: { sid: string | undefined; statement: Statement }[],
) {
  expect(sorted(terraform.map((s) => s.statement))).toEqual(sorted(cdk.map((s) => s.statement)));
  const sids = terraform.map((s) => s.sid);
  for (const { sid } of cdk) if (sid) expect(sids).toContain(sid);
}

const roleStatements = (conditions: Conditions, policies: { policy: string; document: string }[]) =>
  policies
    .filter(({ policy }) => isPresent(blockOf(module, 'resource', 'aws_iam_role_policy', policy).count, conditions))
    .flatMap(({ document }) => {
      const block = blockOf(module, 'data', 'aws_iam_policy_document', document);
      if (!isPresent(block.count, conditions)) throw new Error(`policy document ${document} is absent while its policy is present`);
      return policyDocumentStatements(block, conditions, tfValue(conditions));
    });

describe.each(scenarios)('Terraform module = CDK construct: $name', (scenario) => {
  let cdk: Synthesized;
  beforeAll(() => {
    cdk = synthesize(scenario);
  });
  const { conditions } = scenario;

  it("has the construct's key policy: the account administers the key, Cognito encrypts only for this account and pool(s)", () => {
    const [key] = resourcesOfType(cdk, 'AWS::KMS::Key');
    const cdkStatements = (cdk.symbolize(key?.Properties.KeyPolicy.Statement) as Json[]).map(cfnStatement);
    expect(isPresent(blockOf(module, 'resource', 'aws_kms_key', 'sms').count, conditions)).toBe(true);
    const tf = policyDocumentStatements(blockOf(module, 'data', 'aws_iam_policy_document', 'key'), conditions, tfValue(conditions));
    expectSameStatements(tf, cdkStatements);
  });

  it("has the construct's invoke permission: cognito-idp, this pool's ARN, this account", () => {
    const permissions = resourcesOfType(cdk, 'AWS::Lambda::Permission').filter((r) => r.Properties.Principal === COGNITO_SERVICE_PRINCIPAL);
    expect(permissions).toHaveLength(1);
    const p = cdk.symbolize(permissions[0]?.Properties) as Json;
    const tf = blockOf(module, 'resource', 'aws_lambda_permission', 'cognito_invoke');
    expect({
      Action: tf.action,
      FunctionName: tfText(tf.function_name),
      Principal: tfText(tf.principal),
      SourceArn: tfText(tf.source_arn),
      SourceAccount: tfText(tf.source_account),
    }).toEqual(p);
  });

  it("gives the sender's role exactly the construct's statements (logs, secrets, guard key, queue, state table, decrypt)", () => {
    const tf = roleStatements(conditions, [
      { policy: 'sender', document: 'sender' },
      { policy: 'decrypt', document: 'decrypt' },
      { policy: 'state', document: 'state' },
    ]);
    expectSameStatements(tf, policiesOfRole(cdk, /^SmsServiceRole[0-9A-F]{8}$/));
  });

  it("gives the sender the construct's variables", () => {
    const [fn] = resourcesOfType(cdk, 'AWS::Lambda::Function').filter((r) => r.Properties.Handler === 'index.handler');
    const { TWILIO_FROM: _userVariable, ...managed } = cdk.symbolize(fn?.Properties.Environment.Variables) as Record<string, string>;
    const tf = mergedEnvironment(locals.sender_environment, conditions, ['var.environment']);
    expect(Object.fromEntries(Object.entries(tf).map(([name, value]) => [name, tfText(value)]))).toEqual(managed);
  });

  it('has the state table (partition key id, TTL expiration, on demand, encrypted) when the construct has it', () => {
    const tables = resourcesOfType(cdk, 'AWS::DynamoDB::Table');
    const tf = blockOf(module, 'resource', 'aws_dynamodb_table', 'state');
    const expectedTables = conditions['local.state_table_enabled'] ? 1 : 0;
    expect(tables).toHaveLength(expectedTables);
    // With no existing_state_table_arn, the table is created exactly when the scenario has one.
    expect(tf.count).toBe('${local.create_state_table ? 1 : 0}');
    const table = tables[0];
    if (!table) return;
    expect({
      BillingMode: tf.billing_mode,
      KeySchema: [{ AttributeName: tf.hash_key, KeyType: 'HASH' }],
      AttributeDefinitions: tf.attribute.map((a: Json) => ({ AttributeName: a.name, AttributeType: a.type })),
      TimeToLiveSpecification: { AttributeName: tf.ttl[0].attribute_name, Enabled: tf.ttl[0].enabled },
      SSESpecification: { SSEEnabled: tf.server_side_encryption[0].enabled },
    }).toEqual(table.Properties);
  });

  it('runs receipts.handler with the UpdateItem-only role, auth NONE URL, its permissions and reserved concurrency when the construct does', () => {
    const functions = resourcesOfType(cdk, 'AWS::Lambda::Function').filter((r) => r.Properties.Handler === 'receipts.handler');
    const tf = blockOf(module, 'resource', 'aws_lambda_function', 'receipts');
    expect(isPresent(tf.count, conditions)).toBe(functions.length === 1);
    const fn = functions[0];
    if (!fn) return;
    expect({ Handler: tf.handler, Runtime: tf.runtime }).toEqual({ Handler: fn.Properties.Handler, Runtime: fn.Properties.Runtime });
    expect(tf.reserved_concurrent_executions).toBe('${var.receipts_reserved_concurrency == null ? -1 : var.receipts_reserved_concurrency}');
    expect(blockOf(module, 'variable', 'receipts_memory_size').default).toBe(fn.Properties.MemorySize);
    expect(blockOf(module, 'variable', 'receipts_timeout').default).toBe(fn.Properties.Timeout);
    expect(blockOf(module, 'variable', 'receipts_reserved_concurrency').default).toBe(fn.Properties.ReservedConcurrentExecutions);

    const { TWILIO_FROM: _userVariable, ...managed } = cdk.symbolize(fn.Properties.Environment.Variables) as Record<string, string>;
    const env = mergedEnvironment(locals.receipts_environment_variables, conditions, ['local.receipts_provider_environment']);
    expect(Object.fromEntries(Object.entries(env).map(([name, value]) => [name, tfText(value)]))).toEqual(managed);

    const tfStatements = policyDocumentStatements(
      blockOf(module, 'data', 'aws_iam_policy_document', 'receipts'),
      conditions,
      tfValue(conditions),
    );
    expectSameStatements(tfStatements, policiesOfRole(cdk, /^SmsReceiptsServiceRole[0-9A-F]{8}$/));

    const [url] = resourcesOfType(cdk, 'AWS::Lambda::Url');
    expect(blockOf(module, 'resource', 'aws_lambda_function_url', 'receipts').authorization_type).toBe(url?.Properties.AuthType);
    const cdkPermissions = resourcesOfType(cdk, 'AWS::Lambda::Permission')
      .filter((r) => r.Properties.Principal === '*')
      .map((r) => cdk.symbolize(r.Properties));
    const tfPermissions = ['receipts_url', 'receipts_invoke'].map((name) => {
      const p = blockOf(module, 'resource', 'aws_lambda_permission', name);
      return {
        Action: p.action,
        FunctionName: '{receipts_arn}',
        Principal: p.principal,
        ...(p.function_url_auth_type ? { FunctionUrlAuthType: p.function_url_auth_type } : {}),
        ...(p.invoked_via_function_url !== undefined ? { InvokedViaFunctionUrl: p.invoked_via_function_url } : {}),
      };
    });
    expect(tfPermissions).toEqual(expect.arrayContaining(cdkPermissions as Json[]));
    expect(tfPermissions).toHaveLength(cdkPermissions.length);
  });

  it("has the construct's alarms, with its metrics and thresholds", () => {
    const cdkAlarms = resourcesOfType(cdk, 'AWS::CloudWatch::Alarm').map((r) => {
      const p = cdk.symbolize(r.Properties) as Json;
      return p.MetricName
        ? `${p.Namespace}/${p.MetricName} ${p.Statistic} ${p.Period}s ${p.ComparisonOperator} ${p.Threshold} ${p.TreatMissingData}`
        : `${p.Metrics.map((m: Json) => m.Expression ?? `${m.MetricStat.Metric.MetricName}:${m.MetricStat.Stat}:${m.MetricStat.Period}`).join(',')} ${p.ComparisonOperator} ${p.Threshold} ${p.TreatMissingData}`;
    });
    const defaultOf = (expression: unknown) => {
      const name = /^\$\{var\.(\w+)\}$/.exec(String(expression))?.[1];
      return name ? blockOf(module, 'variable', name).default : expression;
    };
    const namespaceOf = (expression: string) =>
      expression === '${local.metrics_namespace}' ? /"([^"]+)"\)\}$/.exec(locals.metrics_namespace)?.[1] : expression;
    const tfAlarms = Object.values(module.resource.aws_cloudwatch_metric_alarm as Record<string, Json[]>)
      .map((blocks) => blocks[0])
      .filter((a) => isPresent(a.count, conditions))
      .map((a) => {
        const tail = `${a.comparison_operator} ${defaultOf(a.threshold)} ${a.treat_missing_data}`;
        if (a.metric_name) return `${namespaceOf(a.namespace)}/${a.metric_name} ${a.statistic} ${a.period}s ${tail}`;
        const queries = (a.metric_query as Json[]).map((q) =>
          q.expression
            ? String(q.expression).replace('${var.delivered_share_min_receipts}', String(defaultOf('${var.delivered_share_min_receipts}')))
            : `${q.metric[0].metric_name}:${q.metric[0].stat}:${q.metric[0].period}`,
        );
        return `${queries.join(',')} ${tail}`;
      });
    expect(tfAlarms.sort()).toEqual(cdkAlarms.sort());
  });
});

describe('Terraform module: the rest of what the construct sets', () => {
  let cdk: Synthesized;
  beforeAll(() => {
    cdk = synthesize(scenarios[0] as Scenario);
  });

  it('runs index.handler of the bundle zip on nodejs22.x arm64, 256 MB, 10 s, logging to its own group', () => {
    const [fn] = resourcesOfType(cdk, 'AWS::Lambda::Function').filter((r) => r.Properties.Handler === 'index.handler');
    const tf = blockOf(module, 'resource', 'aws_lambda_function', 'sender');
    expect(tf).toMatchObject({
      filename: '${var.bundle_zip}',
      source_code_hash: '${filebase64sha256(var.bundle_zip)}',
      handler: fn?.Properties.Handler,
      runtime: fn?.Properties.Runtime,
      architectures: ['${var.architecture}'],
      role: '${aws_iam_role.sender.arn}',
      logging_config: [{ log_group: '${aws_cloudwatch_log_group.sender.name}' }],
    });
    expect(blockOf(module, 'variable', 'architecture').default).toBe(fn?.Properties.Architectures[0]);
    expect(blockOf(module, 'variable', 'memory_size').default).toBe(fn?.Properties.MemorySize);
    expect(blockOf(module, 'variable', 'timeout').default).toBe(fn?.Properties.Timeout);
    // The decrypt policy names the pool, which names the function: the function must not wait for it.
    expect(tf.depends_on).not.toContain('${aws_iam_role_policy.decrypt}');
  });

  it("retries twice within an hour, then queues to the encrypted, TLS-only queue (the construct's on-failure destination)", () => {
    const [config] = resourcesOfType(cdk, 'AWS::Lambda::EventInvokeConfig');
    const tf = blockOf(module, 'resource', 'aws_lambda_function_event_invoke_config', 'sender');
    expect({
      MaximumRetryAttempts: blockOf(module, 'variable', 'retry_attempts').default,
      MaximumEventAgeInSeconds: blockOf(module, 'variable', 'maximum_event_age_in_seconds').default,
      Qualifier: tf.qualifier,
      DestinationConfig: { OnFailure: { Destination: tfText(tf.destination_config[0].on_failure[0].destination) } },
    }).toEqual(omit(cdk.symbolize(config?.Properties) as Json, 'FunctionName'));
    expect(tf.maximum_retry_attempts).toBe('${var.retry_attempts}');
    const [queue] = resourcesOfType(cdk, 'AWS::SQS::Queue');
    const tfQueue = blockOf(module, 'resource', 'aws_sqs_queue', 'failed_invocations');
    expect({ MessageRetentionPeriod: tfQueue.message_retention_seconds, SqsManagedSseEnabled: tfQueue.sqs_managed_sse_enabled }).toEqual(
      queue?.Properties,
    );
    const [queuePolicy] = resourcesOfType(cdk, 'AWS::SQS::QueuePolicy');
    expectSameStatements(
      policyDocumentStatements(blockOf(module, 'data', 'aws_iam_policy_document', 'failed_invocations'), defaults, tfValue(defaults)),
      (cdk.symbolize(queuePolicy?.Properties.PolicyDocument.Statement) as Json[]).map(cfnStatement),
    );
  });

  it('branches every count and dynamic block only on conditions known at plan time (an unknown count fails the plan)', () => {
    // The scenarios' conditions are variables and locals computed from variables only.
    const planKnown = Object.keys(defaults);
    expect(
      planKnown.every((c) => /^(var\.\w+ == null|length\(var\.\w+\) > 0|var\.\w+|local\.(state_table_enabled|guard_on))$/.test(c)),
    ).toBe(true);
    expect(locals.state_table_enabled).toBe('${var.existing_state_table_arn != null || var.create_state_table}');
    expect(locals.guard_on).toBe('${var.guard && local.state_table_enabled}');
    const conditionals: unknown[] = [];
    for (const kind of ['resource', 'data'] as const) {
      for (const byName of Object.values(module[kind] as Record<string, Record<string, Json[]>>)) {
        for (const [block] of Object.values(byName)) {
          if (block.count !== undefined) conditionals.push(block.count);
          for (const dynamic of Object.values((block.dynamic ?? {}) as Record<string, Json[]>))
            conditionals.push(...dynamic.map((d) => d.for_each));
        }
      }
    }
    expect(conditionals.length).toBeGreaterThan(10);
    // create_state_table and create_guard_key are themselves made of plan-known values.
    const known = { ...defaults, 'local.create_state_table': true, 'local.create_guard_key': true };
    for (const expression of conditionals) expect(() => isPresent(expression, known), String(expression)).not.toThrow();
    expect(locals.create_state_table).toBe('${var.existing_state_table_arn == null && var.create_state_table}');
    expect(locals.create_guard_key).toBe('${local.guard_on && var.guard_hash_key_secret_arn == null}');
  });

  it("names the construct's constants: reserved variables, table actions, Cognito's principal", () => {
    expect(locals.reserved_environment).toEqual([...RESERVED_ENVIRONMENT]);
    expect(locals.state_environment).toEqual([...STATE_ENVIRONMENT]);
    expect(locals.receipts_environment).toEqual([...RECEIPTS_ENVIRONMENT]);
    expect(locals.state_table_actions).toEqual([...STATE_TABLE_ACTIONS]);
    expect(locals.receipts_table_actions).toEqual([...RECEIPTS_TABLE_ACTIONS]);
    expect(locals.cognito_service_principal).toBe(COGNITO_SERVICE_PRINCIPAL);
    // The user's variables may not override the managed ones.
    const [precondition] = blockOf(module, 'resource', 'aws_lambda_function', 'sender').lifecycle[0].precondition;
    expect(precondition.condition).toBe('${length(setintersection(keys(var.environment), local.managed_environment)) == 0}');
  });

  it("outputs the construct's attach command for a pool managed elsewhere", () => {
    const value = String(blockOf(module, 'output', 'attach_trigger_command').value);
    const match = /^\$\{var\.pinned_user_pool_id == null \? null : "(.+)"\}$/s.exec(value);
    if (!match?.[1]) throw new Error(`unexpected attach_trigger_command ${value}`);
    // HCL string escapes undone: the command a shell gets.
    const command = match[1].replaceAll('\\"', '"');
    expect(command).toBe(
      attachTriggerCommand({
        userPoolId: '${var.user_pool_id}',
        functionArn: '${aws_lambda_function.sender.arn}',
        keyArn: '${local.kms_key_arn}',
      }),
    );
  });
});

describe('Terraform example: a new pool wired to the module', () => {
  it("sets the pool's custom_sms_sender (V1_0) and kms_key_id from the module's outputs", () => {
    const pool = blockOf(example, 'resource', 'aws_cognito_user_pool', 'pool');
    expect(pool.lambda_config).toEqual([
      {
        custom_sms_sender: [{ lambda_arn: '${module.sms.function_arn}', lambda_version: 'V1_0' }],
        kms_key_id: '${module.sms.kms_key_arn}',
      },
    ]);
    const sms = blockOf(example, 'module', 'sms');
    expect(sms).toMatchObject({
      source: '../../modules/cognito-sms',
      user_pool_id: '${aws_cognito_user_pool.pool.id}',
      sms_providers: ['twilio'],
    });
    // Every argument the example passes is a variable of the module.
    for (const name of Object.keys(sms).filter((key) => key !== 'source')) expect(module.variable, name).toHaveProperty(name);
    const outputs = Object.values(example.output as Record<string, Json[]>).map((o) => String(o[0].value));
    for (const output of outputs.filter((o) => o.startsWith('${module.sms.'))) {
      expect(module.output).toHaveProperty(/^\$\{module\.sms\.(\w+)\}$/.exec(output)?.[1] as string);
    }
  });
});

function omit<T extends Record<string, unknown>>(object: T, key: string): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([k]) => k !== key)) as Partial<T>;
}

describe('Terraform docs', () => {
  it('describe every variable and output of the module in docs/deploy.md and in the module itself', () => {
    const docs = readFileSync(new URL('../../../docs/deploy.md', import.meta.url), 'utf8');
    const section = docs.slice(docs.indexOf('\n## Route 4: Terraform\n'));
    expect(section.length).toBeGreaterThan(1000);
    for (const kind of ['variable', 'output'] as const) {
      for (const [name, [block]] of Object.entries(module[kind] as Record<string, Json[]>)) {
        expect(section, `${kind} ${name}`).toContain(`\`${name}\``);
        expect(String(block.description ?? ''), `${kind} ${name}`).not.toBe('');
      }
    }
  });
});

/** Every `var.x`, `local.x`, `data.t.n` and `aws_t.n` a configuration's expressions name. */
function references(configuration: Json): Set<string> {
  const found = new Set<string>();
  const text = JSON.stringify(configuration);
  for (const [, expression] of text.matchAll(/\$\{((?:[^{}]|\{[^{}]*\})*)\}/g)) {
    // String literals inside expressions are not references.
    const code = String(expression).replace(/\\"(?:[^"\\]|\\[^"])*\\"/g, '""');
    for (const [reference] of code.matchAll(/\b(?:var|local|module)\.\w+|\bdata\.\w+\.\w+|\baws_\w+\.\w+/g)) found.add(reference);
  }
  return found;
}

function declared(configuration: Json): Set<string> {
  const names = new Set<string>();
  for (const name of Object.keys(configuration.variable ?? {})) names.add(`var.${name}`);
  for (const name of Object.keys(localsOf(configuration))) names.add(`local.${name}`);
  for (const name of Object.keys(configuration.module ?? {})) names.add(`module.${name}`);
  for (const [type, byName] of Object.entries((configuration.resource ?? {}) as Record<string, object>)) {
    for (const name of Object.keys(byName)) names.add(`${type}.${name}`);
  }
  for (const [type, byName] of Object.entries((configuration.data ?? {}) as Record<string, object>)) {
    for (const name of Object.keys(byName)) names.add(`data.${type}.${name}`);
  }
  return names;
}

describe('Terraform references', () => {
  it.each([
    ['the module', () => module],
    ['the example', () => example],
  ])('%s names only variables, locals, resources and data sources it declares, and uses every variable and local', (_, configuration) => {
    const used = references(configuration());
    const known = declared(configuration());
    expect([...used].filter((reference) => !known.has(reference))).toEqual([]);
    expect([...known].filter((name) => /^(var|local)\./.test(name) && !used.has(name))).toEqual([]);
    expect(used.size).toBeGreaterThan(5);
  });
});
