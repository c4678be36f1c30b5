// tsyringe needs the Reflect metadata API at import time, before the container module loads.
import 'reflect-metadata';
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  type CodeDecrypter,
  type CustomSmsSender,
  createCodeDecrypter,
  createCustomSmsSender,
  createMessageComposer,
  type DestinationInspector,
  type KmsDecryptClient,
  loadDestinationInspector,
  type MessageComposer,
  type RouteLearner,
  type SendGuard,
  type SmsProvider,
} from '@cognito-sms/core';
import type { DeliveryLedger } from '@cognito-sms/core/receipts';
import { type DependencyContainer, instanceCachingFactory, container as rootContainer } from 'tsyringe';
import { guardNeedsCountry } from './config/guard.js';
import type { HandlerConfig } from './config/index.js';
import { createGuard } from './guard.js';
import { createDeduplicator, type Deduplicator } from './idempotency.js';
import { kmsClientFor } from './kms-client.js';
import { createDeliveryLedger } from './ledger.js';
import { createMetricsRecorder, type MetricsRecorder } from './metrics.js';

/**
 * Explicit injection tokens. esbuild emits no decorator metadata, so nothing here is resolved
 * by constructor type: every registration is a factory keyed by one of these.
 */
export const TOKENS = {
  config: Symbol('HandlerConfig'),
  logger: Symbol('Logger'),
  kmsClientFor: Symbol('KmsClientFor'),
  decrypter: Symbol('CodeDecrypter'),
  inspector: Symbol('DestinationInspector'),
  composer: Symbol('MessageComposer'),
  metrics: Symbol('MetricsRecorder'),
  deduplicator: Symbol('Deduplicator'),
  guard: Symbol('SendGuard'),
  /** The delivery ledger, when receipts or route learning are on with a state table. */
  ledger: Symbol('DeliveryLedger'),
  routeLearner: Symbol('RouteLearner'),
  /** Providers by entry (`SMS_PROVIDER` / `SMS_ROUTES`). */
  providers: Symbol('SmsProviders'),
  sender: Symbol('CustomSmsSender'),
  /** Wall-clock ms since the epoch for the ledger's records (tests hand in their own). */
  now: Symbol('Now'),
} as const;

/**
 * The composition root: one child container per handler instance. Clients, the keyring, the
 * phone metadata, the metrics recorder, the idempotency store, the fraud guard and the providers are built once
 * here and reused by every invocation of the container. Features that are not configured load
 * nothing: the idempotency store, the number-type metadata and the Parameters clients are
 * dynamic imports.
 *
 * @example `const sender = (await buildContainer(config, logger)).resolve<CustomSmsSender>(TOKENS.sender)`
 */
export async function buildContainer(
  config: HandlerConfig,
  logger: Logger,
  options: { readonly now?: () => number } = {},
): Promise<DependencyContainer> {
  const container = rootContainer.createChildContainer();
  container.register(TOKENS.logger, { useValue: logger });
  if (options.now) container.register(TOKENS.now, { useValue: options.now });
  container.register(TOKENS.kmsClientFor, { useValue: kmsClientFor() });
  container.register(TOKENS.decrypter, {
    useFactory: instanceCachingFactory<CodeDecrypter>((c) =>
      createCodeDecrypter({
        keyArns: c.resolve<HandlerConfig>(TOKENS.config).keyArns,
        kmsClientFor: c.resolve<(region: string) => KmsDecryptClient>(TOKENS.kmsClientFor),
      }),
    ),
  });
  // libphonenumber-js is loaded only when something needs the destination's country: routes,
  // senders, screening, or the metrics' country dimension. Its small metadata (~80 KB) tells the
  // country; the full one (~150 KB), needed only to tell number types, only when they are screened.
  const types = (config.screening.blockedNumberTypes?.length ?? 0) > 0;
  const needsCountry =
    types ||
    guardNeedsCountry(config.guard) ||
    config.metrics.enabled ||
    // The ledger's records carry the country receipts are counted under.
    (config.ledger.table !== undefined && (config.receipts.url !== undefined || config.ledger.routeLearning !== undefined)) ||
    config.routes.size > 0 ||
    config.senders.size > 0 ||
    (config.screening.allowedCountries?.length ?? 0) > 0 ||
    (config.screening.blockedCountries?.length ?? 0) > 0;
  const [inspector, metrics, deduplicator, guard, { ledger, routeLearner }] = await Promise.all([
    needsCountry ? loadDestinationInspector({ types }) : undefined,
    createMetricsRecorder(config.metrics),
    createDeduplicator(config.idempotency, logger),
    createGuard(config.guard, logger),
    createDeliveryLedger(config.ledger, Boolean(config.receipts.url), logger, options.now),
  ]);
  // Registered only when loaded: tsyringe cannot hold an undefined value.
  if (inspector) container.register(TOKENS.inspector, { useValue: inspector });
  if (guard) container.register(TOKENS.guard, { useValue: guard });
  if (ledger) container.register(TOKENS.ledger, { useValue: ledger });
  if (routeLearner) container.register(TOKENS.routeLearner, { useValue: routeLearner });
  container.register(TOKENS.metrics, { useValue: metrics });
  container.register(TOKENS.deduplicator, { useValue: deduplicator });
  const composer = createMessageComposer(config.messages);
  container.register(TOKENS.composer, { useValue: composer });
  for (const warning of composer.lint()) {
    logger.warn(warning.kind === 'UCS-2' ? 'SMS template forces UCS-2 encoding' : 'SMS template takes more than one segment', {
      trigger: warning.trigger,
      locale: warning.locale,
      encoding: warning.encoding,
      segments: warning.segments,
      units: warning.units,
      ...(warning.nonGsmCharacters.length > 0 ? { nonGsmCharacters: warning.nonGsmCharacters.join('') } : {}),
      hint:
        warning.kind === 'UCS-2'
          ? 'one character outside GSM 03.38 makes the whole SMS UCS-2 (70 characters a segment instead of 160)'
          : 'each extra segment is billed as one more SMS',
    });
  }
  await registerProviders(container, config, logger);
  return container;
}

/**
 * Registers the configuration, the providers and the sender in `container`. Used at cold start,
 * and on a child of the first container when rotated credentials change the providers: the
 * child keeps the parent's decrypter, metadata, metrics and idempotency store.
 *
 * @example `const scope = container.createChildContainer(); await registerProviders(scope, newConfig, logger)`
 */
export async function registerProviders(container: DependencyContainer, config: HandlerConfig, logger: Logger): Promise<void> {
  container.register(TOKENS.config, { useValue: config });
  // Providers may build clients asynchronously, so they are created before registration.
  const providers = new Map<string, SmsProvider>();
  for (const { entry, definition, config: providerConfig } of config.providers) {
    providers.set(
      entry,
      await definition.create(providerConfig, {
        logger: logger.createChild({ persistentKeys: { provider: definition.id } }),
        ...(config.lambdaFunctionName ? { lambdaFunctionName: config.lambdaFunctionName } : {}),
      }),
    );
  }
  container.register(TOKENS.providers, { useValue: providers });
  container.register(TOKENS.sender, {
    useFactory: instanceCachingFactory<CustomSmsSender>((c) => {
      const handlerConfig = c.resolve<HandlerConfig>(TOKENS.config);
      const byEntry = c.resolve<Map<string, SmsProvider>>(TOKENS.providers);
      const chain = (entries: readonly string[]) =>
        entries.map((entry) => byEntry.get(entry)).filter((p): p is SmsProvider => p !== undefined);
      const metrics = c.resolve<MetricsRecorder>(TOKENS.metrics);
      return createCustomSmsSender({
        decrypter: c.resolve<CodeDecrypter>(TOKENS.decrypter),
        providers: chain(handlerConfig.chain),
        routes: new Map([...handlerConfig.routes].map(([key, entries]) => [key, chain(entries)])),
        senders: handlerConfig.senders,
        screening: handlerConfig.screening,
        ...(handlerConfig.receipts.url ? { receiptsUrl: handlerConfig.receipts.url } : {}),
        ...(c.isRegistered(TOKENS.inspector, true) ? { inspector: c.resolve<DestinationInspector>(TOKENS.inspector) } : {}),
        ...(c.isRegistered(TOKENS.guard, true) ? { guard: c.resolve<SendGuard>(TOKENS.guard) } : {}),
        ...(c.isRegistered(TOKENS.ledger, true) ? { ledger: c.resolve<DeliveryLedger>(TOKENS.ledger) } : {}),
        ...(c.isRegistered(TOKENS.routeLearner, true) ? { routeLearner: c.resolve<RouteLearner>(TOKENS.routeLearner) } : {}),
        ...(c.isRegistered(TOKENS.now, true) ? { now: c.resolve<() => number>(TOKENS.now) } : {}),
        composer: c.resolve<MessageComposer>(TOKENS.composer),
        logger: c.resolve<Logger>(TOKENS.logger),
        allowedUserPoolIds: handlerConfig.allowedUserPoolIds,
        policy: handlerConfig.delivery,
        onEvent: (event) => metrics.record(event),
      });
    }),
  });
}

export type { Deduplicator, MetricsRecorder };
