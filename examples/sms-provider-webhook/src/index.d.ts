import type { ProviderDefinition, Secret } from '@cognito-sms/core/provider';

declare const webhook: ProviderDefinition<{ url: string; signingSecret: Secret }>;
export default webhook;
