// The cognito-sms Lambda entry, bundled by Amplify (esbuild) into this function. It reads its
// configuration from the environment once, at cold start: SMS_PROVIDER and the provider's
// variables from resource.ts, KMS_KEY_ARN and the state table's names from backend.ts.
export { handler } from '@cognito-sms/handler';
