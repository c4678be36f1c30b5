export type {
  ComposedMessage,
  MessageComposer,
  MessageComposerOptions,
  MessageTemplates,
  MessageVariables,
  TemplateCatalog,
  TemplateWarning,
} from './compose.js';
export {
  composeMessage,
  createMessageComposer,
  DEFAULT_LOCALE,
  DEFAULT_TEMPLATES,
  normalizeLocale,
  TEMPLATE_PLACEHOLDERS,
  templateProblems,
  unescapeHtml,
} from './compose.js';
export { commaList, envVariableName, secretString } from './config.js';
export type { CodeDecrypter, CodeDecrypterOptions } from './decrypt.js';
export { createCodeDecrypter, isKmsKeyArn } from './decrypt.js';
export type { DestinationPolicy } from './destination.js';
export {
  DESTINATION_KEY,
  destinationKeys,
  loadDestinationInspector,
  loadPhoneMetadata,
  NON_MOBILE_NUMBER_TYPES,
  NUMBER_TYPES,
  screenDestination,
} from './destination.js';
export type { Destination, DestinationInspector, NumberType, PhoneMetadata } from './destination-types.js';
export type { ConfigIssue, DecryptErrorCode, DestinationBlockedCode, RateLimitedCode } from './errors.js';
export {
  CognitoSmsError,
  ConfigError,
  DecryptError,
  DeliveryRejectedError,
  DestinationBlockedError,
  InvalidEventError,
  isCognitoSmsError,
  isConfigError,
  isDecryptError,
  isDestinationBlockedError,
  isInvalidEventError,
  isProviderError,
  isRateLimitedError,
  ProviderError,
  RateLimitedError,
} from './errors.js';
export type { CustomSmsSenderEvent, TriggerSource } from './event.js';
export { customSmsSenderEventSchema, parseCustomSmsSenderEvent, TRIGGER_SOURCES, triggerCarriesCode } from './event.js';
export type { GuardRequest, GuardVerdict, SendGuard } from './guard.js';
export { createDestinationInspector } from './inspector.js';
export type { KmsDecryptClient, KmsDecryptClientOptions, KmsDecryptInput, KmsDecryptOutput } from './kms-decrypt-client.js';
export { createKmsDecryptClient, KmsServiceError } from './kms-decrypt-client.js';
export { assertE164, isE164, maskPhoneNumber } from './phone.js';
export type { AmbiguousErrorPolicy, AttemptDecision, Clock, DeliverOptions, DeliveryEvent, DeliveryPolicy } from './policy.js';
export { DEFAULT_DELIVERY_POLICY, DeliveryTimeoutError, deliver, parseRetryAfter, systemClock } from './policy.js';
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
  isNeverConnected,
  redactor,
  redactProviderText,
  scrubProviderText,
  socketErrorCode,
  transportError,
  transportErrorInit,
} from './provider-errors.js';
export type {
  LearnedRoute,
  RouteChange,
  RouteHealth,
  RouteHealthSource,
  RouteLearner,
  RouteLearnerOptions,
} from './route-learning.js';
export { createRouteLearner } from './route-learning.js';
export type { RoutingTable, SenderChoice, SenderTable } from './routing.js';
export { selectRoute, selectSender } from './routing.js';
export { isSecret, Secret } from './secret.js';
export type { SmsEncoding, SmsSegmentInfo } from './segments.js';
export { smsSegments } from './segments.js';
export type { CustomSmsSender, CustomSmsSenderOptions, DeduplicationKey, InvocationContext, SenderEvent } from './sender.js';
export { createCustomSmsSender, deduplicationKey } from './sender.js';
export type { AwsCredentials } from './sigv4.js';
