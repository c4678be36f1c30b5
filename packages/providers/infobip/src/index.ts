import { defineProvider, secretString } from '@cognito-sms/core/provider';
import * as z from '@cognito-sms/core/zod';
import { createInfobipProvider, type InfobipConfig } from './infobip.js';

export type { InfobipStatusClass } from './errors.js';
export { classifyInfobipResponse, classifyInfobipStatus, INFOBIP_REJECTED_STATUSES } from './errors.js';
export type { InfobipConfig } from './infobip.js';
export { createInfobipProvider, INFOBIP_SEND_PATH } from './infobip.js';

const BASE_URL_HINT = 'your account’s Base URL from the Infobip web interface, e.g. https://xxxxx.api.infobip.com';

/**
 * The account's Base URL. Infobip shows it without a scheme (`xxxxx.api.infobip.com`), so
 * `https://` is added when it is missing.
 */
const baseUrl = z.pipe(
  z.pipe(
    z
      .string({ error: `is required: ${BASE_URL_HINT}` })
      .check(z.trim(), z.minLength(1, { error: `is required: ${BASE_URL_HINT}`, abort: true })),
    z.transform((value: string) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`)),
  ),
  z.pipe(
    z.url({ protocol: /^https?$/, error: `must be an http(s) URL: ${BASE_URL_HINT}` }).check(
      z.refine(
        (value) => {
          if (!URL.canParse(value)) return true; // already reported by z.url
          const url = new URL(value);
          return url.search === '' && url.hash === '' && url.username === '' && url.password === '';
        },
        { error: 'must not carry a query string, fragment or credentials: /sms/2/text/advanced is appended to it' },
      ),
    ),
    z.transform((value: string) => value.replace(/\/+$/, '')),
  ),
);

/**
 * Infobip's sender rules for `from` (SMS API reference): alphanumeric 3 to 11 characters, or
 * numeric 3 to 14 digits (a leading `+` is accepted).
 */
const from = z.optional(
  z.string().check(
    z.trim(),
    z.minLength(1, { error: 'must not be blank: a sender id such as Acme or 447700900000', abort: true }),
    z.superRefine((value, ctx) => {
      const digits = /^\+?\d+$/.test(value) ? value.replace(/^\+/, '') : undefined;
      if (digits !== undefined) {
        if (digits.length < 3 || digits.length > 14)
          ctx.addIssue({ code: 'custom', message: `a numeric sender has 3 to 14 digits (got ${digits.length})` });
      } else if (value.length < 3 || value.length > 11) {
        ctx.addIssue({ code: 'custom', message: `an alphanumeric sender id has 3 to 11 characters (got ${value.length})` });
      }
    }),
  ),
);

/**
 * Sends through Infobip's SMS API (`POST {baseUrl}/sms/2/text/advanced`, `Authorization: App
 * <key>`). `SMS_PROVIDER=infobip`.
 *
 * | env | required | default | meaning |
 * | --- | --- | --- | --- |
 * | `INFOBIP_API_KEY` | yes | | API key (secret) |
 * | `INFOBIP_BASE_URL` | yes | | the account's Base URL, `https://xxxxx.api.infobip.com` (scheme optional) |
 * | `INFOBIP_FROM` | no | the account's default sender | sender id: 3–11 characters, or 3–14 digits |
 * | `INFOBIP_CALLBACK_TOKEN` | with receipts | | appended to notifyUrl as `?token=`; the receipts function checks it |
 *
 * @example `SMS_PROVIDER=infobip INFOBIP_API_KEY=… INFOBIP_BASE_URL=xxxxx.api.infobip.com INFOBIP_FROM=Acme`
 */
const infobip = defineProvider<InfobipConfig>({
  id: 'infobip',
  config: z.object({
    apiKey: secretString(),
    baseUrl,
    from,
    callbackToken: z.optional(secretString()),
  }),
  create: (config, deps) => createInfobipProvider(config, deps),
});

export default infobip;
