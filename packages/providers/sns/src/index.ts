import { defineProvider } from '@cognito-sms/core/provider';
import * as z from '@cognito-sms/core/zod';
import { createSnsProvider, type SnsProviderConfig, type SnsSmsType } from './sns.js';

export type { SnsErrorClass } from './errors.js';
export { redactProviderText, SNS_ERRORS, toSnsProviderError } from './errors.js';
export type { SnsProviderConfig, SnsSmsType } from './sns.js';
export { createSnsProvider, smsAttributes, withSender } from './sns.js';

const SMS_TYPES: readonly SnsSmsType[] = ['Transactional', 'Promotional'];

/**
 * Amazon SNS: one `Publish` per SMS to `PhoneNumber`. `SMS_PROVIDER=sns`.
 *
 * | env | default | meaning |
 * | --- | --- | --- |
 * | `SNS_SMS_TYPE` | `Transactional` | `Transactional` or `Promotional` (`AWS.SNS.SMS.SMSType`) |
 * | `SNS_SENDER_ID` | (account default) | alphanumeric sender ID, 1–11 characters (`AWS.SNS.SMS.SenderID`) |
 * | `SNS_ORIGINATION_NUMBER` | (account default) | origination number or short code (`AWS.SNS.SMS.OriginationNumber`) |
 * | `SNS_MAX_PRICE` | (account default) | most USD one SMS may cost (`AWS.SNS.SMS.MaxPrice`) |
 *
 * Region, credentials and the endpoint come from the AWS SDK's own chain: `AWS_REGION`, the
 * function role (or `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_PROFILE`) and
 * `AWS_ENDPOINT_URL_SNS`.
 *
 * @example `SMS_PROVIDER=sns SNS_SENDER_ID=Acme AWS_REGION=eu-west-1 node handler.mjs`
 */
const snsProvider = defineProvider<SnsProviderConfig>({
  id: 'sns',
  config: z.object({
    smsType: z._default(
      z.pipe(
        z.string().check(z.trim()),
        z.transform((value: string, ctx) => {
          const match = SMS_TYPES.find((type) => type.toLowerCase() === value.toLowerCase());
          if (!match) {
            ctx.issues.push({
              code: 'custom',
              input: value,
              message: `must be Transactional or Promotional, not ${JSON.stringify(value)}`,
            });
            return z.NEVER;
          }
          return match;
        }),
      ),
      'Transactional',
    ),
    senderId: z.optional(
      z
        .string()
        .check(
          z.trim(),
          z.regex(/^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/, 'must be 1 to 11 letters or digits, with at least one letter and no spaces'),
        ),
    ),
    originationNumber: z.optional(
      z.string().check(z.trim(), z.regex(/^\+?[1-9]\d{2,14}$/, 'must be a phone number in E.164 form (e.g. +14155550100) or a short code')),
    ),
    maxPrice: z.optional(z.string().check(z.trim(), z.regex(/^\d{1,4}(\.\d{1,5})?$/, 'must be an amount in USD, e.g. 0.50'))),
  }),
  create: (config, deps) => createSnsProvider(config, deps),
});

export default snsProvider;
