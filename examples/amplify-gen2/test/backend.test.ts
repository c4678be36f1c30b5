import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CognitoSmsSender } from '@cognito-sms/cdk';
import { App, type App as AppType, Stack } from 'aws-cdk-lib';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const exampleDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

type Resource = { Type: string; Properties: Record<string, any> };
type Template = { Resources: Record<string, Resource> };
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Principal?: unknown; Condition?: unknown; Resource?: unknown };

const ofType = (template: Template, type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const one = (template: Template, type: string): [string, Resource] => {
  const found = ofType(template, type);
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Resource];
};
const templateOf = (stack: Stack) => stack.resolve((stack as unknown as { _toCloudFormation(): Template })._toCloudFormation()) as Template;
const cognitoStatement = (template: Template) =>
  (one(template, 'AWS::KMS::Key')[1].Properties.KeyPolicy.Statement as Statement[]).find(
    (s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'cognito-idp.amazonaws.com' }),
  );

/** The same-stack pool as @cognito-sms/cdk wires it: the reference the example must match. */
function constructTemplate(): Template {
  const stack = new Stack(new App(), 'Reference');
  const userPool = new UserPool(stack, 'Pool');
  new CognitoSmsSender(stack, 'Sms', { userPool, providers: ['console'], code: lambda.Code.fromInline('export const handler = 0') });
  return templateOf(stack);
}

describe('Example: examples/amplify-gen2', () => {
  let template: Template;
  let outdir: string;
  beforeAll(async () => {
    // What `ampx sandbox` hands the backend as CDK context.
    process.env.CDK_CONTEXT_JSON = JSON.stringify({
      'amplify-backend-namespace': 'cognito-sms-example',
      'amplify-backend-name': 'sandbox',
      'amplify-backend-type': 'sandbox',
    });
    outdir = mkdtempSync(join(tmpdir(), 'cognito-sms-amplify-'));
    process.env.CDK_OUTDIR = outdir;
    // NodejsFunction bundles with `pnpm exec esbuild` when it finds pnpm-lock.yaml, and the
    // repository runs pnpm through npm exec (scripts/pnpm.mjs), so no pnpm is on PATH: this shim
    // runs the workspace's esbuild the same way.
    const bin = mkdtempSync(join(tmpdir(), 'cognito-sms-amplify-bin-'));
    writeFileSync(
      join(bin, 'pnpm'),
      `#!/bin/sh\n[ "$1" = exec ] || exit 64\nshift\n[ "$1" = -- ] && shift\nbin="$1"\nshift\nexec "${join(exampleDir, 'node_modules', '.bin')}/$bin" "$@"\n`,
    );
    chmodSync(join(bin, 'pnpm'), 0o755);
    process.env.PATH = `${bin}:${process.env.PATH}`;
    const { backend } = await import('../amplify/backend.js');
    const authStack = Stack.of(backend.auth.resources.userPool);
    (authStack.node.root as AppType).synth();
    template = templateOf(authStack);
  });

  it('type-checks against @aws-amplify/backend (amplify/tsconfig.json, as `npm create amplify` writes it)', async () => {
    const result = await run(process.execPath, [tsc, '-p', join(exampleDir, 'amplify', 'tsconfig.json')]).catch((e: { stdout: string }) => e);
    expect('stdout' in result ? result.stdout : '').toBe('');
  });

  it('attaches the function as the pool CustomSMSSender (V1_0) with the key Amplify created', () => {
    const [poolId, pool] = one(template, 'AWS::Cognito::UserPool');
    const [fnId] = ofType(template, 'AWS::Lambda::Function').find(([, r]) => r.Properties.Environment?.Variables?.SMS_PROVIDER) ?? [];
    const [keyId] = one(template, 'AWS::KMS::Key');
    expect(poolId).toBeTruthy();
    expect(pool.Properties.LambdaConfig).toEqual({
      CustomSMSSender: { LambdaArn: { 'Fn::GetAtt': [fnId, 'Arn'] }, LambdaVersion: 'V1_0' },
      KMSKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
  });

  it("gives the key the construct's Cognito statement (CreateGrant + Encrypt, scoped to this account's pools)", () => {
    const reference = cognitoStatement(constructTemplate());
    expect(reference).toBeDefined();
    expect(cognitoStatement(template)).toEqual(reference);
  });

  it("scopes Cognito's invoke permission as the construct does (the pool ARN and the account)", () => {
    const [referencePoolId] = one(constructTemplate(), 'AWS::Cognito::UserPool');
    const reference = one(constructTemplate(), 'AWS::Lambda::Permission')[1].Properties;
    const [poolId] = one(template, 'AWS::Cognito::UserPool');
    const permission = one(template, 'AWS::Lambda::Permission')[1].Properties;
    const normalise = (p: Record<string, unknown>, pool: string) =>
      JSON.parse(JSON.stringify({ ...p, FunctionName: undefined }).replaceAll(pool, 'POOL'));
    expect(normalise(permission, poolId)).toEqual(normalise(reference, referencePoolId));
    expect(permission).toMatchObject({ Principal: 'cognito-idp.amazonaws.com', SourceAccount: { Ref: 'AWS::AccountId' } });
  });

  it("denies the role kms:Encrypt and any decryption of another pool's codes", () => {
    const [poolId] = one(template, 'AWS::Cognito::UserPool');
    const [keyId] = one(template, 'AWS::KMS::Key');
    const statements = ofType(template, 'AWS::IAM::Policy').flatMap(([, r]) => r.Properties.PolicyDocument.Statement as Statement[]);
    expect(statements.filter((s) => s.Effect === 'Deny')).toEqual([
      { Effect: 'Deny', Action: 'kms:Encrypt', Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } },
      {
        Effect: 'Deny',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
        Condition: { StringNotEquals: { 'kms:EncryptionContext:userpool-id': { Ref: poolId } } },
      },
    ]);
  });

  it('sets the handler variables: the key, the provider, the state table and the guard hash key', () => {
    const [keyId] = one(template, 'AWS::KMS::Key');
    const [tableId] = one(template, 'AWS::DynamoDB::Table');
    const [secretId] = one(template, 'AWS::SecretsManager::Secret');
    const fn = ofType(template, 'AWS::Lambda::Function').find(([, r]) => r.Properties.Environment?.Variables?.SMS_PROVIDER)?.[1];
    expect(fn?.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], MemorySize: 256, Timeout: 10 });
    expect(fn?.Properties.Environment.Variables).toMatchObject({
      SMS_PROVIDER: 'twilio',
      KMS_KEY_ARN: { 'Fn::GetAtt': [keyId, 'Arn'] },
      SMS_IDEMPOTENCY_TABLE: { Ref: tableId },
      SMS_GUARD_TABLE: { Ref: tableId },
      SMS_GUARD_HASH_KEY: { Ref: secretId },
    });
    expect(fn?.Properties.Environment.Variables).not.toHaveProperty('COGNITO_USER_POOL_IDS');
  });

  it('retries twice, then sends the event to the failure queue', () => {
    const [queueId] = one(template, 'AWS::SQS::Queue');
    expect(one(template, 'AWS::Lambda::EventInvokeConfig')[1].Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    expect(ofType(template, 'AWS::CloudWatch::Alarm')).toHaveLength(2);
  });

  it('bundles @cognito-sms/handler (ESM) into the function asset', () => {
    const fn = ofType(template, 'AWS::Lambda::Function').find(([, r]) => r.Properties.Environment?.Variables?.SMS_PROVIDER)?.[1];
    const assetDir = join(outdir, `asset.${fn?.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
    expect(fn?.Properties.Handler).toBe('index.handler');
    expect(readFileSync(join(assetDir, 'index.mjs'), 'utf8')).toContain('CustomSMSSender_AdminCreateUser');
  });
});
