import {
  type ConfigIssue,
  commaList,
  type DestinationPolicy,
  NON_MOBILE_NUMBER_TYPES,
  NUMBER_TYPES,
  type NumberType,
} from '@cognito-sms/core';
import * as z from '@cognito-sms/core/zod';
import { destinationKeyList, type Environment, parseEnv } from './env.js';

/** `non-mobile`, `premium-rate` → `NON_MOBILE`, `PREMIUM_RATE`. */
const numberTypeName = (item: string) => item.toUpperCase().replace(/-/g, '_');

const SCREENING_ENV = z.object({
  SMS_ALLOWED_COUNTRIES: destinationKeyList,
  SMS_BLOCKED_COUNTRIES: destinationKeyList,
  SMS_BLOCKED_NUMBER_TYPES: z.pipe(
    z.optional(
      z.string().check(
        z.superRefine((value, ctx) => {
          for (const item of commaList(value)) {
            if (numberTypeName(item) !== 'NON_MOBILE' && !(NUMBER_TYPES as readonly string[]).includes(numberTypeName(item)))
              ctx.addIssue({
                code: 'custom',
                message: `unknown number type ${JSON.stringify(item)}; use non-mobile or ${NUMBER_TYPES.join(', ')}`,
              });
          }
        }),
      ),
    ),
    z.transform((value: string | undefined) => {
      const types = new Set<NumberType>();
      for (const item of commaList(value)) {
        const name = numberTypeName(item);
        if (name === 'NON_MOBILE') for (const type of NON_MOBILE_NUMBER_TYPES) types.add(type);
        else types.add(name as NumberType);
      }
      return [...types];
    }),
  ),
  SMS_ALLOW_UNKNOWN_COUNTRY: z._default(z.stringbool({ error: 'must be true or false' }), false),
});

/**
 * Reads which destinations may receive a code: SMS_ALLOWED_COUNTRIES, SMS_BLOCKED_COUNTRIES and
 * SMS_BLOCKED_NUMBER_TYPES (`non-mobile` stands for every type that cannot receive an SMS), and
 * SMS_ALLOW_UNKNOWN_COUNTRY (a number of no known country is refused unless it is true).
 *
 * @returns the policy, or undefined when a variable is invalid (the reasons are in `issues`).
 * @example `const screening = parseScreening({ SMS_BLOCKED_COUNTRIES: 'KP,+882' }, issues)`
 */
export function parseScreening(env: Environment, issues: ConfigIssue[]): DestinationPolicy | undefined {
  const data = parseEnv(SCREENING_ENV, env, issues);
  return (
    data && {
      allowedCountries: data.SMS_ALLOWED_COUNTRIES,
      blockedCountries: data.SMS_BLOCKED_COUNTRIES,
      blockedNumberTypes: data.SMS_BLOCKED_NUMBER_TYPES,
      allowUnknownCountry: data.SMS_ALLOW_UNKNOWN_COUNTRY,
    }
  );
}
