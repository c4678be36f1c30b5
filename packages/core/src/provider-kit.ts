// The part of core an adapter needs: the contract, errors and their helpers, Secret and config helpers.
// It imports neither the Encryption SDK nor an AWS client, so an adapter stays light.
export type { AwsClientLike, AwsErrorAnswer, AwsErrorClass, AwsProviderErrorContext, AwsSdkError } from './aws-errors.js';
export { AWS_PERMANENT, AWS_SERVER_ERROR, AWS_THROTTLED, assertAwsClientSetup, awsProviderError } from './aws-errors.js';
export { commaList, envVariableName, secretString } from './config.js';
export type { ConfigIssue } from './errors.js';
export {
  CognitoSmsError,
  ConfigError,
  isCognitoSmsError,
  isConfigError,
  isProviderError,
  ProviderError,
} from './errors.js';
export type { TriggerSource } from './event.js';
export { maskPhoneNumber } from './phone.js';
export { parseRetryAfter } from './policy.js';
export type { JsonAnswer } from './post-json.js';
export { postJson } from './post-json.js';
export type {
  ConfigSchema,
  Logger,
  ProviderDefinition,
  ProviderDeps,
  SendOptions,
  SendReceipt,
  SmsMessage,
  SmsProvider,
} from './provider.js';
export { defineProvider } from './provider.js';
export type { ProviderErrorInit, Redact, TransportErrorOptions, TransportWording } from './provider-errors.js';
export {
  apiTransportWording,
  invalidResponseError,
  isNeverConnected,
  redactor,
  redactProviderText,
  scrubProviderText,
  socketErrorCode,
  transportError,
  transportErrorInit,
} from './provider-errors.js';
export { isSecret, Secret } from './secret.js';
export type { SmsEncoding, SmsSegmentInfo } from './segments.js';
export { smsSegments } from './segments.js';
