import { type MessageAttributeValue, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { assertAwsClientSetup, type ProviderDeps, ProviderError, type SmsProvider } from '@cognito-sms/core/provider';
import { toSnsProviderError } from './errors.js';

/** SNS's two SMS routes: Transactional (reliability first, for codes) or Promotional (cost first). */
export type SnsSmsType = 'Transactional' | 'Promotional';

export interface SnsProviderConfig {
  /** `AWS.SNS.SMS.SMSType`. */
  readonly smsType: SnsSmsType;
  /** `AWS.SNS.SMS.SenderID`: 1 to 11 letters or digits, shown where the country supports it. */
  readonly senderId?: string | undefined;
  /** `AWS.SNS.SMS.OriginationNumber`: a number or short code of the account, E.164. */
  readonly originationNumber?: string | undefined;
  /** `AWS.SNS.SMS.MaxPrice`: the most, in USD, one SMS may cost; SNS does not send pricier ones. */
  readonly maxPrice?: string | undefined;
}

/**
 * Sends each SMS with one SNS `Publish` to `PhoneNumber`, the SMS settings as
 * `MessageAttributes` (`AWS.SNS.SMS.*`). A sender chosen for the destination
 * (`SmsMessage.sender`) replaces the configured sender ID / origination number.
 *
 * The client is built once, with no endpoint, region or credentials of its own: the SDK's
 * default chain supplies `AWS_ENDPOINT_URL_SNS` (or `AWS_ENDPOINT_URL`), `AWS_REGION` and the
 * credentials. `maxAttempts: 1` turns the SDK's own retries off so the core's delivery policy
 * alone decides retries and failover within the Lambda's time budget. Region, credentials
 * and a configured endpoint URL are resolved here, at cold start, so a missing one fails
 * `createHandler` with a {@link ConfigError} instead of the first SMS.
 *
 * @throws {ConfigError} naming `AWS_REGION`, `AWS_ACCESS_KEY_ID` or `AWS_ENDPOINT_URL_SNS`.
 * @example
 * ```ts
 * const sns = await createSnsProvider({ smsType: 'Transactional', senderId: 'Acme' }, deps);
 * const receipt = await sns.send(message, { signal: AbortSignal.timeout(4000) });
 * ```
 */
export async function createSnsProvider(config: SnsProviderConfig, _deps?: Partial<ProviderDeps>): Promise<SmsProvider> {
  const client = new SNSClient({ maxAttempts: 1 });
  await assertAwsClientSetup(client, { service: 'SNS', endpointVariable: 'AWS_ENDPOINT_URL_SNS' });
  const MessageAttributes = smsAttributes(config);

  return {
    id: 'sns',
    async send(message, { signal }) {
      let output: { MessageId?: string | undefined };
      try {
        const attributes = message.sender ? withSender(MessageAttributes, message.sender) : MessageAttributes;
        output = await client.send(new PublishCommand({ PhoneNumber: message.to, Message: message.body, MessageAttributes: attributes }), {
          abortSignal: signal,
        });
      } catch (error) {
        throw toSnsProviderError(error, { signal, message });
      }
      if (!output.MessageId) {
        // A 200 without a MessageId is not something SNS documents; the SMS may be on its way,
        // so this is not retried.
        throw new ProviderError({
          provider: 'sns',
          code: 'MissingMessageId',
          message: 'Publish answered without a MessageId',
          retryable: false,
          status: 200,
        });
      }
      return { provider: 'sns', messageId: output.MessageId };
    },
  };
}

/**
 * The `AWS.SNS.SMS.*` message attributes, built once.
 *
 * @example `smsAttributes({ smsType: 'Transactional', senderId: 'Acme' })['AWS.SNS.SMS.SenderID'] // { DataType: 'String', StringValue: 'Acme' }`
 */
export function smsAttributes(config: SnsProviderConfig): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {
    'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: config.smsType },
  };
  if (config.senderId) attributes['AWS.SNS.SMS.SenderID'] = { DataType: 'String', StringValue: config.senderId };
  if (config.originationNumber) {
    attributes['AWS.SNS.SMS.OriginationNumber'] = { DataType: 'String', StringValue: config.originationNumber };
  }
  if (config.maxPrice) attributes['AWS.SNS.SMS.MaxPrice'] = { DataType: 'Number', StringValue: config.maxPrice };
  return attributes;
}

/**
 * The attributes with the sender chosen for this destination (`SmsMessage.sender`, from
 * `SMS_SENDERS`) in place of the configured one: an alphanumeric sender becomes
 * `AWS.SNS.SMS.SenderID`, a number or short code `AWS.SNS.SMS.OriginationNumber`.
 *
 * @example `withSender(smsAttributes(config), '+14155550100')['AWS.SNS.SMS.OriginationNumber']?.StringValue // '+14155550100'`
 */
export function withSender(attributes: Record<string, MessageAttributeValue>, sender: string): Record<string, MessageAttributeValue> {
  const { 'AWS.SNS.SMS.SenderID': _senderId, 'AWS.SNS.SMS.OriginationNumber': _originationNumber, ...rest } = attributes;
  return /[A-Za-z]/.test(sender)
    ? { ...rest, 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: sender } }
    : { ...rest, 'AWS.SNS.SMS.OriginationNumber': { DataType: 'String', StringValue: sender } };
}
