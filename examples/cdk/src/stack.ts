import { CognitoSmsSender, findBundle } from '@cognito-sms/cdk';
import { Annotations, CfnOutput, SecretValue, Stack, type StackProps } from 'aws-cdk-lib';
import { Mfa, UserPool } from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

export interface SmsExampleStackProps extends StackProps {
  /** Secrets Manager secret holding `{"accountSid": "AC…", "authToken": "…"}`. Default `cognito-sms/twilio`. */
  readonly twilioSecretName?: string;
  /**
   * Pin the secret's version (its VersionId). Changing it is what makes CloudFormation read the
   * secret again: the rotation step in docs/deploy.md. Default: the current version at deploy time.
   */
  readonly twilioSecretVersion?: string;
  /** The Twilio sender (`TWILIO_FROM`). Default: Twilio's test number +15005550006. */
  readonly twilioFrom?: string;
  /** Where `npm run bundle` wrote its zips. Default: this repository's packages/handler/dist-lambda. */
  readonly bundleDir?: string;
}

// Deployed only when the real bundle is missing, so that synthesis still works offline; the
// function then fails every invocation with this message (and synth warns).
const PLACEHOLDER = `exports.handler = async () => { throw new Error('cognito-sms example deployed without its bundle: run "npm run bundle -- --providers twilio" and deploy again'); };`;

/**
 * A user pool that signs users in with their phone number, and whose SMS (sign-up codes, MFA
 * codes, password resets, temporary passwords) go through Twilio via cognito-sms.
 */
export class SmsExampleStack extends Stack {
  readonly userPool: UserPool;
  readonly sender: CognitoSmsSender;

  constructor(scope: Construct, id: string, props: SmsExampleStackProps = {}) {
    super(scope, id, props);

    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: true,
      signInAliases: { phone: true },
      autoVerify: { phone: true },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { sms: true, otp: true },
    });

    // Created beforehand (docs/deploy.md): the credentials never appear in this code or template.
    const secretName = props.twilioSecretName ?? 'cognito-sms/twilio';
    const twilio = Secret.fromSecretNameV2(this, 'TwilioCredentials', secretName);
    // CloudFormation dynamic references, resolved at deploy time and never stored in the template.
    const fromSecret = (jsonField: string) =>
      SecretValue.secretsManager(secretName, {
        jsonField,
        ...(props.twilioSecretVersion ? { versionId: props.twilioSecretVersion } : {}),
      }).unsafeUnwrap();

    const bundle = findBundle(['twilio'], props.bundleDir);
    if (!bundle) {
      Annotations.of(this).addWarningV2(
        '@cognito-sms/example:placeholder',
        'No twilio bundle found: the function gets placeholder code. Run "npm run bundle -- --providers twilio" before deploying.',
      );
    }

    this.sender = new CognitoSmsSender(this, 'Sms', {
      userPool: this.userPool,
      providers: ['twilio'],
      secrets: [twilio],
      environment: {
        TWILIO_ACCOUNT_SID: fromSecret('accountSid'),
        TWILIO_AUTH_TOKEN: fromSecret('authToken'),
        TWILIO_FROM: props.twilioFrom ?? '+15005550006',
      },
      ...(bundle ? { bundleDir: props.bundleDir } : { code: lambda.Code.fromInline(PLACEHOLDER) }),
    });

    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'SenderFunctionName', { value: this.sender.function.functionName });
    new CfnOutput(this, 'SenderKeyArn', { value: this.sender.key.keyArn });
    new CfnOutput(this, 'FailedInvocationsQueueUrl', { value: this.sender.failedInvocations.queueUrl });
  }
}
