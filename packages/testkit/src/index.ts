export { encryptLikeCognito, escapeLikeCognito } from './encrypt.js';
export type { EncryptLikeCognitoOptions, KmsEndpoint } from './encrypt.js';
export { cognitoEvent, DEFAULT_PHONE_NUMBER, DEFAULT_USER_POOL_ID } from './events.js';
export type { CognitoEventOptions } from './events.js';
export { startLoopbackKms } from './kms-server.js';
export type { KmsCall, KmsFault, LoopbackKms, LoopbackKmsOptions } from './kms-server.js';
export { startEmulator } from './emulator.js';
export type { Emulator, EmulatorRoute, RecordedRequest, ScriptedResponse } from './emulator.js';
