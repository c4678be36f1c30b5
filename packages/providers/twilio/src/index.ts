import { defineProvider, envVariableName, secretString } from '@cognito-sms/core/provider';
import * as z from '@cognito-sms/core/zod';
import { createTwilioProvider, type TwilioProviderConfig } from './twilio.js';

export { TWILIO_ERROR_CODES } from './errors.js';
export type { TwilioProviderConfig } from './twilio.js';
export { createTwilioProvider } from './twilio.js';

const env = (key: keyof TwilioProviderConfig) => envVariableName('twilio', key);

const sid = (prefix: 'SK' | 'MG', what: string) =>
  z.string().check(z.regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be ${what}: "${prefix}" then 32 hexadecimal characters`));

// A Twilio number (E.164), a short code, or an alphanumeric sender ID: up to 11 of A-Z a-z 0-9,
// space, + - _ &, with at least one letter (Twilio's Alphanumeric Sender ID formatting rules).
const SENDER = /^(?:\+[1-9]\d{1,14}|\d{3,8}|(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9 +\-_&]{1,11})$/;

/**
 * The configuration schema, read from `TWILIO_*` variables. Exactly one credential (auth token,
 * or API key SID + secret) and exactly one sender (`TWILIO_FROM` or
 * `TWILIO_MESSAGING_SERVICE_SID`) must be set; the error names the variables to fix.
 *
 * @example `twilioConfigSchema.parse({ accountSid: 'AC…', authToken: '…', from: '+15005550006' })`
 */
export const twilioConfigSchema = z
  .object({
    accountSid: z.string().check(
      z.regex(/^AC[0-9a-fA-F]{32}$/, {
        error: (issue) =>
          String(issue.input).startsWith('SK')
            ? `is an API key SID: put it in ${env('apiKeySid')}, and the account SID (AC…) here`
            : 'must be an Account SID: "AC" then 32 hexadecimal characters',
      }),
    ),
    authToken: z.optional(secretString()),
    apiKeySid: z.optional(sid('SK', 'an API key SID')),
    apiKeySecret: z.optional(secretString()),
    from: z.optional(
      z
        .string()
        .check(
          z.regex(
            SENDER,
            'must be a Twilio number in E.164 (+15005550006), a short code, or an alphanumeric sender ID (up to 11 characters, at least one letter)',
          ),
        ),
    ),
    messagingServiceSid: z.optional(sid('MG', 'a Messaging Service SID')),
    baseUrl: z._default(
      z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.dublin.ie1.twilio.com' }),
      'https://api.twilio.com',
    ),
  })
  .check(
    z.superRefine(
      (config, ctx) => {
        const apiKey = config.apiKeySid !== undefined || config.apiKeySecret !== undefined;
        if (config.authToken !== undefined && apiKey) {
          ctx.addIssue({
            code: 'custom',
            path: ['authToken'],
            message: `set either ${env('authToken')} or ${env('apiKeySid')} + ${env('apiKeySecret')}, not both`,
          });
        } else if (!apiKey && config.authToken === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['authToken'],
            message: `is required (or set ${env('apiKeySid')} and ${env('apiKeySecret')} to authenticate with an API key)`,
          });
        } else if (apiKey && config.apiKeySid === undefined) {
          ctx.addIssue({ code: 'custom', path: ['apiKeySid'], message: `is required with ${env('apiKeySecret')}` });
        } else if (apiKey && config.apiKeySecret === undefined) {
          ctx.addIssue({ code: 'custom', path: ['apiKeySecret'], message: `is required with ${env('apiKeySid')}` });
        }
        if (config.from === undefined && config.messagingServiceSid === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['from'],
            message: `is required: a Twilio number, short code or alphanumeric sender ID (or set ${env('messagingServiceSid')} instead)`,
          });
        } else if (config.from !== undefined && config.messagingServiceSid !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['messagingServiceSid'],
            message: `set either ${env('from')} or ${env('messagingServiceSid')}, not both`,
          });
        }
      },
      // Run even when a field failed, so one message names every variable to fix.
      { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
    ),
  );

/**
 * Twilio Programmable Messaging. `SMS_PROVIDER=twilio`.
 *
 * | env | required | default | meaning |
 * | --- | --- | --- | --- |
 * | `TWILIO_ACCOUNT_SID` | yes | | account SID (AC…) |
 * | `TWILIO_AUTH_TOKEN` | one credential | | auth token |
 * | `TWILIO_API_KEY_SID` / `TWILIO_API_KEY_SECRET` | one credential | | API key instead of the token |
 * | `TWILIO_FROM` | one sender | | number, short code or alphanumeric sender ID |
 * | `TWILIO_MESSAGING_SERVICE_SID` | one sender | | Messaging Service (MG…) |
 * | `TWILIO_BASE_URL` | no | `https://api.twilio.com` | regional endpoint, proxy or emulator |
 *
 * @example `SMS_PROVIDER=twilio TWILIO_ACCOUNT_SID=AC… TWILIO_AUTH_TOKEN=… TWILIO_FROM=+15005550006`
 */
const twilioProvider = defineProvider<TwilioProviderConfig>({
  id: 'twilio',
  config: twilioConfigSchema,
  create: (config, deps) => createTwilioProvider(config, deps),
});

export default twilioProvider;
