import { defineProvider, secretString } from '@cognito-sms/core/provider';
import * as z from '@cognito-sms/core/zod';
import { createMessageBirdProvider, type MessageBirdProviderConfig } from './messagebird.js';

export type { MessageBirdApiError, MessageBirdErrorDetail } from './errors.js';
export { MESSAGEBIRD_ERROR_CODES } from './errors.js';
export type { MessageBirdDatacoding, MessageBirdProviderConfig } from './messagebird.js';
export { createMessageBirdProvider } from './messagebird.js';

/** The production REST endpoint (MessageBird's SMS API reference, "API Endpoint"). */
export const MESSAGEBIRD_DEFAULT_BASE_URL = 'https://rest.messagebird.com';

// MessageBird: "a telephone number (including country code) or an alphanumeric string. In case
// of an alphanumeric string, the maximum length is 11 characters."
const NUMERIC_ORIGINATOR = /^\+?[1-9]\d{2,14}$/;
const ALPHANUMERIC_ORIGINATOR = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

const configSchema = z.object({
  accessKey: secretString(),
  originator: z.string().check(
    z.trim(),
    z.refine((value) => NUMERIC_ORIGINATOR.test(value) || ALPHANUMERIC_ORIGINATOR.test(value), {
      error:
        'must be a phone number with country code (digits, optional leading "+", at most 15 digits, e.g. 31612345678) ' +
        'or an alphanumeric sender ID of 1 to 11 letters, digits or spaces with at least one letter (e.g. "Acme")',
    }),
  ),
  datacoding: z._default(z.enum(['plain', 'unicode', 'auto'], { error: 'must be plain, unicode or auto' }), 'auto'),
  baseUrl: z.pipe(
    z._default(
      z.url({ protocol: /^https?$/, error: `must be an http(s) URL such as ${MESSAGEBIRD_DEFAULT_BASE_URL}` }),
      MESSAGEBIRD_DEFAULT_BASE_URL,
    ),
    z.transform((value: string) => value.replace(/\/+$/, '')),
  ),
});

/**
 * MessageBird (Bird) SMS: `SMS_PROVIDER=messagebird`. Sends `POST /messages` on the REST API
 * with `Authorization: AccessKey …`; one SMS per invocation, one recipient.
 *
 * | env | required | default | meaning |
 * | --- | --- | --- | --- |
 * | `MESSAGEBIRD_ACCESS_KEY` | yes | | live access key (secret) |
 * | `MESSAGEBIRD_ORIGINATOR` | yes | | sender: phone number with country code, or alphanumeric ≤ 11 |
 * | `MESSAGEBIRD_DATACODING` | no | `auto` | `plain`, `unicode` or `auto` (non-GSM text arrives intact) |
 * | `MESSAGEBIRD_BASE_URL` | no | `https://rest.messagebird.com` | proxy or emulator |
 *
 * @example
 * ```sh
 * SMS_PROVIDER=messagebird MESSAGEBIRD_ACCESS_KEY=live_… MESSAGEBIRD_ORIGINATOR=Acme
 * ```
 */
const messageBirdProvider = defineProvider<MessageBirdProviderConfig>({
  id: 'messagebird',
  config: configSchema,
  create: (config, deps) => createMessageBirdProvider(config, deps),
});

export default messageBirdProvider;
