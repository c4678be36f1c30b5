import { PinpointSMSVoiceV2Client, SendTextMessageCommand, type SendTextMessageRequest } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { assertAwsClientSetup, type ProviderDeps, ProviderError, type SmsProvider } from '@cognito-sms/core/provider';
import { toEndUserMessagingProviderError } from './errors.js';

export type EndUserMessagingMessageType = 'TRANSACTIONAL' | 'PROMOTIONAL';

export interface EndUserMessagingProviderConfig {
  /** `OriginationIdentity`: phone number, sender ID, pool (id or ARN), or their ARNs. */
  readonly originationIdentity?: string | undefined;
  /** `ConfigurationSetName`: name or ARN of the configuration set (event destinations, defaults). */
  readonly configurationSet?: string | undefined;
  /** `MessageType`. */
  readonly messageType: EndUserMessagingMessageType;
  /** `MaxPrice`: the most, in USD, one SMS may cost; pricier ones are refused. */
  readonly maxPrice?: string | undefined;
  /** `TimeToLive`: seconds AWS keeps trying to hand the SMS to the carrier (5 – 259200). */
  readonly timeToLive?: number | undefined;
  /** `ProtectConfigurationId`: the protect configuration (country rules) to apply. */
  readonly protectConfigurationId?: string | undefined;
  /** `DryRun`: validate and answer, but do not send (and do not charge). */
  readonly dryRun: boolean;
}

/**
 * Sends each SMS with one AWS End User Messaging SMS `SendTextMessage`
 * (pinpoint-sms-voice-v2, AWS JSON 1.0, SigV4 service `sms-voice`).
 *
 * The client is built once, with no endpoint, region or credentials of its own: the SDK's
 * default chain supplies `AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2` (or `AWS_ENDPOINT_URL`),
 * `AWS_REGION` and the credentials. `maxAttempts: 1` turns the SDK's own retries off so the
 * core's delivery policy alone decides retries and failover. Region, credentials and a
 * configured endpoint URL are resolved here, at cold start, so a missing one fails
 * `createHandler` with a {@link ConfigError} instead of the first SMS.
 *
 * Each message carries `Context` `{ cognitoTrigger, cognitoUserPoolId }`, which AWS logs to the
 * configuration set's event destinations (no secret, no number).
 *
 * @throws {ConfigError} naming `AWS_REGION`, `AWS_ACCESS_KEY_ID` or `AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2`.
 * @example
 * ```ts
 * const eum = await createEndUserMessagingProvider({ originationIdentity: 'pool-123', messageType: 'TRANSACTIONAL', dryRun: false }, deps);
 * const receipt = await eum.send(message, { signal: AbortSignal.timeout(4000) });
 * ```
 */
export async function createEndUserMessagingProvider(
  config: EndUserMessagingProviderConfig,
  _deps?: Partial<ProviderDeps>,
): Promise<SmsProvider> {
  const client = new PinpointSMSVoiceV2Client({ maxAttempts: 1 });
  await assertAwsClientSetup(client, { service: 'End User Messaging', endpointVariable: 'AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2' });
  const fixed = fixedInput(config);

  return {
    id: 'end-user-messaging',
    async send(message, { signal }) {
      let output: { MessageId?: string | undefined };
      try {
        const command = new SendTextMessageCommand({
          ...fixed,
          // A sender chosen for this destination (`SMS_SENDERS`) wins over the configured identity.
          ...(message.sender ? { OriginationIdentity: message.sender } : {}),
          DestinationPhoneNumber: message.to,
          MessageBody: message.body,
          Context: { cognitoTrigger: message.trigger, cognitoUserPoolId: message.userPoolId },
        });
        output = await client.send(command, { abortSignal: signal });
      } catch (error) {
        throw toEndUserMessagingProviderError(error, { signal, message });
      }
      if (!output.MessageId) {
        // A 200 without a MessageId is not documented; the SMS may be on its way, so no retry.
        throw new ProviderError({
          provider: 'end-user-messaging',
          code: 'MissingMessageId',
          message: 'SendTextMessage answered without a MessageId',
          retryable: false,
          status: 200,
        });
      }
      return { provider: 'end-user-messaging', messageId: output.MessageId };
    },
  };
}

/**
 * The parts of the request that come from configuration, built once.
 *
 * @example `fixedInput({ messageType: 'TRANSACTIONAL', timeToLive: 300, dryRun: false }) // { MessageType: 'TRANSACTIONAL', TimeToLive: 300 }`
 */
export function fixedInput(config: EndUserMessagingProviderConfig): Omit<SendTextMessageRequest, 'DestinationPhoneNumber'> {
  return {
    MessageType: config.messageType,
    ...(config.originationIdentity ? { OriginationIdentity: config.originationIdentity } : {}),
    ...(config.configurationSet ? { ConfigurationSetName: config.configurationSet } : {}),
    ...(config.maxPrice ? { MaxPrice: config.maxPrice } : {}),
    ...(config.timeToLive !== undefined ? { TimeToLive: config.timeToLive } : {}),
    ...(config.protectConfigurationId ? { ProtectConfigurationId: config.protectConfigurationId } : {}),
    ...(config.dryRun ? { DryRun: true } : {}),
  };
}
