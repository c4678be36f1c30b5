import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConfigError, isConfigError } from '@cognito-sms/core';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { fixtureProvider, useProviderEmulators } from './policy-support.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const p = useProviderEmulators();

const configError = async (env: Record<string, string>): Promise<ConfigError> => {
  const error = await createHandler(h.env(env)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isConfigError(error)).toBe(true);
  return error as ConfigError;
};

describe('Handler: delivery-policy configuration at cold start', () => {
  it('names every invalid policy variable in one message', async () => {
    const error = await configError({
      ...p.env('alpha'),
      SMS_ATTEMPT_TIMEOUT_MS: '0',
      SMS_SAFETY_MARGIN_MS: '-5',
      SMS_MAX_RETRIES: '99',
      SMS_RETRY_BASE_DELAY_MS: 'fast',
      SMS_RETRY_MAX_DELAY_MS: '1.5',
      SMS_ON_AMBIGUOUS_ERROR: 'maybe',
      SMS_ALLOWED_COUNTRIES: 'GB,United Kingdom',
      SMS_BLOCKED_COUNTRIES: '+0',
      SMS_BLOCKED_NUMBER_TYPES: 'premium,MOBILE',
      SMS_ALLOW_UNKNOWN_COUNTRY: 'sometimes',
      SMS_ROUTES: 'GB=alpha;nowhere',
      SMS_SENDERS: 'GB=This sender id is far too long;XX1=Acme;default=beta:Acme',
      SMS_SECRETS_MAX_AGE_S: 'forever',
      SMS_IDEMPOTENCY: 'redis',
      SMS_IDEMPOTENCY_TTL_S: '0',
      POWERTOOLS_METRICS_DISABLED: 'perhaps',
    });
    const variables = [...new Set(error.issues.map((i) => i.variable))].sort();
    expect(variables).toEqual([
      'POWERTOOLS_METRICS_DISABLED',
      'SMS_ALLOWED_COUNTRIES',
      'SMS_ALLOW_UNKNOWN_COUNTRY',
      'SMS_ATTEMPT_TIMEOUT_MS',
      'SMS_BLOCKED_COUNTRIES',
      'SMS_BLOCKED_NUMBER_TYPES',
      'SMS_IDEMPOTENCY',
      'SMS_IDEMPOTENCY_TTL_S',
      'SMS_MAX_RETRIES',
      'SMS_ON_AMBIGUOUS_ERROR',
      'SMS_RETRY_BASE_DELAY_MS',
      'SMS_RETRY_MAX_DELAY_MS',
      'SMS_ROUTES',
      'SMS_SAFETY_MARGIN_MS',
      'SMS_SECRETS_MAX_AGE_S',
      'SMS_SENDERS',
    ]);
    expect(error.message).toContain('"UNITED KINGDOM" is not an ISO 3166 country code');
    expect(error.message).toContain('unknown number type "premium"');
    expect(error.message).toContain('"nowhere" is not KEYS=VALUE');
    expect(error.message).toContain('"This sender id is far too long" is not a sender id');
    expect(error.message).toContain('SMS_SENDERS: default: no provider with id "beta" is configured');
  });

  it('loads every provider a route names and reports the unknown ones under SMS_PROVIDER', async () => {
    const error = await configError({
      ...p.env('alpha'),
      SMS_ROUTES: `US=${fixtureProvider('beta')},carrier-pigeon`,
      BETA_URL: 'not a url',
    });
    expect(error.issues.map((i) => i.variable).sort()).toEqual(['BETA_URL', 'SMS_ROUTES']);
    expect(error.message).toContain('SMS_ROUTES: unknown provider "carrier-pigeon"');
  });

  it('reports a missing, unreadable or invalid SMS_CONFIG_FILE', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cognito-sms-'));
    await writeFile(join(dir, 'broken.json'), '{ "routes": ');
    await writeFile(
      join(dir, 'invalid.json'),
      JSON.stringify({ routes: { Mars: [] }, senders: { GB: '!!' }, templates: { de: { Nope: 'x' } }, extra: 1 }),
    );
    expect((await configError({ ...p.env('alpha'), SMS_CONFIG_FILE: join(dir, 'missing.json') })).message).toMatch(
      /SMS_CONFIG_FILE: cannot read .*missing\.json \(ENOENT\)/,
    );
    expect((await configError({ ...p.env('alpha'), SMS_CONFIG_FILE: join(dir, 'broken.json') })).message).toMatch(
      /SMS_CONFIG_FILE: .*broken\.json is not JSON/,
    );
    const invalid = await configError({ ...p.env('alpha'), SMS_CONFIG_FILE: join(dir, 'invalid.json') });
    expect(invalid.issues.every((i) => i.variable === 'SMS_CONFIG_FILE')).toBe(true);
    expect(invalid.message).toContain('routes.Mars: must be an ISO 3166 country code');
    expect(invalid.message).toContain('senders.GB: must be a sender id');
    expect(invalid.message).toContain('unknown trigger "Nope"');
    expect(invalid.message).toContain('Unrecognized key: "extra"');
  });

  it('accepts a full configuration', async () => {
    await expect(
      createHandler(
        h.env({
          ...p.env('alpha', 'beta'),
          SMS_ROUTES: `US,CA=${fixtureProvider('beta')}`,
          SMS_SENDERS: 'GB=Acme;US=beta:+14155550100;default=12345',
          SMS_ALLOWED_COUNTRIES: 'gb,us,ca,+353',
          SMS_BLOCKED_NUMBER_TYPES: 'non-mobile',
          SMS_ON_AMBIGUOUS_ERROR: 'retry',
          SMS_IDEMPOTENCY: 'memory',
          SMS_WEBOTP_DOMAIN: 'Example.COM',
        }),
      ),
    ).resolves.toBeTypeOf('function');
  });
});
