import { Logger } from '@aws-lambda-powertools/logger';
import { type CustomSmsSender, isCognitoSmsError, type SendReceipt } from '@cognito-sms/core';
import type { Context } from 'aws-lambda';
import type { DependencyContainer } from 'tsyringe';
import type { Environment } from './config/env.js';
import { type HandlerConfig, loadHandlerConfig } from './config/index.js';
import { buildContainer, type Deduplicator, type MetricsRecorder, registerProviders, TOKENS } from './container.js';
import { configFingerprint, createSecretRefresh } from './secret-refresh.js';
import { createSecretResolver } from './secrets.js';

/** The Lambda handler for Cognito's CustomSMSSender trigger. Cognito reads no response. */
export type CustomSmsSenderHandler = (
  event: unknown,
  context: Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>,
) => Promise<SendReceipt>;

export interface CreateHandlerOptions {
  /** Logger to write to; a Powertools Logger with service `cognito-sms` by default. */
  readonly logger?: Logger;
  /** Wall-clock ms since the epoch for the delivery ledger and route learning; tests hand in their own. */
  readonly now?: () => number;
}

/**
 * Reads the configuration from `env` once, builds the container, and returns the handler.
 * Configuration errors are thrown here, at cold start, naming every variable at fault.
 *
 * Provider variables that hold a secret reference are resolved here too, once per container;
 * after `SMS_SECRETS_MAX_AGE_S` the next invocation reads them again (from Secrets Manager /
 * Parameter Store) and, when a value changed (a rotated credential), rebuilds the providers.
 * A failed re-read keeps the values in use.
 *
 * @throws {ConfigError}
 * @example
 * ```ts
 * export const handler = await createHandler(process.env);
 * ```
 */
export async function createHandler(env: Environment, options: CreateHandlerOptions = {}): Promise<CustomSmsSenderHandler> {
  const logger = options.logger ?? new Logger({ serviceName: 'cognito-sms' });
  const secrets = createSecretResolver();
  let root: DependencyContainer;
  let scope: { config: HandlerConfig; sender: CustomSmsSender };
  let metrics: MetricsRecorder;
  let deduplicator: Deduplicator;
  try {
    const config = await loadHandlerConfig(env, { secrets });
    root = await buildContainer(config, logger, options.now ? { now: options.now } : {});
    scope = { config, sender: root.resolve<CustomSmsSender>(TOKENS.sender) };
    metrics = root.resolve<MetricsRecorder>(TOKENS.metrics);
    deduplicator = root.resolve<Deduplicator>(TOKENS.deduplicator);
    logger.debug('cognito-sms ready', {
      chain: config.chain,
      routes: Object.fromEntries(config.routes),
      secretReferences: config.secrets.references.map((r) => r.variable),
      idempotency: config.idempotency.store,
    });
  } catch (error) {
    // No event has been seen yet, so no message here can hold a code.
    logger.error('cognito-sms could not start', {
      error: { name: error instanceof Error ? error.name : typeof error, message: error instanceof Error ? error.message : String(error) },
    });
    throw error;
  }

  const refreshSecrets = createSecretRefresh({
    secrets: scope.config.secrets,
    initial: scope.config,
    load: () => loadHandlerConfig(env, { secrets }),
    fingerprint: (config) => configFingerprint(config.providers.map((provider) => [provider.entry, provider.config])),
    apply: async (config) => {
      const child = root.createChildContainer();
      await registerProviders(child, config, logger);
      scope = { config, sender: child.resolve<CustomSmsSender>(TOKENS.sender) };
    },
    logger,
    changedMessage: 'Provider credentials changed; providers rebuilt',
  });

  return async (event, context) => {
    logger.addContext(context as Context);
    try {
      await refreshSecrets();
      const { sender } = scope;
      const result = await deduplicator.run(event, context, () => sender.send(event, context));
      if (result.replayed) {
        logger.info('Duplicate event: this SMS was already sent; not sending it again', {
          provider: result.receipt.provider,
          messageId: result.receipt.messageId,
          trigger: result.trigger,
        });
        metrics.duplicate(result.trigger);
      }
      return result.receipt;
    } catch (error) {
      // Messages of our errors never hold a secret; the error is rethrown so Lambda reports
      // the invocation as failed (and Cognito may retry) instead of dropping the SMS silently.
      logger.error('SMS not delivered', { error: describeError(error) });
      throw error;
    } finally {
      metrics.flush();
      logger.resetKeys();
    }
  };
}

/** Only the fields known to be secret-free: never the cause, which may hold raw SDK output. */
function describeError(error: unknown): Record<string, unknown> {
  if (isCognitoSmsError(error)) {
    return { name: error.name, code: error.code, retryable: error.retryable, message: error.message };
  }
  return { name: error instanceof Error ? error.name : typeof error, message: 'unexpected failure' };
}
