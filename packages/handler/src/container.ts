// tsyringe needs the Reflect metadata API at import time, before the container module loads.
import 'reflect-metadata';
import { KMSClient } from '@aws-sdk/client-kms';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  type CodeDecrypter,
  createCodeDecrypter,
  createCustomSmsSender,
  type CustomSmsSender,
  DEFAULT_DELIVERY_POLICY,
  type SmsProvider,
} from '@cognito-sms/core';
import { container as rootContainer, type DependencyContainer, instanceCachingFactory } from 'tsyringe';
import type { HandlerConfig } from './config.js';

/**
 * Explicit injection tokens. esbuild emits no decorator metadata, so nothing here is resolved
 * by constructor type: every registration is a factory keyed by one of these.
 */
export const TOKENS = {
  config: Symbol('HandlerConfig'),
  logger: Symbol('Logger'),
  kmsClientFor: Symbol('KmsClientFor'),
  decrypter: Symbol('CodeDecrypter'),
  providers: Symbol('SmsProviders'),
  sender: Symbol('CustomSmsSender'),
} as const;

/**
 * The composition root: one child container per handler instance. Clients, the keyring and
 * the providers are built once here and reused by every invocation of the container.
 *
 * @example `const sender = (await buildContainer(config, logger)).resolve<CustomSmsSender>(TOKENS.sender)`
 */
export async function buildContainer(config: HandlerConfig, logger: Logger): Promise<DependencyContainer> {
  const container = rootContainer.createChildContainer();
  container.register(TOKENS.config, { useValue: config });
  container.register(TOKENS.logger, { useValue: logger });
  // The SDK's default chain resolves credentials, AWS_REGION and AWS_ENDPOINT_URL_KMS.
  container.register(TOKENS.kmsClientFor, {
    useValue: (region: string) => new KMSClient({ region }),
  });
  container.register(TOKENS.decrypter, {
    useFactory: instanceCachingFactory<CodeDecrypter>((c) =>
      createCodeDecrypter({
        keyArns: c.resolve<HandlerConfig>(TOKENS.config).keyArns,
        kmsClientFor: c.resolve<(region: string) => KMSClient>(TOKENS.kmsClientFor),
      }),
    ),
  });
  // Providers may build clients asynchronously, so they are created before registration.
  const providers: SmsProvider[] = [];
  for (const { definition, config: providerConfig } of config.providers) {
    providers.push(
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
      return createCustomSmsSender({
        decrypter: c.resolve<CodeDecrypter>(TOKENS.decrypter),
        providers: c.resolve<SmsProvider[]>(TOKENS.providers),
        logger: c.resolve<Logger>(TOKENS.logger),
        allowedUserPoolIds: handlerConfig.allowedUserPoolIds,
        policy: { ...DEFAULT_DELIVERY_POLICY, attemptTimeoutMs: handlerConfig.attemptTimeoutMs },
      });
    }),
  });
  return container;
}
