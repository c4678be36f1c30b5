export type { CloudWatchLogsEvent, SnsNotificationEvent } from './aws-events.js';
export { cloudWatchLogsEvent, snsEvent } from './aws-events.js';
export type { CallbackSender, DeliveryOutcome, OutcomeByDestination, SentCallback, StatusCallback } from './callbacks.js';
export { createCallbackSender } from './callbacks.js';
export type { Emulator, EmulatorRoute, RecordedRequest, ScriptedResponse } from './emulator.js';
export { startEmulator } from './emulator.js';
export type { AwsCall, AwsJsonEmulator } from './emulators/aws-json.js';
export type { SecretsManagerEmulator, SecretsManagerEmulatorOptions } from './emulators/secrets-manager.js';
export { startSecretsManagerEmulator } from './emulators/secrets-manager.js';
export type { SsmEmulator, SsmEmulatorOptions } from './emulators/ssm.js';
export { startSsmEmulator } from './emulators/ssm.js';
export type { EncryptLikeCognitoOptions, KmsEndpoint } from './encrypt.js';
export { COGNITO_KMS_CREDENTIALS, encryptLikeCognito, escapeLikeCognito } from './encrypt.js';
export type { CognitoEventOptions } from './events.js';
export { cognitoEvent, DEFAULT_PHONE_NUMBER, DEFAULT_USER_POOL_ID } from './events.js';
export type { FunctionUrl, FunctionUrlContext, FunctionUrlEvent, FunctionUrlHandler, FunctionUrlResult } from './function-url.js';
export { startFunctionUrl } from './function-url.js';
export type { KmsCall, KmsFault, LoopbackKms, LoopbackKmsOptions } from './kms-server.js';
export { startLoopbackKms } from './kms-server.js';
export type { EncryptVariantOptions, MessagePart, MessageRegion } from './tamper.js';
export {
  encryptCommitting,
  encryptWithDataKeys,
  flipBit,
  messageRegions,
  regionAt,
  replaceField,
  tamperBase64,
  withEncryptionContext,
} from './tamper.js';
