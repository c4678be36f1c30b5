// The part of core an adapter needs: the contract, errors, Secret and config helpers.
// It imports neither the Encryption SDK nor an AWS client, so an adapter stays light.
export { commaList, envVariableName, secretString } from './config.js';
export {
  CognitoSmsError,
  ConfigError,
  ProviderError,
  isCognitoSmsError,
  isConfigError,
  isProviderError,
} from './errors.js';
export type { ConfigIssue } from './errors.js';
export type { TriggerSource } from './event.js';
export { maskPhoneNumber } from './phone.js';
export { defineProvider } from './provider.js';
export type { Logger, ProviderDefinition, ProviderDeps, SendOptions, SendReceipt, SmsMessage, SmsProvider } from './provider.js';
export { Secret, isSecret } from './secret.js';
