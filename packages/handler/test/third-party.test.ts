import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type ConfigError, isConfigError } from '@cognito-sms/core';
import { cognitoEvent, type Emulator, startEmulator } from '@cognito-sms/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const PACKAGE = '@example/cognito-sms-provider-webhook';
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
let webhook: Emulator;

beforeAll(async () => {
  webhook = await startEmulator(() => ({ status: 202, body: { id: 'hook-1' } }));
});
afterAll(() => webhook.close());

const configError = async (env: Record<string, string>): Promise<ConfigError> => {
  const error = await createHandler(h.env(env)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isConfigError(error)).toBe(true);
  return error as ConfigError;
};

describe('Handler: third-party adapters named in SMS_PROVIDER', () => {
  it('loads an installed package by name and delivers through it', async () => {
    // Prepare
    const handler = await createHandler(
      h.env({ SMS_PROVIDER: PACKAGE, WEBHOOK_URL: `${webhook.baseUrl}/sms`, WEBHOOK_SIGNING_SECRET: 'whsec-1' }),
    );
    // Act
    const receipt = await handler(cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt('551234') }), h.context);
    // Assess
    expect(receipt).toEqual({ provider: 'webhook', messageId: 'hook-1' });
    const [request] = webhook.requests.slice(-1);
    expect(request?.path).toBe('/sms');
    expect(request?.json).toMatchObject({ to: '+447700900123', body: 'Your verification code is 551234' });
    expect(request?.headers['x-signature-sha256']).toBe(
      createHmac('sha256', 'whsec-1')
        .update(request?.body ?? '')
        .digest('hex'),
    );
  });

  it('loads a definition from a module path', async () => {
    const path = fileURLToPath(import.meta.resolve(PACKAGE));
    await expect(
      createHandler(h.env({ SMS_PROVIDER: path, WEBHOOK_URL: webhook.baseUrl, WEBHOOK_SIGNING_SECRET: 's' })),
    ).resolves.toBeTypeOf('function');
  });

  it('throws ConfigError naming the package when it is not installed', async () => {
    const error = await configError({ SMS_PROVIDER: '@acme/sms-provider-missing' });
    expect(error.message).toMatch(/SMS_PROVIDER: unknown provider "@acme\/sms-provider-missing".*no package of that name is installed/);
  });

  it('throws ConfigError when the module has no default export', async () => {
    const error = await configError({ SMS_PROVIDER: fixture('no-default-export.mjs') });
    expect(error.message).toContain('has no default export');
  });

  it('throws ConfigError listing what keeps the default export from being a definition', async () => {
    const error = await configError({ SMS_PROVIDER: fixture('not-a-definition.mjs') });
    expect(error.message).toContain('does not export a ProviderDefinition');
    expect(error.message).toContain('`id` must be a lower-case id');
    expect(error.message).toContain('`config` must be a zod object schema');
    expect(error.message).toContain('`create` must be a function');
  });

  it("throws ConfigError naming the adapter's own variables when its config is invalid", async () => {
    const error = await configError({ SMS_PROVIDER: PACKAGE, WEBHOOK_URL: 'ftp://nope' });
    expect(error.issues.map((i) => i.variable).sort()).toEqual(['WEBHOOK_SIGNING_SECRET', 'WEBHOOK_URL']);
  });

  it('throws ConfigError for an entry that is neither an id, a package name nor a path', async () => {
    const error = await configError({ SMS_PROVIDER: 'Not A Name!' });
    expect(error.message).toContain('unknown provider "Not A Name!"');
  });
});
