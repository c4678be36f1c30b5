import { Logger } from '@aws-lambda-powertools/logger';
import { type CustomSmsSender, isCognitoSmsError, type SendReceipt } from '@cognito-sms/core';
import type { Context } from 'aws-lambda';
import { type Environment, loadHandlerConfig } from './config.js';
import { buildContainer, TOKENS } from './container.js';

/** The Lambda handler for Cognito's CustomSMSSender trigger. Cognito reads no response. */
export type CustomSmsSenderHandler = (event: unknown, context: Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>) => Promise<SendReceipt>;

export interface CreateHandlerOptions {
  /** Logger to write to; a Powertools Logger with service `cognito-sms` by default. */
  readonly logger?: Logger;
}

/**
 * Reads the configuration from `env` once, builds the container, and returns the handler.
 * Configuration errors are thrown here, at cold start, naming every variable at fault.
 *
 * @throws {ConfigError}
 * @example
 * ```ts
 * export const handler = await createHandler(process.env);
 * ```
 */
export async function createHandler(env: Environment, options: CreateHandlerOptions = {}): Promise<CustomSmsSenderHandler> {
  const logger = options.logger ?? new Logger({ serviceName: 'cognito-sms' });
  let sender: CustomSmsSender;
  try {
    const config = await loadHandlerConfig(env);
    sender = (await buildContainer(config, logger)).resolve<CustomSmsSender>(TOKENS.sender);
  } catch (error) {
    // No event has been seen yet, so no message here can hold a code.
    logger.error('cognito-sms could not start', {
      error: { name: error instanceof Error ? error.name : typeof error, message: error instanceof Error ? error.message : String(error) },
    });
    throw error;
  }

  return async (event, context) => {
    logger.addContext(context as Context);
    try {
      return await sender.send(event, context);
    } catch (error) {
      // Messages of our errors never hold a secret; the error is rethrown so Lambda reports
      // the invocation as failed (and Cognito may retry) instead of dropping the SMS silently.
      logger.error('SMS not delivered', { error: describe(error) });
      throw error;
    } finally {
      logger.resetKeys();
    }
  };
}

/** Only the fields known to be secret-free: never the cause, which may hold raw SDK output. */
function describe(error: unknown): Record<string, unknown> {
  if (isCognitoSmsError(error)) {
    return { name: error.name, code: error.code, retryable: error.retryable, message: error.message };
  }
  return { name: error instanceof Error ? error.name : typeof error, message: 'unexpected failure' };
}
