import { composeMessage, DEFAULT_TEMPLATES, type MessageTemplates } from './compose.js';
import type { CodeDecrypter } from './decrypt.js';
import { DeliveryRejectedError } from './errors.js';
import { parseCustomSmsSenderEvent } from './event.js';
import { assertE164, maskPhoneNumber } from './phone.js';
import { DEFAULT_DELIVERY_POLICY, deliver, type DeliveryPolicy } from './policy.js';
import type { Logger, SendReceipt, SmsProvider } from './provider.js';

export interface CustomSmsSenderOptions {
  readonly decrypter: CodeDecrypter;
  /** The provider chain, first choice first. */
  readonly providers: readonly SmsProvider[];
  readonly logger: Logger;
  /** When set, events from any other pool are refused. */
  readonly allowedUserPoolIds?: readonly string[];
  readonly templates?: MessageTemplates;
  readonly policy?: DeliveryPolicy;
}

/** What the sender needs to know about the invocation. */
export interface InvocationContext {
  /** Milliseconds before Lambda stops the invocation. */
  getRemainingTimeInMillis(): number;
}

/** Validates, decrypts, composes and delivers one CustomSMSSender event. */
export interface CustomSmsSender {
  send(event: unknown, context: InvocationContext): Promise<SendReceipt>;
}

/**
 * The whole job for one event, with every collaborator handed in: nothing here reads the
 * environment or opens a connection it was not given.
 *
 * @example
 * ```ts
 * const sender = createCustomSmsSender({ decrypter, providers: [provider], logger });
 * await sender.send(event, context);
 * ```
 */
export function createCustomSmsSender(options: CustomSmsSenderOptions): CustomSmsSender {
  const allowed = options.allowedUserPoolIds && options.allowedUserPoolIds.length > 0 ? new Set(options.allowedUserPoolIds) : undefined;
  const templates = options.templates ?? DEFAULT_TEMPLATES;
  const policy = options.policy ?? DEFAULT_DELIVERY_POLICY;
  if (options.providers.length === 0) throw new TypeError('createCustomSmsSender needs at least one provider');

  return {
    async send(input, context) {
      const event = parseCustomSmsSenderEvent(input);
      if (allowed && !allowed.has(event.userPoolId)) {
        throw new DeliveryRejectedError(
          'UserPoolNotAllowed',
          `user pool ${event.userPoolId} is not in COGNITO_USER_POOL_IDS (${[...allowed].join(', ')})`,
        );
      }
      const phoneNumber = event.request.userAttributes.phone_number ?? '';
      const to = assertE164(phoneNumber);
      const ciphertext = event.request.code;
      const code = ciphertext ? await options.decrypter.decrypt(ciphertext, event.userPoolId) : undefined;
      const locale = event.request.userAttributes.locale;
      options.logger.debug('Delivering SMS', { trigger: event.triggerSource, userPoolId: event.userPoolId, to: maskPhoneNumber(to) });
      return deliver(
        options.providers,
        {
          to,
          body: composeMessage(event.triggerSource, { code: code?.reveal(), username: event.userName }, templates),
          trigger: event.triggerSource,
          userPoolId: event.userPoolId,
          ...(locale ? { locale } : {}),
        },
        { policy, remainingTimeMs: () => context.getRemainingTimeInMillis(), logger: options.logger },
      );
    },
  };
}
