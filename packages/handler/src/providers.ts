import type { ProviderDefinition } from '@cognito-sms/core';

type DefinitionModule = Promise<{ default: ProviderDefinition<unknown> }>;

/**
 * The adapters shipped with this project, by id. Each is a dynamic import so the bundle keeps
 * every adapter in its own chunk and a cold start loads only the ones `SMS_PROVIDER` names.
 * Read it with an own-property check (`Object.hasOwn`): a plain object also answers to
 * `constructor` or `toString`. It stays a plain object because scripts/bundle.mjs generates one
 * per bundle.
 */
export const BUILT_IN_PROVIDERS: Readonly<Record<string, () => DefinitionModule>> = {
  console: () => import('@cognito-sms/provider-console') as DefinitionModule,
  twilio: () => import('@cognito-sms/provider-twilio') as DefinitionModule,
  vonage: () => import('@cognito-sms/provider-vonage') as DefinitionModule,
  messagebird: () => import('@cognito-sms/provider-messagebird') as DefinitionModule,
  sns: () => import('@cognito-sms/provider-sns') as DefinitionModule,
  'end-user-messaging': () => import('@cognito-sms/provider-end-user-messaging') as DefinitionModule,
  plivo: () => import('@cognito-sms/provider-plivo') as DefinitionModule,
  telnyx: () => import('@cognito-sms/provider-telnyx') as DefinitionModule,
  sinch: () => import('@cognito-sms/provider-sinch') as DefinitionModule,
  infobip: () => import('@cognito-sms/provider-infobip') as DefinitionModule,
};
