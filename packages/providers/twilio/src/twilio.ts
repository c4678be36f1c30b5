import { ConfigError, envVariableName, type ProviderDeps, type Secret, type SmsProvider } from '@cognito-sms/core/provider';
// Deep imports: the Messages resource and the two base classes it needs, not the whole SDK
// (`twilio` loads every product and axios: ~3.7 MB bundled). See README, "Cold start".
import DomainModule from 'twilio/lib/base/Domain.js';
import VersionModule from 'twilio/lib/base/Version.js';
import type V2010Module from 'twilio/lib/rest/api/V2010.js';
import { MessageListInstance } from 'twilio/lib/rest/api/v2010/account/message.js';
import { toProviderError } from './errors.js';
import { NodeHttpTransport, type SendContext } from './transport.js';

export interface TwilioProviderConfig {
  /** The account that sends (AC…); always the `{AccountSid}` of the request path. */
  readonly accountSid: string;
  /** The account's auth token. Set this, or `apiKeySid` + `apiKeySecret`. */
  readonly authToken?: Secret | undefined;
  /** An API key (SK…) of the account; Basic auth then uses the key SID and its secret. */
  readonly apiKeySid?: string | undefined;
  readonly apiKeySecret?: Secret | undefined;
  /** Sender: a Twilio number (E.164), a short code or an alphanumeric sender ID. Set this or `messagingServiceSid`. */
  readonly from?: string | undefined;
  /** Sender: a Messaging Service (MG…) that picks the number from its sender pool. */
  readonly messagingServiceSid?: string | undefined;
  /** Where the REST API lives, e.g. `https://api.dublin.ie1.twilio.com` or a loopback emulator. */
  readonly baseUrl: string;
}

// The SDK's base modules are CommonJS with `exports.default`. Under Node's ESM rules (and esbuild's
// for this "type": "module" package) the default import is `module.exports`, so the class is its
// `default`; a bundler applying `__esModule` interop hands over the class itself.
const cjsDefault = <T>(module: { default: T }): T => (module as { default?: T }).default ?? (module as unknown as T);
const Domain = cjsDefault(DomainModule);
const Version = cjsDefault(VersionModule);

/**
 * A Twilio provider: one `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` per SMS, through
 * the SDK's own Messages resource (parameter mapping, URL building, error parsing) over
 * `node:http(s)`. Built once per container: the connection is reused across sends.
 *
 * @example
 * ```ts
 * const provider = createTwilioProvider({ accountSid, authToken: new Secret(token), from: '+15005550006', baseUrl: 'https://api.twilio.com' }, deps);
 * const { messageId, segments } = await provider.send(message, { signal: AbortSignal.timeout(4000) });
 * ```
 */
export function createTwilioProvider(config: TwilioProviderConfig, deps: Pick<ProviderDeps, 'logger'>): SmsProvider {
  const password = config.apiKeySid === undefined ? config.authToken : config.apiKeySecret;
  if (!password) {
    // The definition's schema already says this; a direct caller may have skipped it.
    throw new ConfigError([{ variable: envVariableName('twilio', config.apiKeySid === undefined ? 'authToken' : 'apiKeySecret'), message: 'is required' }]);
  }
  const defaultSender = config.messagingServiceSid === undefined ? { from: config.from } : { messagingServiceSid: config.messagingServiceSid };
  const baseUrl = new URL(config.baseUrl);
  if (baseUrl.protocol === 'http:' && !isLoopback(baseUrl.hostname)) {
    deps.logger.warn('TWILIO_BASE_URL uses plain http: the Basic auth credentials cross the network unencrypted', { host: baseUrl.host });
  }

  const transport = new NodeHttpTransport({ username: config.apiKeySid ?? config.accountSid, password: password.reveal() });
  // The Messages resource only calls `Version` methods; the generated `V2010` subclass would
  // also load every other 2010 resource module (calls, recordings, …).
  const v2010 = new Version(new Domain(transport.asTwilioClient(), config.baseUrl), '2010-04-01') as V2010Module.default;
  const messages = MessageListInstance(v2010, config.accountSid);

  return {
    id: 'twilio',
    async send(message, { signal }) {
      const context: SendContext = { signal };
      // A sender chosen for this destination (SMS_SENDERS) replaces the configured one, service included.
      const sender = message.sender === undefined ? defaultSender : { from: message.sender };
      try {
        signal.throwIfAborted();
        const created = await transport.within(context, () => messages.create({ to: message.to, body: message.body, ...sender, ...(message.statusCallbackUrl ? { statusCallback: message.statusCallbackUrl } : {}) }));
        // num_segments is a string in the Message resource ("1"), and may be null.
        const segments = Number.parseInt(created.numSegments ?? '', 10);
        return { provider: 'twilio', messageId: created.sid, ...(Number.isFinite(segments) ? { segments } : {}) };
      } catch (error) {
        throw toProviderError(error, { message, signal, retryAfter: context.retryAfter });
      }
    },
  };
}

const isLoopback = (hostname: string): boolean => hostname === 'localhost' || hostname === '[::1]' || hostname.startsWith('127.');
