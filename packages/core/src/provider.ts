import type { $ZodType, util } from 'zod/v4/core';
import type { TriggerSource } from './event.js';
import type { SmsEncoding } from './segments.js';

/** One SMS to deliver. `body` holds the code: adapters send it and never log it. */
/**
 * A zod schema of either build: ours are `zod/mini` (`@cognito-sms/core/zod`), a third-party
 * adapter may use the full `zod`. Both have these methods.
 */
export type ConfigSchema<C> = $ZodType<C> & {
  // NoInfer: C comes from the schema's output type; the full zod's methods would infer it loosely.
  parse(data: unknown): NoInfer<C>;
  safeParse(data: unknown): util.SafeParseResult<NoInfer<C>>;
};

export interface SmsMessage {
  /** Destination, E.164. */
  readonly to: string;
  readonly body: string;
  readonly trigger: TriggerSource;
  readonly userPoolId: string;
  /** The user's `locale` attribute, when Cognito sent one. */
  readonly locale?: string;
  /**
   * The sender id or origination number configured for this destination and provider
   * (`SMS_SENDERS`): an alphanumeric sender id (`Acme`), a short code or an E.164 number.
   * Adapters that can choose the sender per message use it instead of their configured
   * default; adapters that cannot ignore it. Absent when nothing is configured.
   */
  readonly sender?: string;
  /** ISO 3166-1 alpha-2 region of `to` (`GB`), when known. */
  readonly country?: string;
  /** Segments the body takes (GSM-7: 160 then 153 a segment; UCS-2: 70 then 67). */
  readonly segments?: number;
  /** The encoding the body needs: `GSM-7`, or `UCS-2` when it holds a character outside GSM 03.38. */
  readonly encoding?: SmsEncoding;
  /**
   * Where the provider should post this message's delivery status (`SMS_RECEIPTS_URL` +
   * `/<provider id>`), when receipts are on. Adapters whose API takes a per-message callback
   * pass it (Twilio `StatusCallback`, MessageBird `reportUrl`, …); the others ignore it.
   */
  readonly statusCallbackUrl?: string;
}

export interface SendOptions {
  /** Aborted when the attempt's time budget runs out; adapters pass it to their HTTP call. */
  readonly signal: AbortSignal;
}

/** What a provider said when it accepted a message. */
export interface SendReceipt {
  readonly provider: string;
  /** The provider's own message id (Twilio SID, Vonage message-id, SNS MessageId, …). */
  readonly messageId: string;
  /** Number of SMS segments billed, where the provider tells. */
  readonly segments?: number;
}

/**
 * An SMS provider, ready to send. Built once per container by its definition's `create`.
 * Throw a `ProviderError` (with `retryable` set) when the provider does not accept a message.
 */
export interface SmsProvider {
  readonly id: string;
  send(message: SmsMessage, options: SendOptions): Promise<SendReceipt>;
}

/** The smallest logger a provider may write to; Powertools Logger and `console` both fit. */
export interface Logger {
  debug(message: string, ...extra: unknown[]): void;
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

/** What the handler hands every provider factory. Providers never read `process.env`. */
export interface ProviderDeps {
  readonly logger: Logger;
  /** The Lambda function name when running inside Lambda (`AWS_LAMBDA_FUNCTION_NAME`). */
  readonly lambdaFunctionName?: string;
}

/**
 * An adapter: an id, a zod schema for its configuration, and a factory. The handler reads
 * the configuration from environment variables named after the id and the schema's keys
 * (see `envVariableName`): `twilio` + `accountSid` → `TWILIO_ACCOUNT_SID`.
 *
 * A third-party adapter is a package whose default export is a `ProviderDefinition`.
 *
 * @example
 * ```ts
 * export default defineProvider({
 *   id: 'acme',
 *   config: z.object({ apiKey: secretString(), baseUrl: z._default(z.url(), 'https://api.acme.test') }), // z from @cognito-sms/core/zod
 *   create: (config) => ({ id: 'acme', send: async (message, { signal }) => ({ provider: 'acme', messageId: '…' }) }),
 * });
 * ```
 */
export interface ProviderDefinition<C = unknown> {
  /** Lower-case id, `[a-z][a-z0-9-]*`: what `SMS_PROVIDER` names and the env prefix. */
  readonly id: string;
  /** Configuration schema; an object whose keys become `<ID>_<KEY>` env variables. */
  readonly config: ConfigSchema<C>;
  /** Builds the provider once per container: create clients here, not per send. */
  create(config: C, deps: ProviderDeps): SmsProvider | Promise<SmsProvider>;
}

/** Identity helper that types a definition. @example `export default defineProvider({ id, config, create })` */
export const defineProvider = <C>(definition: ProviderDefinition<C>): ProviderDefinition<C> => definition;
