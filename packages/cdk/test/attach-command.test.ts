import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ATTACH_TRIGGER_JQ_FILTER, attachTriggerCommand, bareUpdateUserPoolCommand } from '../src/index.js';

const run = promisify(execFile);
const hasJq = (() => {
  try {
    execFileSync('jq', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

// The members of UpdateUserPool's request, from `aws cognito-idp update-user-pool
// --generate-cli-skeleton input` (AWS CLI 1.45.11 / botocore 1.43.11).
const UPDATE_USER_POOL_MEMBERS = [
  'AccountRecoverySetting',
  'AdminCreateUserConfig',
  'AutoVerifiedAttributes',
  'DeletionProtection',
  'DeviceConfiguration',
  'EmailConfiguration',
  'EmailVerificationMessage',
  'EmailVerificationSubject',
  'LambdaConfig',
  'MfaConfiguration',
  'Policies',
  'PoolName',
  'SmsAuthenticationMessage',
  'SmsConfiguration',
  'SmsVerificationMessage',
  'UserAttributeUpdateSettings',
  'UserPoolAddOns',
  'UserPoolId',
  'UserPoolTags',
  'UserPoolTier',
  'VerificationMessageTemplate',
];

// What `describe-user-pool --query UserPool` returns for a configured pool (trimmed).
const DESCRIBED = {
  Id: 'eu-west-1_AbC123',
  Name: 'customers',
  Arn: 'arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_AbC123',
  Status: 'Enabled',
  CreationDate: '2026-01-01T00:00:00Z',
  LastModifiedDate: '2026-02-01T00:00:00Z',
  EstimatedNumberOfUsers: 42,
  Domain: 'customers-auth',
  SchemaAttributes: [{ Name: 'phone_number', AttributeDataType: 'String', Mutable: true, Required: true }],
  UsernameAttributes: ['phone_number'],
  UsernameConfiguration: { CaseSensitive: false },
  UserPoolTier: 'ESSENTIALS',
  Policies: { PasswordPolicy: { MinimumLength: 12, RequireNumbers: true, TemporaryPasswordValidityDays: 3 } },
  DeletionProtection: 'ACTIVE',
  LambdaConfig: { PreSignUp: 'arn:aws:lambda:eu-west-1:111122223333:function:pre-sign-up' },
  AutoVerifiedAttributes: ['phone_number'],
  SmsVerificationMessage: 'Your code is {####}',
  SmsAuthenticationMessage: 'Your sign-in code is {####}',
  MfaConfiguration: 'ON',
  SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::111122223333:role/cognito-sms', ExternalId: 'x', SnsRegion: 'eu-west-1' },
  AdminCreateUserConfig: { AllowAdminCreateUserOnly: true, UnusedAccountValidityDays: 3 },
  AccountRecoverySetting: { RecoveryMechanisms: [{ Priority: 1, Name: 'verified_phone_number' }] },
  UserPoolTags: { team: 'identity' },
};

const target = {
  userPoolId: 'eu-west-1_AbC123',
  functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:cognito-sms',
  keyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};

describe('Function: attachTriggerCommand', () => {
  it('reads the pool, then updates it from a file', () => {
    const command = attachTriggerCommand(target);
    expect(command).toMatch(/^aws cognito-idp describe-user-pool --user-pool-id eu-west-1_AbC123 --query UserPool --output json \| jq /);
    expect(command).toContain(`--arg fn ${target.functionArn} --arg key ${target.keyArn}`);
    expect(command).toMatch(/&& aws cognito-idp update-user-pool --cli-input-json file:\/\/update-user-pool\.json$/);
  });

  it('keeps the bare documented form for pools with default settings', () => {
    expect(bareUpdateUserPoolCommand(target)).toBe(
      `aws cognito-idp update-user-pool --user-pool-id eu-west-1_AbC123 --lambda-config "CustomSMSSender={LambdaVersion=V1_0,LambdaArn=${target.functionArn}},KMSKeyID=${target.keyArn}"`,
    );
  });

  it.skipIf(!hasJq)(
    'keeps every updatable setting and other triggers, adds only the sender and key, and sends no read-only member',
    async () => {
      // Prepare: a fake `aws` on PATH that answers describe-user-pool and records update-user-pool.
      const dir = mkdtempSync(join(tmpdir(), 'cognito-sms-attach-'));
      writeFileSync(join(dir, 'described.json'), JSON.stringify(DESCRIBED));
      writeFileSync(
        join(dir, 'aws'),
        `#!/bin/sh\ncase "$2" in\n  describe-user-pool) cat "${join(dir, 'described.json')}" ;;\n  update-user-pool) echo "$@" > "${join(dir, 'update-args')}" ;;\nesac\n`,
      );
      chmodSync(join(dir, 'aws'), 0o755);
      // Act
      await run('sh', ['-c', attachTriggerCommand(target)], {
        cwd: dir,
        env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` },
      });
      // Assess
      expect(readFileSync(join(dir, 'update-args'), 'utf8').trim()).toBe(
        'cognito-idp update-user-pool --cli-input-json file://update-user-pool.json',
      );
      const input = JSON.parse(readFileSync(join(dir, 'update-user-pool.json'), 'utf8')) as Record<string, unknown>;
      for (const key of Object.keys(input)) expect(UPDATE_USER_POOL_MEMBERS).toContain(key);
      expect(input).toEqual({
        UserPoolId: 'eu-west-1_AbC123',
        PoolName: 'customers',
        Policies: DESCRIBED.Policies,
        DeletionProtection: 'ACTIVE',
        LambdaConfig: {
          PreSignUp: DESCRIBED.LambdaConfig.PreSignUp,
          CustomSMSSender: { LambdaVersion: 'V1_0', LambdaArn: target.functionArn },
          KMSKeyID: target.keyArn,
        },
        AutoVerifiedAttributes: ['phone_number'],
        SmsVerificationMessage: DESCRIBED.SmsVerificationMessage,
        SmsAuthenticationMessage: DESCRIBED.SmsAuthenticationMessage,
        MfaConfiguration: 'ON',
        SmsConfiguration: DESCRIBED.SmsConfiguration,
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        AccountRecoverySetting: DESCRIBED.AccountRecoverySetting,
        UserPoolTags: { team: 'identity' },
      });
    },
  );

  it.skipIf(!hasJq)('works for a pool without any LambdaConfig yet', () => {
    const { LambdaConfig: _, ...bare } = DESCRIBED;
    const output = execFileSync('jq', ['--arg', 'fn', target.functionArn, '--arg', 'key', target.keyArn, ATTACH_TRIGGER_JQ_FILTER], {
      input: JSON.stringify(bare),
    });
    expect(JSON.parse(output.toString()).LambdaConfig).toEqual({
      CustomSMSSender: { LambdaVersion: 'V1_0', LambdaArn: target.functionArn },
      KMSKeyID: target.keyArn,
    });
  });
});
