import { defineProvider, envVariableName, secretString } from '@cognito-sms/core/provider';
import * as z from '@cognito-sms/core/zod';
import { createPlivoProvider, DEFAULT_BASE_URL, type PlivoProviderConfig } from './plivo.js';

export type { PlivoErrorClass } from './errors.js';
export { classifyPlivoStatus, PLIVO_STATUS_CLASSES, scrubErrorText } from './errors.js';
export type { PlivoProviderConfig } from './plivo.js';
export { createPlivoProvider, DEFAULT_BASE_URL, messageEndpoint, plivoRequestBody } from './plivo.js';

const env = (key: keyof PlivoProviderConfig) => envVariableName('plivo', key);

// Plivo strips every character but A-Z a-z 0-9 from `src`; what is left must be a number with
// its country code (at most 14 digits), a short code, or an alphanumeric sender ID of at most
// 11 characters ("Send a Message" reference, argument `src`).
const SENDER = /^(?:\+?\d{3,14}|(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9]{1,11})$/;

/**
 * The configuration schema, read from `PLIVO_*` variables. Exactly one sender must be set:
 * `PLIVO_FROM` or `PLIVO_POWERPACK_UUID`; the error names the variable to fix.
 *
 * @example `plivoConfigSchema.parse({ authId: 'MA…', authToken: '…', from: '+14155550100' })`
 */
export const plivoConfigSchema = z
  .object({
    authId: z
      .string({ error: 'is required: the Auth ID from the Plivo console (MA… or SA…)' })
      .check(z.regex(/^[A-Za-z0-9]{1,64}$/, 'must be a Plivo Auth ID: letters and digits only (MA… or SA…)')),
    authToken: secretString(),
    from: z.optional(
      z
        .string()
        .check(
          z.regex(
            SENDER,
            'must be a Plivo number with its country code (+14155550100), a short code, or an alphanumeric sender ID (up to 11 letters or digits)',
          ),
        ),
    ),
    powerpackUuid: z.optional(z.guid('must be a Powerpack UUID (8-4-4-4-12 hexadecimal digits)')),
    baseUrl: z._default(
      z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.plivo.com' }).check(
        z.refine((value) => {
          // Zod runs this check after a failed `url` check too; that failure is already reported.
          if (!URL.canParse(value)) return true;
          const url = new URL(value);
          return url.search === '' && url.hash === '' && url.username === '' && url.password === '';
        }, 'must have no query string, fragment or credentials'),
      ),
      DEFAULT_BASE_URL,
    ),
  })
  .check(
    z.superRefine(
      (config, ctx) => {
        if (config.from === undefined && config.powerpackUuid === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['from'],
            message: `is required: a Plivo number, short code or alphanumeric sender ID (or set ${env('powerpackUuid')} instead)`,
          });
        } else if (config.from !== undefined && config.powerpackUuid !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['powerpackUuid'],
            message: `set either ${env('from')} or ${env('powerpackUuid')}, not both`,
          });
        }
      },
      // Run even when a field failed, so one message names every variable to fix.
      { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
    ),
  );

/**
 * Plivo SMS (Message API). `SMS_PROVIDER=plivo`.
 *
 * | env | required | default | meaning |
 * | --- | --- | --- | --- |
 * | `PLIVO_AUTH_ID` | yes | | Auth ID (MA… / SA…) |
 * | `PLIVO_AUTH_TOKEN` | yes | | Auth Token |
 * | `PLIVO_FROM` | one sender | | number, short code or alphanumeric sender ID (`src`) |
 * | `PLIVO_POWERPACK_UUID` | one sender | | Powerpack that picks the sender (`powerpack_uuid`) |
 * | `PLIVO_BASE_URL` | no | `https://api.plivo.com` | proxy or emulator |
 *
 * @example `SMS_PROVIDER=plivo PLIVO_AUTH_ID=MA… PLIVO_AUTH_TOKEN=… PLIVO_FROM=+14155550100`
 */
const plivo = defineProvider<PlivoProviderConfig>({
  id: 'plivo',
  config: plivoConfigSchema,
  create: (config, deps) => createPlivoProvider(config, deps),
});

export default plivo;
