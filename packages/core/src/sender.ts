import { createHash } from 'node:crypto';
import { createMessageComposer, type MessageComposer, type MessageTemplates } from './compose.js';
import type { CodeDecrypter } from './decrypt.js';
import { type DestinationPolicy, screenDestination } from './destination.js';
import type { Destination, DestinationInspector } from './destination-types.js';
import { type CognitoSmsError, DeliveryRejectedError, isCognitoSmsError, isDestinationBlockedError, isRateLimitedError } from './errors.js';
import { type CustomSmsSenderEvent, parseCustomSmsSenderEvent, type TriggerSource } from './event.js';
import type { SendGuard } from './guard.js';
import { assertE164, maskPhoneNumber } from './phone.js';
import { type Clock, DEFAULT_DELIVERY_POLICY, type DeliveryEvent, type DeliveryPolicy, deliver, systemClock } from './policy.js';
import type { Logger, SendReceipt, SmsProvider } from './provider.js';
import type { DeliveryLedger } from './receipts.js';
import type { RouteLearner } from './route-learning.js';
import { type RoutingTable, type SenderTable, selectRoute, selectSender } from './routing.js';

/** Something the sender did, with the trigger and destination country it concerned. */
export type SenderEvent = (
  | DeliveryEvent
  | { readonly type: 'blocked'; readonly reason: string; readonly numberType?: string }
  | { readonly type: 'rateLimited'; readonly limit: string }
  | { readonly type: 'guardStoreError' }
  | {
      readonly type: 'routeDemoted';
      readonly provider: string;
      /** delivered / final receipts of the read that demoted it. */
      readonly deliveredShare: number;
      readonly samples: number;
    }
) & {
  readonly trigger?: TriggerSource;
  readonly country?: string;
};

export interface CustomSmsSenderOptions {
  readonly decrypter: CodeDecrypter;
  /** The default provider chain, first choice first. */
  readonly providers: readonly SmsProvider[];
  readonly logger: Logger;
  /** When set, events from any other pool are refused. */
  readonly allowedUserPoolIds?: readonly string[];
  /** Texts per trigger (the built-in English ones by default); ignored when `composer` is given. */
  readonly templates?: MessageTemplates;
  /** Texts per trigger and locale, with WebOTP and app-hash lines. */
  readonly composer?: MessageComposer;
  readonly policy?: Partial<DeliveryPolicy>;
  /** Tells the region (and type) of each number; without it, routes, senders and screening by country cannot apply. */
  readonly inspector?: DestinationInspector;
  /** Other chains for some destinations (keys `GB`, `+44`); the default chain is `providers`. */
  readonly routes?: ReadonlyMap<string, readonly SmsProvider[]>;
  /** Sender ids / origination numbers by destination and provider. */
  readonly senders?: SenderTable;
  /** Destinations refused before anything is decrypted: the SMS-pumping defence. */
  readonly screening?: DestinationPolicy;
  /**
   * The fraud guard: asked after screening and before decryption, so a refused message costs
   * no KMS call and no send.
   */
  readonly guard?: SendGuard;
  /**
   * The receipts function's URL (`SMS_RECEIPTS_URL`): each provider is asked to post the
   * message's delivery status to `<receiptsUrl>/<provider id>`, where its API allows it.
   */
  readonly receiptsUrl?: string;
  /**
   * Where each accepted message is recorded (provider, message id, time, country, trigger: no
   * number, no code) so its receipt finds it. A failure to record is logged, never fails the send.
   */
  readonly ledger?: DeliveryLedger;
  /**
   * Reorders the destination country's chain by its delivered share before delivery: a
   * provider whose messages stop arriving goes behind the next one for a while.
   */
  readonly routeLearner?: RouteLearner;
  /** Wall-clock ms since the epoch for the ledger's records; `Date.now` by default. */
  readonly now?: () => number;
  /** Told about every attempt, delivery, failure, block and rate limit (for metrics). */
  readonly onEvent?: (event: SenderEvent) => void;
  readonly clock?: Clock;
  readonly random?: () => number;
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
 * environment or opens a connection it was not given. In order: validate the event, check the
 * pool, check the number (E.164, then the allowed/blocked countries and number types), ask the
 * fraud guard, decrypt,
 * compose (template by trigger and locale), pick the chain for the destination, deliver.
 *
 * @example
 * ```ts
 * const sender = createCustomSmsSender({ decrypter, providers: [provider], logger });
 * await sender.send(event, context);
 * ```
 */
export function createCustomSmsSender(options: CustomSmsSenderOptions): CustomSmsSender {
  const allowed = options.allowedUserPoolIds && options.allowedUserPoolIds.length > 0 ? new Set(options.allowedUserPoolIds) : undefined;
  const composer = options.composer ?? createMessageComposer(options.templates ? { catalog: { default: options.templates } } : {});
  const policy: DeliveryPolicy = { ...DEFAULT_DELIVERY_POLICY, ...options.policy };
  const clock = options.clock ?? systemClock;
  const routing: RoutingTable<SmsProvider> = { default: options.providers, routes: options.routes ?? new Map() };
  const senders = options.senders ?? new Map();
  const screening = options.screening ?? {};
  if (options.providers.length === 0) throw new TypeError('createCustomSmsSender needs at least one provider');
  const byCountry =
    routing.routes.size > 0 ||
    senders.size > 0 ||
    (screening.allowedCountries?.length ?? 0) > 0 ||
    (screening.blockedCountries?.length ?? 0) > 0;
  if (byCountry && !options.inspector) throw new TypeError('routes, senders and country screening need an inspector');
  if ((screening.blockedNumberTypes?.length ?? 0) > 0 && !options.inspector?.detectsTypes) {
    throw new TypeError("blocking number types needs an inspector built with types (loadPhoneMetadata('types'))");
  }
  const unknown: Destination = { country: undefined, callingCode: '', type: undefined };
  const now = options.now ?? Date.now;

  /** The chain as the route learner orders it, each demotion and recovery logged (and demotions counted). */
  const learnedChain = async (
    learner: RouteLearner,
    country: string | undefined,
    providers: readonly SmsProvider[],
    signal: AbortSignal,
  ): Promise<readonly SmsProvider[]> => {
    const learned = await learner.order(country, providers, { signal });
    for (const change of learned.demoted) {
      const share = Math.round((change.deliveredShare ?? 0) * 100);
      options.logger.warn(
        `SMS route demoted: ${change.provider} in ${change.country} (${share}% of ${change.samples} receipts delivered); behind the next provider until ${new Date(change.until ?? 0).toISOString()}`,
        { provider: change.provider, country: change.country, deliveredShare: change.deliveredShare, samples: change.samples },
      );
      options.onEvent?.({
        type: 'routeDemoted',
        provider: change.provider,
        deliveredShare: change.deliveredShare ?? 0,
        samples: change.samples ?? 0,
        country: change.country,
      });
    }
    for (const change of learned.recovered) {
      options.logger.info(`SMS route recovered: ${change.provider} in ${change.country}`, {
        provider: change.provider,
        country: change.country,
      });
    }
    return learned.providers;
  };

  /** Records an accepted message for its receipt; the SMS is out already, so a failure only logs. */
  const recordSent = async (
    ledger: DeliveryLedger,
    receipt: SendReceipt,
    trigger: TriggerSource | undefined,
    country: string | undefined,
    signal: AbortSignal,
  ): Promise<void> => {
    if (!trigger) return;
    try {
      await ledger.recordSent(
        { provider: receipt.provider, messageId: receipt.messageId, sentAt: now(), trigger, ...(country ? { country } : {}) },
        { signal },
      );
    } catch (error) {
      options.logger.warn('SMS sent, but not recorded for its delivery receipt', {
        provider: receipt.provider,
        messageId: receipt.messageId,
        error: error instanceof Error ? error.name : typeof error,
      });
    }
  };

  return {
    async send(input, context) {
      const started = clock.now();
      let trigger: TriggerSource | undefined;
      let country: string | undefined;
      let delivering = false;
      const emit = (event: SenderEvent) =>
        options.onEvent?.({ ...event, ...(trigger ? { trigger } : {}), ...(country ? { country } : {}) });
      /** A signal for work on the send's path: what is left of the invocation, less the margin. */
      const budget = () => AbortSignal.timeout(Math.max(1, context.getRemainingTimeInMillis() - policy.safetyMarginMs));
      try {
        const event = parseCustomSmsSenderEvent(input);
        trigger = event.triggerSource;
        if (allowed && !allowed.has(event.userPoolId)) {
          throw new DeliveryRejectedError(
            'UserPoolNotAllowed',
            `user pool ${event.userPoolId} is not in COGNITO_USER_POOL_IDS (${[...allowed].join(', ')})`,
          );
        }
        const to = assertE164(event.request.userAttributes.phone_number ?? '');
        const destination = options.inspector?.inspect(to) ?? unknown;
        country = destination.country;
        screenDestination(destination, screening);
        if (options.guard) {
          const verdict = await options.guard.admit(
            {
              to,
              destination,
              userPoolId: event.userPoolId,
              userKey: event.request.userAttributes.sub ?? event.userName,
              trigger: event.triggerSource,
              segments: composer.estimateSegments(event.triggerSource, event.request.userAttributes.locale, event.userName),
            },
            { signal: budget() },
          );
          if (verdict.storeError) {
            options.logger.warn('Fraud guard store unavailable; sending unchecked (SMS_GUARD_ON_STORE_ERROR=open)', {
              trigger,
              country: country ?? 'unknown',
              error: verdict.storeError,
            });
            emit({ type: 'guardStoreError' });
          }
        }

        const ciphertext = event.request.code;
        // KMS shares the invocation's budget: a KMS that does not answer must not hold the
        // invocation until Lambda kills it.
        const code = ciphertext ? await options.decrypter.decrypt(ciphertext, event.userPoolId, { signal: budget() }) : undefined;
        const locale = event.request.userAttributes.locale;
        const text = composer.compose(event.triggerSource, locale, { code: code?.reveal(), username: event.userName });
        const route = selectRoute(routing, destination);
        const logFields = { country: country ?? 'unknown', route: route.key };
        const chain = options.routeLearner ? await learnedChain(options.routeLearner, country, route.providers, budget()) : route.providers;
        options.logger.debug('Delivering SMS', {
          ...logFields,
          trigger: event.triggerSource,
          userPoolId: event.userPoolId,
          to: maskPhoneNumber(to),
          chain: chain.map((p) => p.id),
          locale: text.locale,
          encoding: text.encoding,
          segments: text.segments,
        });
        delivering = true;
        const receipt = await deliver(
          chain,
          {
            to,
            body: text.body,
            trigger: event.triggerSource,
            userPoolId: event.userPoolId,
            ...(locale ? { locale } : {}),
            ...(country ? { country } : {}),
            segments: text.segments,
            encoding: text.encoding,
          },
          {
            policy,
            remainingTimeMs: () => context.getRemainingTimeInMillis(),
            logger: options.logger,
            senderFor: (providerId) => selectSender(senders, destination, providerId),
            ...(options.receiptsUrl ? { statusCallbackFor: (providerId: string) => `${options.receiptsUrl}/${providerId}` } : {}),
            onEvent: emit,
            logFields,
            ...(code ? { secret: code } : {}),
            clock,
            ...(options.random ? { random: options.random } : {}),
          },
        );
        if (options.ledger) await recordSent(options.ledger, receipt, trigger, country, budget());
        return receipt;
      } catch (error) {
        if (isDestinationBlockedError(error)) {
          options.logger.warn('SMS blocked', { trigger, country: country ?? 'unknown', reason: error.code, numberType: error.numberType });
          emit({ type: 'blocked', reason: error.code, ...(error.numberType ? { numberType: error.numberType } : {}) });
        } else if (isRateLimitedError(error)) {
          options.logger.warn('SMS rate-limited', {
            trigger,
            country: country ?? 'unknown',
            limit: error.code,
            ...(error.limit ? { rule: error.limit } : {}),
            reason: error.message,
          });
          emit({ type: 'rateLimited', limit: error.code });
        } else if (!delivering) {
          // deliver() reports its own failures.
          emit({
            type: 'failed',
            errorCode: isCognitoSmsError(error) ? (error as CognitoSmsError).code : 'UnexpectedError',
            durationMs: Math.round(clock.now() - started),
          });
        }
        throw error;
      }
    },
  };
}

/** What makes two invocations the same SMS: the pool, the user, the trigger and the ciphertext. */
export interface DeduplicationKey {
  readonly userPoolId: string;
  readonly userName: string;
  readonly trigger: TriggerSource;
  /** SHA-256 of `request.code` as Cognito sent it: never the code, never the ciphertext itself. */
  readonly ciphertextSha256: string;
}

/**
 * The key under which a retried invocation of the same event is recognised. Cognito encrypts
 * every code afresh (a random data key per message), so a new code, or the same code sent
 * again on request, has another ciphertext; only a replay of the same event has the same one.
 * Undefined for events without a code (account-takeover notices), which cannot be told apart.
 *
 * @example `deduplicationKey(parseCustomSmsSenderEvent(event))`
 */
export function deduplicationKey(event: CustomSmsSenderEvent): DeduplicationKey | undefined {
  const ciphertext = event.request.code;
  if (!ciphertext) return undefined;
  return {
    userPoolId: event.userPoolId,
    userName: event.userName,
    trigger: event.triggerSource,
    ciphertextSha256: createHash('sha256').update(ciphertext).digest('hex'),
  };
}
