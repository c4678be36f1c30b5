import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { CognitoSmsSender } from '@cognito-sms/cdk';
import { App, Stack } from 'aws-cdk-lib';
import { Template as Assertions } from 'aws-cdk-lib/assertions';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dependencyCycles } from '../../../packages/cdk/test/support.js';

const run = promisify(execFile);
const exampleDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(exampleDir, '..', '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON, read by shape in each test
type Resource = { Type: string; Properties: Record<string, any> };
type Template = { Resources: Record<string, Resource> };
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Principal?: unknown; Condition?: unknown; Resource?: unknown };

const COGNITO = { Service: 'cognito-idp.amazonaws.com' };
const ofType = (template: Template, type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const one = (template: Template, type: string): [string, Resource] => {
  const found = ofType(template, type);
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Resource];
};
const cognitoStatement = (template: Template) =>
  (one(template, 'AWS::KMS::Key')[1].Properties.KeyPolicy.Statement as Statement[]).find(
    (s) => JSON.stringify(s.Principal) === JSON.stringify(COGNITO),
  );
const cognitoPermission = (template: Template) =>
  ofType(template, 'AWS::Lambda::Permission').find(([, r]) => r.Properties.Principal === COGNITO.Service)?.[1].Properties;
const senderFunction = (template: Template) =>
  ofType(template, 'AWS::Lambda::Function').find(([, r]) => r.Properties.Environment?.Variables?.SMS_PROVIDER);

/** The same-stack pool as @cognito-sms/cdk wires it: the reference the example must match. */
function synthConstructTemplate(): Template {
  const stack = new Stack(new App(), 'Reference');
  const userPool = new UserPool(stack, 'Pool');
  new CognitoSmsSender(stack, 'Sms', {
    userPool,
    providers: ['console'],
    receipts: false,
    code: lambda.Code.fromInline('export const handler = 0'),
  });
  return Assertions.fromStack(stack).toJSON() as Template;
}
let reference: Template | undefined;
/** Synthesized once for the tests that compare with it (they only read it). */
const constructTemplate = () => (reference ??= synthConstructTemplate());

/**
 * NodejsFunction bundles with `pnpm exec esbuild` in the lockfile's directory (the repository
 * root), where no esbuild is installed: this example's devDependency is, so its bin directory
 * goes on PATH, and pnpm is the pinned one scripts/pnpm.mjs runs (already on PATH under
 * `npm test`; fetched by npm exec, from its cache, when vitest is run directly).
 */
async function pathForBundling(): Promise<string> {
  const path = `${join(exampleDir, 'node_modules', '.bin')}:${process.env.PATH}`;
  const found = await run('pnpm', ['--version'], { env: { ...process.env, PATH: path } }).then(
    () => true,
    () => false,
  );
  if (found) return path;
  const { packageManager } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { packageManager: string };
  const { stdout } = await run('npm', ['exec', '--yes', `--package=${packageManager}`, '--', 'sh', '-c', 'command -v pnpm'], {
    cwd: repoRoot,
  });
  return `${dirname(stdout.trim())}:${path}`;
}

describe('Example: examples/amplify-gen2', () => {
  let template: Template;
  let outdir: string;
  // What `ampx sandbox` runs before it deploys: tsc over amplify/ with the tsconfig.json that
  // `npm create amplify` writes (tsconfig.build.json extends it for build mode). `npm test`'s
  // build has checked it in the packages' `tsc -b` and left a tsbuildinfo, so this `tsc -b`
  // finds it up to date unless amplify/ or a declaration it reads changed since; a project with
  // errors is never up to date, so they are reported here either way. Started first, so a full
  // check runs while the backend synthesizes.
  const typecheck = run(process.execPath, [tsc, '-b', join(exampleDir, 'tsconfig.build.json')]).then(
    () => '',
    (e: { stdout?: string; message: string }) => e.stdout || e.message,
  );

  beforeAll(async () => {
    // The CDK context `ampx sandbox` hands the backend; the app writes its assembly to CDK_OUTDIR.
    process.env.CDK_CONTEXT_JSON = JSON.stringify({
      'amplify-backend-namespace': 'cognito-sms-example',
      'amplify-backend-name': 'sandbox',
      'amplify-backend-type': 'sandbox',
    });
    outdir = mkdtempSync(join(tmpdir(), 'cognito-sms-amplify-'));
    process.env.CDK_OUTDIR = outdir;
    process.env.PATH = await pathForBundling();
    // A computed specifier: the root typecheck then leaves amplify/ (and Amplify's declarations)
    // to the check above, which uses the app's own tsconfig.
    const backendModule = pathToFileURL(join(exampleDir, 'amplify', 'backend.ts')).href;
    const { backend } = (await import(backendModule)) as { backend: { auth: { resources: { userPool: IConstruct } } } };
    const authStack = Stack.of(backend.auth.resources.userPool);
    const assembly = (authStack.node.root as App).synth();
    // Amplify's auth resources are a nested stack: its template is a file of the assembly.
    template = JSON.parse(readFileSync(join(assembly.directory, authStack.templateFile), 'utf8')) as Template;
  });

  it('type-checks against @aws-amplify/backend with amplify/tsconfig.json', async () => {
    expect(await typecheck).toBe('');
  });

  it('attaches the function as the pool CustomSMSSender (V1_0) with the key Amplify created', () => {
    const [, pool] = one(template, 'AWS::Cognito::UserPool');
    const [fnId] = senderFunction(template) ?? [];
    const [keyId] = one(template, 'AWS::KMS::Key');
    expect(fnId).toBeDefined();
    expect(pool.Properties.LambdaConfig).toEqual({
      CustomSMSSender: { LambdaArn: { 'Fn::GetAtt': [fnId, 'Arn'] }, LambdaVersion: 'V1_0' },
      KMSKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
  });

  it('has no dependency cycle in the auth stack (the pool names the function and the key; only the permission and the decrypt policy name the pool)', () => {
    expect(dependencyCycles(template)).toEqual([]);
  });

  it("gives the key the construct's Cognito statement (CreateGrant + Encrypt, scoped to this account's pools)", () => {
    const reference = cognitoStatement(constructTemplate());
    expect(reference).toMatchObject({
      Action: ['kms:CreateGrant', 'kms:Encrypt'],
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    expect(cognitoStatement(template)).toEqual(reference);
  });

  it("scopes Cognito's invoke permission as the construct does (the pool ARN and the account)", () => {
    const reference = constructTemplate();
    const [referencePoolId] = one(reference, 'AWS::Cognito::UserPool');
    const [poolId] = one(template, 'AWS::Cognito::UserPool');
    const normalise = (p: Record<string, unknown> | undefined, pool: string) =>
      JSON.parse(JSON.stringify({ ...p, FunctionName: undefined }).replaceAll(pool, 'POOL'));
    expect(ofType(template, 'AWS::Lambda::Permission')).toHaveLength(1);
    expect(normalise(cognitoPermission(template), poolId)).toEqual(normalise(cognitoPermission(reference), referencePoolId));
    expect(cognitoPermission(template)).toMatchObject({
      SourceArn: { 'Fn::GetAtt': [poolId, 'Arn'] },
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it("lets the role decrypt only this pool's codes, and not encrypt", () => {
    const [poolId] = one(template, 'AWS::Cognito::UserPool');
    const [keyId] = one(template, 'AWS::KMS::Key');
    const statements = ofType(template, 'AWS::IAM::Policy').flatMap(([, r]) => r.Properties.PolicyDocument.Statement as Statement[]);
    const keyArn = { 'Fn::GetAtt': [keyId, 'Arn'] };
    // Amplify's own grant (Encrypt and Decrypt on the key) stays; the denials narrow it.
    expect(statements.some((s) => s.Effect === 'Allow' && [s.Action].flat().includes('kms:Decrypt'))).toBe(true);
    expect(statements.filter((s) => s.Effect === 'Deny')).toEqual([
      { Effect: 'Deny', Action: 'kms:Encrypt', Resource: keyArn },
      {
        Effect: 'Deny',
        Action: 'kms:Decrypt',
        Resource: keyArn,
        Condition: { StringNotEquals: { 'kms:EncryptionContext:userpool-id': { Ref: poolId } } },
      },
    ]);
  });

  it('sets the handler variables: the key, the provider, its secrets, the state table and the guard hash key', () => {
    const [keyId] = one(template, 'AWS::KMS::Key');
    const [tableId] = one(template, 'AWS::DynamoDB::Table');
    const [secretId] = one(template, 'AWS::SecretsManager::Secret');
    const fn = senderFunction(template)?.[1];
    expect(fn?.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], MemorySize: 256, Timeout: 10 });
    const variables = fn?.Properties.Environment.Variables;
    expect(variables).toMatchObject({
      SMS_PROVIDER: 'twilio',
      TWILIO_FROM: '+15005550006',
      KMS_KEY_ARN: { 'Fn::GetAtt': [keyId, 'Arn'] },
      SMS_IDEMPOTENCY_TABLE: { Ref: tableId },
      SMS_GUARD_TABLE: { Ref: tableId },
      SMS_GUARD_HASH_KEY: { Ref: secretId },
    });
    // Amplify secrets: a placeholder in the variable, the SSM path in AMPLIFY_SSM_ENV_CONFIG,
    // resolved by the bundle's banner before the handler reads the environment.
    expect(variables.TWILIO_AUTH_TOKEN).not.toMatch(/^AC|[0-9a-f]{32}/);
    expect(Object.keys(JSON.parse(variables.AMPLIFY_SSM_ENV_CONFIG) as object).join()).toMatch(/TWILIO_ACCOUNT_SID.*TWILIO_AUTH_TOKEN/);
    expect(variables).not.toHaveProperty('COGNITO_USER_POOL_IDS');
  });

  it('retries twice, then sends the event to the failure queue, with alarms on both', () => {
    const [queueId] = one(template, 'AWS::SQS::Queue');
    expect(one(template, 'AWS::Lambda::EventInvokeConfig')[1].Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    expect(ofType(template, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties.MetricName)).toEqual([
      'Errors',
      'ApproximateNumberOfMessagesVisible',
    ]);
  });

  it('bundles @cognito-sms/handler (ESM) after the SSM resolver that fills in the secrets', () => {
    const fn = senderFunction(template)?.[1];
    const bundle = readFileSync(join(outdir, `asset.${fn?.Properties.Code.S3Key.replace(/\.zip$/, '')}`, 'index.mjs'), 'utf8');
    expect(fn?.Properties.Handler).toBe('index.handler');
    const resolver = bundle.indexOf('AMPLIFY_SSM_ENV_CONFIG');
    expect(resolver).toBeGreaterThanOrEqual(0);
    expect(bundle.indexOf('CustomSMSSender_AdminCreateUser')).toBeGreaterThan(resolver);
  });
});
