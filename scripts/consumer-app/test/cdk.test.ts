// A CDK app as a user writes it after `npm i @cognito-sms/cdk aws-cdk-lib constructs`: a user
// pool and one CognitoSmsSender whose provider is a prop, and no `code`: the construct deploys the
// installed handler's bundle (`dist/`, every built-in provider, each in a chunk loaded on demand).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CognitoSmsSender } from '@cognito-sms/cdk';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';

function synth(provider: string, environment: Record<string, string>) {
  // aws-cdk-lib's built-in CloudFormation validation loads a WebAssembly engine for seconds; the
  // workspace's own CDK tests run it, this check is about what the installed packages produce.
  const app = new App({
    analyticsReporting: false,
    builtinCloudFormationValidation: false,
    // Records each asset's staged directory on its resource, as the cdk CLI does.
    context: { 'aws:cdk:enable-asset-metadata': true },
    outdir: fileURLToPath(new URL(`../cdk.out/${provider}/`, import.meta.url)),
  });
  const stack = new Stack(app, 'Auth');
  const userPool = new UserPool(stack, 'Pool', { signInAliases: { phone: true } });
  const sender = new CognitoSmsSender(stack, 'Sms', { userPool, providers: [provider], environment });
  return { template: Template.fromStack(stack), stack, sender };
}

describe.each([
  ['twilio', { TWILIO_FROM: '+15005550006' }],
  ['sns', {}],
])('Consumer: CognitoSmsSender with providers: [%s]', (provider, environment) => {
  const { template, stack, sender } = synth(provider, environment);
  const fn = stack.getLogicalId(sender.function.node.defaultChild as lambda.CfnFunction);

  it("deploys the installed handler's dist/ as the code, ESM entries for both functions and no types", () => {
    const out = fileURLToPath(new URL(`../cdk.out/${provider}/`, import.meta.url));
    const code = template.findResources('AWS::Lambda::Function')[fn]?.Metadata?.['aws:asset:path'] as string;
    const asset = join(out, code);
    expect(JSON.parse(readFileSync(join(asset, 'package.json'), 'utf8'))).toEqual({ type: 'module' });
    expect(existsSync(join(asset, 'index.js'))).toBe(true);
    expect(existsSync(join(asset, 'receipts.js'))).toBe(true);
    expect(existsSync(join(asset, 'types'))).toBe(false);
  });

  it('runs the handler on nodejs22.x with the chosen provider and the key', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Environment: { Variables: Match.objectLike({ SMS_PROVIDER: provider, KMS_KEY_ARN: Match.anyValue(), ...environment }) },
    });
  });

  it("gives Cognito kms:CreateGrant and kms:Encrypt in the key policy, scoped to this account's pools", () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cognito-idp.amazonaws.com' },
            Action: ['kms:CreateGrant', 'kms:Encrypt'],
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ]),
      },
    });
  });

  it('lets the function decrypt only codes of this pool', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'kms:Decrypt',
            Condition: { StringEquals: { 'kms:EncryptionContext:userpool-id': { Ref: Match.stringLikeRegexp('^Pool') } } },
          }),
        ]),
      },
    });
  });

  it('lets Cognito invoke the function for this pool only', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'cognito-idp.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Pool'), 'Arn'] },
    });
  });

  it("sets the pool's CustomSMSSender trigger and KMS key", () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        CustomSMSSender: { LambdaArn: { 'Fn::GetAtt': [fn, 'Arn'] }, LambdaVersion: 'V1_0' },
        KMSKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SmsKey'), 'Arn'] },
      },
    });
  });

  it('gives every table it creates to the function: named in its environment, granted in its role', () => {
    const tables = Object.keys(template.findResources('AWS::DynamoDB::Table'));
    expect(tables.length).toBeGreaterThan(0);
    const resources = template.toJSON().Resources as Record<string, { Type: string; Properties?: unknown }>;
    const fnJson = JSON.stringify(resources[fn]?.Properties);
    const policies = JSON.stringify(Object.values(template.findResources('AWS::IAM::Policy')));
    for (const table of tables) {
      expect(fnJson, `${table} in the function's environment`).toContain(JSON.stringify({ Ref: table }));
      expect(policies, `${table} in a policy of the function's role`).toContain(JSON.stringify({ 'Fn::GetAtt': [table, 'Arn'] }));
    }
  });
});
