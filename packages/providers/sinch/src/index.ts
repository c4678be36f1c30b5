import { defineProvider, secretString } from '@cognito-sms/core/provider';
import * as z from '@cognito-sms/core/zod';
import { createSinchProvider, SINCH_REGIONS, type SinchConfig } from './sinch.js';

export type { SinchCodeClass } from './errors.js';
export { classifySinchResponse, SINCH_ERROR_CODES } from './errors.js';
export type { SinchConfig, SinchRegion } from './sinch.js';
export { createSinchProvider, SINCH_REGIONS, sinchRegionUrl } from './sinch.js';

const baseUrl = z.optional(
  z.pipe(
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://eu.sms.api.sinch.com' }).check(
      z.refine(
        (value) => {
          if (!URL.canParse(value)) return true; // already reported by z.url
          const url = new URL(value);
          return url.search === '' && url.hash === '' && url.username === '' && url.password === '';
        },
        { error: 'must not carry a query string, fragment or credentials: /xms/v1/{service plan id}/batches is appended to it' },
      ),
    ),
    z.transform((value: string) => value.replace(/\/+$/, '')),
  ),
);

/**
 * Sends through Sinch's SMS REST API (`POST /xms/v1/{service_plan_id}/batches`, Bearer API
 * token). `SMS_PROVIDER=sinch`.
 *
 * | env | required | default | meaning |
 * | --- | --- | --- | --- |
 * | `SINCH_SERVICE_PLAN_ID` | yes | | service plan id (letters and digits) |
 * | `SINCH_API_TOKEN` | yes | | the plan's API token (secret) |
 * | `SINCH_FROM` | no | Sinch's default originator | sender number, short code or alphanumeric id |
 * | `SINCH_REGION` | no | `us` | `us`, `eu`, `au`, `br` or `ca` |
 * | `SINCH_BASE_URL` | no | `https://{region}.sms.api.sinch.com` | another host: a proxy, an emulator |
 *
 * @example `SMS_PROVIDER=sinch SINCH_SERVICE_PLAN_ID=jd63jf88477ll123ab4567cd89012ef3 SINCH_API_TOKEN=… SINCH_REGION=eu SINCH_FROM=Acme`
 */
const sinch = defineProvider<SinchConfig>({
  id: 'sinch',
  config: z.object({
    servicePlanId: z
      .string({ error: 'is required: the service plan id from the Sinch dashboard (SMS → APIs)' })
      .check(
        z.trim(),
        z.minLength(1, { error: 'is required: the service plan id from the Sinch dashboard (SMS → APIs)', abort: true }),
        z.regex(/^[A-Za-z0-9]+$/, 'must be the service plan id: letters and digits only (e.g. jd63jf88477ll123ab4567cd89012ef3)'),
      ),
    apiToken: secretString(),
    from: z.optional(z.string().check(z.trim(), z.minLength(1, 'must not be blank: a number, short code or alphanumeric sender id'))),
    region: z._default(z.enum(SINCH_REGIONS, { error: `must be one of ${SINCH_REGIONS.join(', ')}` }), 'us'),
    baseUrl,
  }),
  create: (config, deps) => createSinchProvider(config, deps),
});

export default sinch;
