export { composeMessage, DEFAULT_TEMPLATES, unescapeHtml } from './compose.js';
export type { MessageTemplates, MessageVariables } from './compose.js';
export { commaList, envVariableName, secretString } from './config.js';
export { createCodeDecrypter, isKmsKeyArn } from './decrypt.js';
export type { CodeDecrypter, CodeDecrypterOptions, KmsDecryptClient } from './decrypt.js';
export {
  CognitoSmsError,
  ConfigError,
  DecryptError,
  DeliveryRejectedError,
  InvalidEventError,
  ProviderError,
  isCognitoSmsError,
  isConfigError,
  isDecryptError,
  isInvalidEventError,
  isProviderError,
} from './errors.js';
export type { ConfigIssue, DecryptErrorCode } from './errors.js';
export { customSmsSenderEventSchema, parseCustomSmsSenderEvent, TRIGGER_SOURCES, triggerCarriesCode } from './event.js';
export type { CustomSmsSenderEvent, TriggerSource } from './event.js';
export { assertE164, isE164, maskPhoneNumber } from './phone.js';
export { DEFAULT_DELIVERY_POLICY, DeliveryTimeoutError, deliver } from './policy.js';
export type { DeliverOptions, DeliveryPolicy } from './policy.js';
export { defineProvider } from './provider.js';
export type { Logger, ProviderDefinition, ProviderDeps, SendOptions, SendReceipt, SmsMessage, SmsProvider } from './provider.js';
export { Secret, isSecret } from './secret.js';
export { createCustomSmsSender } from './sender.js';
export type { CustomSmsSender, CustomSmsSenderOptions, InvocationContext } from './sender.js';
