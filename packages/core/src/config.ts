import { Secret } from './secret.js';
import * as z from './zod.js';

/**
 * A required string setting that becomes a {@link Secret}, so a parsed configuration can be
 * logged without leaking it.
 *
 * @example `z.object({ authToken: secretString() })`
 */
export const secretString = () =>
  z.pipe(
    z.string().check(z.minLength(1, 'is required')),
    z.transform((value: string) => new Secret(value)),
  );

/**
 * The env variable that holds a provider setting: the id and the key in UPPER_SNAKE_CASE.
 *
 * @example `envVariableName('end-user-messaging', 'configurationSet') // 'END_USER_MESSAGING_CONFIGURATION_SET'`
 */
export function envVariableName(providerId: string, key: string): string {
  const snake = (value: string) =>
    value
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/[^A-Za-z0-9]+/g, '_')
      .toUpperCase();
  return `${snake(providerId)}_${snake(key)}`;
}

/** A comma-separated list from one env variable, trimmed, empty items dropped. */
export const commaList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
