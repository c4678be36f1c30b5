import { defineFunction, secret } from '@aws-amplify/backend';

/**
 * The CustomSMSSender function: cognito-sms sending through Twilio. Another provider: change
 * SMS_PROVIDER and its variables (see the provider's README); several ids fail over in order.
 * Credentials are Amplify secrets (`npx ampx sandbox secret set TWILIO_AUTH_TOKEN`), resolved
 * into the environment before the handler reads it.
 */
export const smsSender = defineFunction({
  name: 'cognito-sms-sender',
  entry: './handler.ts',
  runtime: 22,
  architecture: 'arm64',
  memoryMB: 256,
  // Room for a failover after one slow provider attempt; custom sender triggers are not held
  // to the 5-second limit of synchronous triggers.
  timeoutSeconds: 10,
  // In the auth stack: the user pool and its trigger refer to each other.
  resourceGroupName: 'auth',
  environment: {
    SMS_PROVIDER: 'twilio',
    TWILIO_ACCOUNT_SID: secret('TWILIO_ACCOUNT_SID'),
    TWILIO_AUTH_TOKEN: secret('TWILIO_AUTH_TOKEN'),
    TWILIO_FROM: '+15005550006',
  },
});
