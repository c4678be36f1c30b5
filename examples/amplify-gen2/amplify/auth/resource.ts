import { defineAuth } from '@aws-amplify/backend';
import { smsSender } from '../functions/sms-sender/resource';

/**
 * A phone-number user pool whose SMS (sign-up codes, MFA, temporary passwords, …) Cognito hands
 * to cognito-sms instead of sending them itself.
 *
 * `kmsKeyArn`: the key Cognito encrypts each code with. Unset, Amplify creates one (rotated
 * yearly) and backend.ts gives it the key policy Cognito needs. Set COGNITO_SMS_KMS_KEY_ARN to
 * use a key you manage; its policy must then hold the statement docs/deploy.md shows.
 */
export const auth = defineAuth({
  loginWith: { phone: true },
  senders: {
    sms: {
      handler: smsSender,
      ...(process.env.COGNITO_SMS_KMS_KEY_ARN ? { kmsKeyArn: process.env.COGNITO_SMS_KMS_KEY_ARN } : {}),
    },
  },
});
