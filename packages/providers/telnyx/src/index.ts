import { defineProvider, envVariableName, secretString } from '@cognito-sms/core/provider';
import * as z from '@cognito-sms/core/zod';
import { createTelnyxProvider, DEFAULT_BASE_URL, type TelnyxProviderConfig } from './telnyx.js';

export type { TelnyxCodeClass } from './errors.js';
export { scrubText, TELNYX_ERROR_CODES, telnyxHttpError } from './errors.js';
export type { TelnyxProviderConfig } from './telnyx.js';
export { createTelnyxProvider, DEFAULT_BASE_URL, telnyxRequestBody } from './telnyx.js';

const env = (key: keyof TelnyxProviderConfig) => envVariableName('telnyx', key);

// Telnyx's `from`: a +E.164 number, a short code, or an alphanumeric sender ID of 1-11 ASCII
// letters, digits and spaces with at least one letter (Send a message reference; alphanumeric
// sender ID guide).
const E164 = /^\+[1-9]\d{1,14}$/;
const SHORT_CODE = /^\d{3,8}$/;
const ALPHANUMERIC = /^(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

/**
 * The configuration schema, read from `TELNYX_*` variables. At least one of `TELNYX_FROM` and
 * `TELNYX_MESSAGING_PROFILE_ID` is required, and an alphanumeric sender ID needs the profile
 * (Telnyx: `messaging_profile_id` is "required if sending via number pool or with an
 * alphanumeric sender ID").
 *
 * @example `telnyxConfigSchema.parse({ apiKey: 'KEY…', from: '+14155550100' })`
 */
export const telnyxConfigSchema = z
  .object({
    apiKey: secretString(),
    from: z.optional(
      z
        .string()
        .check(
          z.refine(
            (from) => E164.test(from) || SHORT_CODE.test(from) || ALPHANUMERIC.test(from),
            'must be a Telnyx number in +E.164 (+14155550100), a short code, or an alphanumeric sender ID (1-11 letters, digits or spaces, at least one letter)',
          ),
        ),
    ),
    messagingProfileId: z.optional(z.guid('must be a messaging profile ID (a UUID, 8-4-4-4-12 hexadecimal digits)')),
    baseUrl: z._default(
      z.pipe(
        z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.telnyx.com/v2' }).check(
          z.refine((value) => {
            // Zod runs this check after a failed `url` check too; that failure is already reported.
            if (!URL.canParse(value)) return true;
            const url = new URL(value);
            return url.search === '' && url.hash === '' && url.username === '' && url.password === '';
          }, 'must have no query string, fragment or credentials'),
        ),
        z.transform((value: string) => value.replace(/\/+$/, '')),
      ),
      DEFAULT_BASE_URL,
    ),
  })
  .check(
    z.superRefine(
      (config, ctx) => {
        if (config.from === undefined && config.messagingProfileId === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['from'],
            message: `is required: a Telnyx number, short code or alphanumeric sender ID (or set ${env('messagingProfileId')} to send from its number pool)`,
          });
        } else if (typeof config.from === 'string' && ALPHANUMERIC.test(config.from) && config.messagingProfileId === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['messagingProfileId'],
            message: `is required with an alphanumeric sender ID in ${env('from')}`,
          });
        }
      },
      // Run even when a field failed, so one message names every variable to fix.
      { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
    ),
  );

/**
 * Telnyx Messaging. `SMS_PROVIDER=telnyx`.
 *
 * | env | required | default | meaning |
 * | --- | --- | --- | --- |
 * | `TELNYX_API_KEY` | yes | | API key (Bearer) |
 * | `TELNYX_FROM` | one of the two | | +E.164 number, short code or alphanumeric sender ID |
 * | `TELNYX_MESSAGING_PROFILE_ID` | one of the two | | messaging profile (number pool; required with an alphanumeric sender) |
 * | `TELNYX_BASE_URL` | no | `https://api.telnyx.com/v2` | proxy or emulator |
 *
 * @example `SMS_PROVIDER=telnyx TELNYX_API_KEY=KEY… TELNYX_FROM=+14155550100`
 */
const telnyx = defineProvider<TelnyxProviderConfig>({
  id: 'telnyx',
  config: telnyxConfigSchema,
  create: (config, deps) => createTelnyxProvider(config, deps),
});

export default telnyx;
