import { defineProvider } from '@cognito-sms/core/provider';
import * as z from '@cognito-sms/core/zod';
import {
  createEndUserMessagingProvider,
  type EndUserMessagingMessageType,
  type EndUserMessagingProviderConfig,
} from './end-user-messaging.js';

export type { EndUserMessagingMessageType, EndUserMessagingProviderConfig } from './end-user-messaging.js';
export { createEndUserMessagingProvider, fixedInput } from './end-user-messaging.js';
export type { EndUserMessagingErrorClass } from './errors.js';
export { END_USER_MESSAGING_ERRORS, redactProviderText, toEndUserMessagingProviderError } from './errors.js';

const MESSAGE_TYPES: readonly EndUserMessagingMessageType[] = ['TRANSACTIONAL', 'PROMOTIONAL'];
// Patterns from the SendTextMessage API reference, so a bad value fails at cold start rather
// than as a ValidationException on the first SMS.
const RESOURCE_ID = /^[A-Za-z0-9_:/-]{1,256}$/;

/**
 * AWS End User Messaging SMS (pinpoint-sms-voice-v2 `SendTextMessage`). `SMS_PROVIDER=end-user-messaging`.
 *
 * | env | default | meaning |
 * | --- | --- | --- |
 * | `END_USER_MESSAGING_ORIGINATION_IDENTITY` | (AWS chooses) | phone number, sender ID, pool ID, or their ARN |
 * | `END_USER_MESSAGING_CONFIGURATION_SET` | (none) | configuration set name or ARN |
 * | `END_USER_MESSAGING_MESSAGE_TYPE` | `TRANSACTIONAL` | `TRANSACTIONAL` or `PROMOTIONAL` |
 * | `END_USER_MESSAGING_MAX_PRICE` | (none) | most USD per SMS, e.g. `0.50` |
 * | `END_USER_MESSAGING_TIME_TO_LIVE` | (72 h) | seconds to keep trying to hand the SMS over, 5–259200 |
 * | `END_USER_MESSAGING_PROTECT_CONFIGURATION_ID` | (none) | protect configuration to apply |
 * | `END_USER_MESSAGING_DRY_RUN` | `false` | validate only, send nothing |
 *
 * Region, credentials and the endpoint come from the AWS SDK's own chain: `AWS_REGION`, the
 * function role, and `AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2`.
 *
 * @example `SMS_PROVIDER=end-user-messaging END_USER_MESSAGING_ORIGINATION_IDENTITY=pool-0123456789abcdef node handler.mjs`
 */
const endUserMessagingProvider = defineProvider<EndUserMessagingProviderConfig>({
  id: 'end-user-messaging',
  config: z.object({
    originationIdentity: z.optional(
      z
        .string()
        .check(z.trim(), z.regex(/^[A-Za-z0-9_:/+-]{1,256}$/, 'must be a phone number (E.164), sender ID, pool ID, or one of their ARNs')),
    ),
    configurationSet: z.optional(
      z.string().check(z.trim(), z.regex(RESOURCE_ID, 'must be a configuration set name or ARN ([A-Za-z0-9_:/-], 1 to 256 characters)')),
    ),
    messageType: z._default(
      z.pipe(
        z.string().check(z.trim()),
        z.transform((value: string, ctx) => {
          const match = MESSAGE_TYPES.find((type) => type === value.toUpperCase());
          if (!match) {
            ctx.issues.push({
              code: 'custom',
              input: value,
              message: `must be TRANSACTIONAL or PROMOTIONAL, not ${JSON.stringify(value)}`,
            });
            return z.NEVER;
          }
          return match;
        }),
      ),
      'TRANSACTIONAL',
    ),
    maxPrice: z.optional(
      z
        .string()
        .check(
          z.trim(),
          z.regex(/^[0-9]{0,2}\.[0-9]{1,5}$/, 'must be an amount in USD with a decimal point, e.g. 0.50 (at most 99.99999)'),
        ),
    ),
    timeToLive: z.optional(
      z.coerce
        .number({ error: 'must be a number of seconds' })
        .check(
          z.int('must be a whole number of seconds'),
          z.gte(5, 'must be at least 5 seconds'),
          z.lte(259200, 'must be at most 259200 seconds (72 hours)'),
        ),
    ),
    protectConfigurationId: z.optional(z.string().check(z.trim(), z.regex(RESOURCE_ID, 'must be a protect configuration ID or ARN'))),
    dryRun: z._default(z.stringbool({ error: 'must be true or false' }), false),
  }),
  create: (config, deps) => createEndUserMessagingProvider(config, deps),
});

export default endUserMessagingProvider;
