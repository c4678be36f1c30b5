import type { ProviderDefinition } from '@cognito-sms/core';

/**
 * The adapters shipped with this project, by id. Each is a dynamic import so the bundle keeps
 * every adapter in its own chunk and a cold start loads only the ones `SMS_PROVIDER` names.
 */
export const BUILT_IN_PROVIDERS: Readonly<Record<string, () => Promise<{ default: ProviderDefinition<unknown> }>>> = {
  console: () => import('@cognito-sms/provider-console') as Promise<{ default: ProviderDefinition<unknown> }>,
};
