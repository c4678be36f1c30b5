import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import twilio, { twilioConfigSchema } from '../src/index.js';

const ACCOUNT_SID = 'AC00112233445566778899aabbccddeeff';
const API_KEY_SID = 'SK00112233445566778899aabbccddeeff';
const SERVICE_SID = 'MG00112233445566778899aabbccddeeff';
const TOKEN = 'a-very-secret-auth-token';

/** The issues as the handler reports them: the schema key (→ TWILIO_<KEY>) and the message. */
function issues(raw: Record<string, string>): [string, string][] {
  const result = twilioConfigSchema.safeParse(raw);
  if (result.success) throw new Error('expected the configuration to be rejected');
  return result.error.issues.map((issue) => [String(issue.path[0]), issue.message]);
}

describe('Provider: twilio', () => {
  describe('configuration schema', () => {
    it('accepts an auth token with a From number and defaults the base URL', () => {
      // Act
      const config = twilioConfigSchema.parse({ accountSid: ACCOUNT_SID, authToken: TOKEN, from: '+15005550006' });

      // Assess
      expect(config).toMatchObject({ accountSid: ACCOUNT_SID, from: '+15005550006', baseUrl: 'https://api.twilio.com' });
      expect(config.authToken?.reveal()).toBe(TOKEN);
    });

    it('accepts an API key with a Messaging Service, and alphanumeric or short-code senders', () => {
      // Act
      const viaService = twilioConfigSchema.safeParse({ accountSid: ACCOUNT_SID, apiKeySid: API_KEY_SID, apiKeySecret: 's', messagingServiceSid: SERVICE_SID });
      const alphanumeric = twilioConfigSchema.safeParse({ accountSid: ACCOUNT_SID, authToken: TOKEN, from: 'Acme Co' });
      const shortCode = twilioConfigSchema.safeParse({ accountSid: ACCOUNT_SID, authToken: TOKEN, from: '89757' });

      // Assess
      expect([viaService.success, alphanumeric.success, shortCode.success]).toEqual([true, true, true]);
    });

    it('throws naming every missing variable at once when nothing is set', () => {
      // Act
      const found = issues({});

      // Assess
      expect(found.map(([key]) => key)).toEqual(['accountSid', 'authToken', 'from']);
      expect(found[1]?.[1]).toContain('TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET');
      expect(found[2]?.[1]).toContain('TWILIO_MESSAGING_SERVICE_SID');
    });

    it('throws when both an auth token and an API key are set', () => {
      expect(issues({ accountSid: ACCOUNT_SID, authToken: TOKEN, apiKeySid: API_KEY_SID, apiKeySecret: 's', from: '+15005550006' })).toEqual([
        ['authToken', 'set either TWILIO_AUTH_TOKEN or TWILIO_API_KEY_SID + TWILIO_API_KEY_SECRET, not both'],
      ]);
    });

    it('throws when an API key SID comes without its secret', () => {
      expect(issues({ accountSid: ACCOUNT_SID, apiKeySid: API_KEY_SID, from: '+15005550006' })).toEqual([
        ['apiKeySecret', 'is required with TWILIO_API_KEY_SID'],
      ]);
    });

    it('throws when both a From sender and a Messaging Service are set', () => {
      expect(issues({ accountSid: ACCOUNT_SID, authToken: TOKEN, from: '+15005550006', messagingServiceSid: SERVICE_SID })).toEqual([
        ['messagingServiceSid', 'set either TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID, not both'],
      ]);
    });

    it('throws with a hint when an API key SID is given as the account SID', () => {
      const [[key, message] = ['', '']] = issues({ accountSid: API_KEY_SID, authToken: TOKEN, from: '+15005550006' });
      expect(key).toBe('accountSid');
      expect(message).toContain('is an API key SID: put it in TWILIO_API_KEY_SID');
    });

    it.each(['not a url', 'ftp://api.twilio.com', 'api.twilio.com'])('throws when the base URL is %j', (baseUrl) => {
      expect(issues({ accountSid: ACCOUNT_SID, authToken: TOKEN, from: '+15005550006', baseUrl })).toEqual([
        ['baseUrl', 'must be an http(s) URL such as https://api.dublin.ie1.twilio.com'],
      ]);
    });

    it.each(['+0123', 'Twelve chars', 'no!', '12'])('throws when the From sender is %j', (from) => {
      expect(issues({ accountSid: ACCOUNT_SID, authToken: TOKEN, from }).map(([key]) => key)).toEqual(['from']);
    });

    it('keeps the credentials out of JSON and util.inspect of the parsed configuration', () => {
      // Prepare
      const config = twilioConfigSchema.parse({ accountSid: ACCOUNT_SID, apiKeySid: API_KEY_SID, apiKeySecret: 'key-secret-value', messagingServiceSid: SERVICE_SID });
      const withToken = twilioConfigSchema.parse({ accountSid: ACCOUNT_SID, authToken: TOKEN, from: '+15005550006' });

      // Assess
      for (const printed of [JSON.stringify(config), inspect(config), JSON.stringify(withToken), inspect(withToken, { depth: 5 })]) {
        expect(printed).not.toContain('key-secret-value');
        expect(printed).not.toContain(TOKEN);
      }
      expect(JSON.stringify(withToken)).toContain('"authToken":"[redacted]"');
    });

    it('is the default export, with id twilio and the schema the handler reads keys from', () => {
      expect(twilio.id).toBe('twilio');
      expect(Object.keys((twilio.config as typeof twilioConfigSchema).shape)).toEqual([
        'accountSid',
        'authToken',
        'apiKeySid',
        'apiKeySecret',
        'from',
        'messagingServiceSid',
        'baseUrl',
      ]);
    });
  });
});
