import { defineProvider, secretString } from '@cognito-sms/core/provider';
import * as z from '@cognito-sms/core/zod';
import { createVonageProvider, DEFAULT_BASE_URL, type VonageProviderConfig } from './vonage.js';

export type { VonageStatusClass } from './errors.js';
export { isVonageSmsError, VONAGE_STATUSES, VonageSmsError } from './errors.js';
export type { VonageProviderConfig } from './vonage.js';
export { createVonageProvider, DEFAULT_BASE_URL, smsType } from './vonage.js';

/**
 * Vonage's sender rules (developer.vonage.com/messaging/sms/guides/custom-sender-id): a number
 * of up to 15 digits in international format without `+` or `00`, or an alphanumeric sender ID
 * of up to 11 characters without spaces. A leading `+` is accepted here and dropped.
 */
const sender = z
  .pipe(
    z
      .string({ error: 'is required: a number (e.g. 447700900123) or an alphanumeric sender ID (e.g. AcmeInc)' })
      .check(z.trim(), z.minLength(1, 'is required: a number (e.g. 447700900123) or an alphanumeric sender ID (e.g. AcmeInc)')),
    z.transform((value: string) => value.replace(/^\+(?=\d)/, '')),
  )
  .check(
    z.superRefine((value, ctx) => {
      const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
      if (/^\d+$/.test(value)) {
        if (value.startsWith('00')) fail('a numeric sender is an international number without a leading 00 (e.g. 447700900123)');
        else if (value.length > 15) fail(`a numeric sender has at most 15 digits (got ${value.length})`);
        return;
      }
      if (/\s/.test(value)) fail('an alphanumeric sender ID cannot contain spaces');
      else if (value.length > 11) fail(`an alphanumeric sender ID has at most 11 characters (got ${value.length})`);
      else if (!/^[A-Za-z0-9._&-]+$/.test(value)) fail('an alphanumeric sender ID may contain only letters, digits and . _ & -');
    }),
  );

const baseUrl = z._default(
  z.pipe(
    z.url({ protocol: /^https?$/, error: `must be an http(s) URL such as ${DEFAULT_BASE_URL}` }).check(
      z.refine(
        (value) => {
          if (!URL.canParse(value)) return true; // already reported by z.url
          const url = new URL(value);
          return url.search === '' && url.hash === '' && url.username === '' && url.password === '';
        },
        { error: 'must not carry a query string, fragment or credentials: /sms/json is appended to it' },
      ),
    ),
    z.transform((value: string) => value.replace(/\/+$/, '')),
  ),
  DEFAULT_BASE_URL,
);

/**
 * Sends through Vonage's SMS API (`POST /sms/json`) with `@vonage/sms`. `SMS_PROVIDER=vonage`.
 *
 * | env | required | default | meaning |
 * | --- | --- | --- | --- |
 * | `VONAGE_API_KEY` | yes | | API key (secret) |
 * | `VONAGE_API_SECRET` | yes | | API secret (secret) |
 * | `VONAGE_FROM` | yes | | sender: number (≤ 15 digits) or alphanumeric ID (≤ 11 characters) |
 * | `VONAGE_TYPE` | no | `auto` | `auto`: `text` for GSM-7 texts, `unicode` otherwise; `unicode`: always |
 * | `VONAGE_BASE_URL` | no | `https://rest.nexmo.com` | where `/sms/json` lives (regional host, proxy, emulator) |
 *
 * @example `SMS_PROVIDER=vonage VONAGE_API_KEY=abcd1234 VONAGE_API_SECRET=… VONAGE_FROM=AcmeInc`
 */
const vonageProvider = defineProvider<VonageProviderConfig>({
  id: 'vonage',
  config: z.object({
    apiKey: secretString(),
    apiSecret: secretString(),
    from: sender,
    type: z._default(z.enum(['auto', 'unicode'], { error: 'must be auto or unicode' }), 'auto'),
    baseUrl,
  }),
  create: (config, deps) => createVonageProvider(config, deps),
});

export default vonageProvider;
