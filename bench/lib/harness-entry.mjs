// What the bench's parent process takes from the testkit. run.mjs bundles this file with
// esbuild from the testkit's TypeScript sources (condition `@cognito-sms/source`), so the bench
// needs no `tsc` build of the workspace first.
export { cognitoEvent, encryptLikeCognito, startLoopbackKms } from '@cognito-sms/testkit';
export { startEndUserMessagingEmulator } from '@cognito-sms/testkit/emulators/end-user-messaging';
export { startSnsEmulator } from '@cognito-sms/testkit/emulators/sns';
export { startTwilioEmulator } from '@cognito-sms/testkit/emulators/twilio';
export { startVonageEmulator } from '@cognito-sms/testkit/emulators/vonage';
