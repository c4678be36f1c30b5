// AWS End User Messaging SMS events, as a configuration set's event destination publishes them
// to an SNS topic the receipts function subscribes to: each notification's `Message` is one
// event, `{ eventType, eventTimestamp, isFinal, messageId, isoCountryCode, messageStatus,
// messageStatusDescription, destinationPhoneNumber, … }`.
// Sources: "Event types for SMS, MMS, and voice" (docs.aws.amazon.com/sms-voice/latest/userguide/
// configuration-sets-event-types.html), "Example AWS End User Messaging SMS event data"
// (…/configuration-sets-event-format.html), and the `EventType` enum of the
// pinpoint-sms-voice-v2 API (API_EventDestination.html, MatchingEventTypes). AWS invoking the
// function through the topic is the authentication.

import { scrubProviderText } from '@cognito-sms/core/provider';
import { type DeliveryReceipt, defineReceipts, malformed, type ProviderStatuses } from '@cognito-sms/core/receipts';
import * as z from '@cognito-sms/core/zod';

/**
 * Each SMS event type → the vocabulary, and whether it is final when the event does not say
 * (`isFinal`, which AWS sends and which wins). `undelivered`: the carrier or the phone did not
 * take it (unreachable, blocked, spam); `failed`: AWS did not send it (invalid number or body,
 * a protect configuration); `unknown`: nobody knows, which AWS also reports after 72 hours
 * without a final carrier status.
 *
 * @example `END_USER_MESSAGING_EVENTS.TEXT_UNREACHABLE // { state: 'undelivered', final: true }`
 */
export const END_USER_MESSAGING_EVENTS: ProviderStatuses = {
  TEXT_QUEUED: { state: 'unknown', final: false },
  TEXT_PENDING: { state: 'unknown', final: false },
  TEXT_SENT: { state: 'unknown', final: false },
  // Accepted by the recipient's carrier; some countries report TEXT_DELIVERED instead, others
  // both (then `isFinal` is false on this one).
  TEXT_SUCCESSFUL: { state: 'delivered', final: true },
  TEXT_DELIVERED: { state: 'delivered', final: true },
  TEXT_INVALID: { state: 'failed', final: true },
  TEXT_INVALID_MESSAGE: { state: 'failed', final: true },
  TEXT_PROTECT_BLOCKED: { state: 'failed', final: true },
  TEXT_UNREACHABLE: { state: 'undelivered', final: true },
  TEXT_CARRIER_UNREACHABLE: { state: 'undelivered', final: true },
  TEXT_BLOCKED: { state: 'undelivered', final: true },
  TEXT_CARRIER_BLOCKED: { state: 'undelivered', final: true },
  TEXT_SPAM: { state: 'undelivered', final: true },
  TEXT_TTL_EXPIRED: { state: 'expired', final: true },
  TEXT_UNKNOWN: { state: 'unknown', final: true },
};

/** End User Messaging needs no setting to read its events: AWS delivering them is the authentication. */
export const endUserMessagingReceiptsConfig = z.object({});

/**
 * Reads one End User Messaging SMS event (an SNS notification's `Message`). The destination
 * number in it is read by nobody and never logged.
 *
 * @throws {ReceiptRejectedError} `Malformed` for anything but an SMS (`TEXT_*`) event.
 * @example `readEndUserMessagingEvent({ message: notification.Message })`
 */
export function readEndUserMessagingEvent(event: { readonly message: string }): DeliveryReceipt {
  let parsed: unknown;
  try {
    parsed = JSON.parse(event.message);
  } catch {
    throw malformed('the notification message is not JSON');
  }
  const data = (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : {}) as Record<string, unknown>;
  const { eventType, messageId } = data;
  if (typeof eventType !== 'string' || !/^TEXT_[A-Z_]{1,40}$/.test(eventType)) {
    // Voice, MMS, RCS or registration events: the event destination matches more than SMS.
    throw malformed('not an SMS event (eventType TEXT_*)');
  }
  if (typeof messageId !== 'string' || messageId === '') throw malformed('no messageId');
  const known = END_USER_MESSAGING_EVENTS[eventType];
  const destination = typeof data.destinationPhoneNumber === 'string' ? data.destinationPhoneNumber : '';
  const description = scrubProviderText(data.messageStatusDescription, { to: destination, body: '' }, 80);
  const country = typeof data.isoCountryCode === 'string' && /^[A-Z]{2}$/.test(data.isoCountryCode) ? data.isoCountryCode : undefined;
  const at = typeof data.eventTimestamp === 'number' && Number.isFinite(data.eventTimestamp) ? data.eventTimestamp : undefined;
  return {
    provider: 'end-user-messaging',
    messageId,
    state: known?.state ?? 'unknown',
    // A type this table does not know is intermediate unless AWS says it is final.
    final: typeof data.isFinal === 'boolean' ? data.isFinal : (known?.final ?? false),
    providerStatus: eventType,
    ...(description === undefined ? {} : { providerCode: description }),
    ...(at === undefined ? {} : { at }),
    ...(country === undefined ? {} : { country }),
  };
}

/**
 * End User Messaging's delivery receipts: the configuration set's SNS event destination, with
 * the receipts function subscribed to that topic.
 *
 * @example `SMS_PROVIDER=end-user-messaging END_USER_MESSAGING_CONFIGURATION_SET=codes (events flow only for messages sent with a configuration set)`
 */
const endUserMessagingReceipts = defineReceipts<z.output<typeof endUserMessagingReceiptsConfig>>({
  id: 'end-user-messaging',
  config: endUserMessagingReceiptsConfig,
  create: () => ({
    id: 'end-user-messaging',
    source: 'sns',
    readEvent: (event) => [readEndUserMessagingEvent(event)],
  }),
});

export default endUserMessagingReceipts;
