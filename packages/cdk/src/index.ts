export type { AttachTriggerTarget } from './attach-command.js';
export { ATTACH_TRIGGER_JQ_FILTER, attachTriggerCommand, bareUpdateUserPoolCommand } from './attach-command.js';
export type { BundleManifest, FoundBundle } from './bundle.js';
export { bundleName, DEFAULT_BUNDLE_DIR, findBundle, installedHandlerDir, requireBundle } from './bundle.js';
export type { CognitoSmsGuardProps, CognitoSmsSenderProps } from './cognito-sms-sender.js';
export {
  COGNITO_SERVICE_PRINCIPAL,
  CognitoSmsSender,
  RESERVED_ENVIRONMENT,
  STATE_ENVIRONMENT,
  STATE_TABLE_ACTIONS,
} from './cognito-sms-sender.js';
export type { DeliveryDashboardProps } from './dashboard.js';
export { createDeliveryDashboard } from './dashboard.js';
export type { CognitoSmsReceiptsProps, DeliveryReceiptsProps, SmsMetric } from './delivery-receipts.js';
export {
  DELIVERY_METRICS,
  DeliveryReceipts,
  RECEIPTS_ENVIRONMENT,
  RECEIPTS_HANDLER,
  RECEIPTS_TABLE_ACTIONS,
  receiptsEnvironment,
  smsMetricFactory,
} from './delivery-receipts.js';
export { BundleNotFoundError, InvalidSenderPropsError, isBundleNotFoundError, isInvalidSenderPropsError } from './errors.js';
