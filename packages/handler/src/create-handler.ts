import { createHash } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { type CustomSmsSender, isCognitoSmsError, isSecret, type SendReceipt } from '@cognito-sms/core';
import type { Context } from 'aws-lambda';
import type { DependencyContainer } from 'tsyringe';
import type { Environment } from './config/env.js';
import { type HandlerConfig, loadHandlerConfig } from './config/index.js';
import { buildContainer, type Deduplicator, type MetricsRecorder, registerProviders, TOKENS } from './container.js';
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
  const now = () => Date.now();
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

  const { maxAgeSeconds, references } = scope.config.secrets;
  let secretsDueAt = references.length > 0 && maxAgeSeconds > 0 ? now() + maxAgeSeconds * 1000 : Number.POSITIVE_INFINITY;
  let current = fingerprint(scope.config);

  /** Re-reads referenced secrets when their max age has passed; rebuilds the providers on a change. */
  const refreshSecrets = async () => {
    if (now() < secretsDueAt) return;
    secretsDueAt = now() + maxAgeSeconds * 1000;
    try {
      const config = await loadHandlerConfig(env, { secrets });
      const next = fingerprint(config);
      if (next === current) return;
      const child = root.createChildContainer();
      await registerProviders(child, config, logger);
      scope = { config, sender: child.resolve<CustomSmsSender>(TOKENS.sender) };
      current = next;
      logger.info('Provider credentials changed; providers rebuilt', { variables: references.map((r) => r.variable) });
    } catch (error) {
      logger.warn('Could not re-read secret references; keeping the values in use', { error: describeError(error) });
    }
  };

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

/**
 * Identifies the providers' configuration without keeping a copy of any secret: a SHA-256
 * over the resolved provider configurations (Secret values revealed only into the hash).
 */
function fingerprint(config: HandlerConfig): string {
  // Secret.toJSON prints [redacted], so secrets are revealed into plain values before hashing.
  const plain = (value: unknown): unknown =>
    isSecret(value)
      ? { secret: value.reveal() }
      : Array.isArray(value)
        ? value.map(plain)
        : typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
          ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]))
          : value;
  const text = JSON.stringify(config.providers.map((provider) => [provider.entry, plain(provider.config)]));
  return createHash('sha256').update(text).digest('hex');
}

/** Only the fields known to be secret-free: never the cause, which may hold raw SDK output. */
function describeError(error: unknown): Record<string, unknown> {
  if (isCognitoSmsError(error)) {
    return { name: error.name, code: error.code, retryable: error.retryable, message: error.message };
  }
  return { name: error instanceof Error ? error.name : typeof error, message: 'unexpected failure' };
}
