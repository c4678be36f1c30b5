/**
 * `UpdateUserPool` resets every setting it is not given to its default ("With the exception of
 * UserPoolTier, if you don't provide a value for an attribute, Amazon Cognito sets it to its
 * default value": the API reference). So the trigger is attached by reading the pool, keeping
 * every updatable setting, and adding only `CustomSMSSender` and `KMSKeyID` to its LambdaConfig.
 *
 * This jq filter turns `describe-user-pool --query UserPool` output into `update-user-pool
 * --cli-input-json` input. The keys are exactly UpdateUserPool's request members (minus
 * `UserPoolTier`, which is never reset; the pool's `Name` becomes `PoolName`);
 * `UnusedAccountValidityDays` is dropped because the API refuses it next to
 * `TemporaryPasswordValidityDays`, which DescribeUserPool returns in the password policy.
 */
export const ATTACH_TRIGGER_JQ_FILTER: string = [
  '{UserPoolId: .Id, PoolName: .Name} + with_entries(select(.key | IN(',
  '"AccountRecoverySetting","AdminCreateUserConfig","AutoVerifiedAttributes","DeletionProtection",',
  '"DeviceConfiguration","EmailConfiguration","EmailVerificationMessage","EmailVerificationSubject",',
  '"LambdaConfig","MfaConfiguration","Policies","SmsAuthenticationMessage",',
  '"SmsConfiguration","SmsVerificationMessage","UserAttributeUpdateSettings","UserPoolAddOns",',
  '"UserPoolTags","VerificationMessageTemplate"',
  '))) | del(.AdminCreateUserConfig.UnusedAccountValidityDays)',
  ' | .LambdaConfig += {CustomSMSSender: {LambdaVersion: "V1_0", LambdaArn: $fn}, KMSKeyID: $key}',
].join('');

/** The three values the attach commands need; strings or CDK tokens. */
export interface AttachTriggerTarget {
  readonly userPoolId: string;
  readonly functionArn: string;
  readonly keyArn: string;
}

/**
 * The one-line shell command that attaches the trigger to a pool managed elsewhere while
 * keeping all its other settings (needs the AWS CLI and jq).
 *
 * @example
 * ```ts
 * attachTriggerCommand({ userPoolId: 'eu-west-1_AbC123', functionArn, keyArn })
 * ```
 */
export function attachTriggerCommand({ userPoolId, functionArn, keyArn }: AttachTriggerTarget): string {
  return (
    `aws cognito-idp describe-user-pool --user-pool-id ${userPoolId} --query UserPool --output json` +
    ` | jq --arg fn ${functionArn} --arg key ${keyArn} '${ATTACH_TRIGGER_JQ_FILTER}' > update-user-pool.json` +
    ' && aws cognito-idp update-user-pool --cli-input-json file://update-user-pool.json'
  );
}

/**
 * The bare command from Cognito's documentation. It REPLACES the pool's whole LambdaConfig and
 * resets every other setting it omits (MFA, messages, …) to defaults: only for a pool that
 * still has default settings. Prefer {@link attachTriggerCommand}.
 *
 * @example `bareUpdateUserPoolCommand({ userPoolId, functionArn, keyArn })`
 */
export function bareUpdateUserPoolCommand({ userPoolId, functionArn, keyArn }: AttachTriggerTarget): string {
  return (
    `aws cognito-idp update-user-pool --user-pool-id ${userPoolId}` +
    ` --lambda-config "CustomSMSSender={LambdaVersion=V1_0,LambdaArn=${functionArn}},KMSKeyID=${keyArn}"`
  );
}
