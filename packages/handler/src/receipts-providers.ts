import type { ReceiptsDefinition } from '@cognito-sms/core/receipts';

type ReceiptsModule = Promise<{ default: ReceiptsDefinition<unknown> }>;

/**
 * The receipts parts of the adapters shipped with this project, by id: each adapter's
 * `./receipts` subpath, a dynamic import so the receipts function loads only those the chains
 * name, and never an adapter's sending half. The console adapter has none. Read it with
 * `Object.hasOwn`; scripts/bundle.mjs generates one per bundle, like src/providers.ts.
 */
export const BUILT_IN_RECEIPTS: Readonly<Record<string, () => ReceiptsModule>> = {
  'end-user-messaging': () => import('@cognito-sms/provider-end-user-messaging/receipts') as ReceiptsModule,
  sns: () => import('@cognito-sms/provider-sns/receipts') as ReceiptsModule,
  twilio: () => import('@cognito-sms/provider-twilio/receipts') as ReceiptsModule,
  vonage: () => import('@cognito-sms/provider-vonage/receipts') as ReceiptsModule,
  messagebird: () => import('@cognito-sms/provider-messagebird/receipts') as ReceiptsModule,
  plivo: () => import('@cognito-sms/provider-plivo/receipts') as ReceiptsModule,
  telnyx: () => import('@cognito-sms/provider-telnyx/receipts') as ReceiptsModule,
  sinch: () => import('@cognito-sms/provider-sinch/receipts') as ReceiptsModule,
  infobip: () => import('@cognito-sms/provider-infobip/receipts') as ReceiptsModule,
};
