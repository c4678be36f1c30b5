import { isCognitoSmsError } from '@cognito-sms/core';

/**
 * An error as a log field: only the fields known to be secret-free, never the cause, which may
 * hold raw SDK or provider output.
 *
 * @example `logger.warn('Could not re-read secret references', { error: describeError(error) })`
 */
export function describeError(error: unknown): Record<string, unknown> {
  if (isCognitoSmsError(error)) return { name: error.name, code: error.code, message: error.message };
  return { name: error instanceof Error ? error.name : typeof error, message: 'unexpected failure' };
}
