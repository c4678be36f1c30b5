import { isConfigError } from '@cognito-sms/core';
import { cognitoEvent } from '@cognito-sms/testkit';
import { type SecretsManagerEmulator, startSecretsManagerEmulator } from '@cognito-sms/testkit/emulators/secrets-manager';
import { type SsmEmulator, startSsmEmulator } from '@cognito-sms/testkit/emulators/ssm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { logLines, useProviderEmulators } from './policy-support.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const p = useProviderEmulators();
let secrets: SecretsManagerEmulator;
let ssm: SsmEmulator;
const TOKEN = 'sk_live_4f9a0c2e7b';

beforeAll(async () => {
  secrets = await startSecretsManagerEmulator({ region: 'eu-west-1' });
  ssm = await startSsmEmulator({ region: 'eu-west-1' });
  vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', secrets.endpoint);
  vi.stubEnv('AWS_ENDPOINT_URL_SSM', ssm.endpoint);
});
afterAll(async () => {
  await Promise.all([secrets.close(), ssm.close()]);
});
beforeEach(() => {
  secrets.reset();
  ssm.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

const signUp = async () => cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt('314159') });
const authorizations = () => p.alpha.requests.map((request) => request.headers.authorization);

describe('Handler: provider credentials by reference (Secrets Manager, SSM Parameter Store)', () => {
  it('resolves a Secrets Manager ARN once per container and sends with its value', async () => {
    // Prepare
    const arn = secrets.putSecret('prod/alpha/api-key', TOKEN);
    const handler = await createHandler(h.env({ ...p.env('alpha'), ALPHA_API_KEY: arn }));
    // Act
    for (let i = 0; i < 3; i++) await handler(await signUp(), h.context);
    // Assess
    expect(authorizations()).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
    expect(secrets.getSecretValueCalls()).toEqual([expect.objectContaining({ input: { SecretId: arn }, status: 200 })]);
    expect(h.output.join('')).not.toContain(TOKEN);
  });

  it('fetches again in another container (each cold start has its own cache)', async () => {
    const arn = secrets.putSecret('prod/alpha/per-container', TOKEN);
    const env = h.env({ ...p.env('alpha'), ALPHA_API_KEY: arn });
    await (await createHandler(env))(await signUp(), h.context);
    await (await createHandler(env))(await signUp(), h.context);
    expect(secrets.getSecretValueCalls()).toHaveLength(2);
  });

  it('reads one key of a JSON secret with the ECS syntax <arn>:<json-key>', async () => {
    const arn = secrets.putSecret('prod/alpha/json', JSON.stringify({ apiKey: TOKEN, other: 'x' }));
    const handler = await createHandler(h.env({ ...p.env('alpha'), ALPHA_API_KEY: `${arn}:apiKey` }));
    await handler(await signUp(), h.context);
    expect(authorizations()).toEqual([`Bearer ${TOKEN}`]);
    expect(secrets.getSecretValueCalls()[0]?.input).toEqual({ SecretId: arn });
  });

  it('resolves an SSM parameter reference (ssm:/name), decrypted, and an SSM parameter ARN', async () => {
    const parameterArn = ssm.putParameter('/prod/alpha/api-key', TOKEN, 'SecureString');
    ssm.putParameter('/prod/alpha/url', `${p.alpha.baseUrl}/from-ssm`, 'String');
    const handler = await createHandler(
      h.env({ ...p.env('alpha'), ALPHA_API_KEY: 'ssm:/prod/alpha/api-key', ALPHA_URL: parameterArn.replace('api-key', 'url') }),
    );
    await handler(await signUp(), h.context);
    await handler(await signUp(), h.context);
    expect(authorizations()).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
    expect(p.alpha.requests[0]?.path).toBe('/from-ssm');
    expect(ssm.getParameterCalls().map((call) => call.input)).toEqual(
      expect.arrayContaining([
        { Name: '/prod/alpha/api-key', WithDecryption: true },
        { Name: 'arn:aws:ssm:eu-west-1:111122223333:parameter/prod/alpha/url', WithDecryption: true },
      ]),
    );
    expect(ssm.getParameterCalls()).toHaveLength(2);
  });

  it('fails the cold start naming each variable whose reference cannot be read, never a value', async () => {
    const jsonArn = secrets.putSecret('prod/alpha/not-json', TOKEN);
    const missing = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/missing-AbCdEf';
    const error = await createHandler(
      h.env({ ...p.env('alpha', 'beta'), ALPHA_API_KEY: missing, BETA_API_KEY: `${jsonArn}:apiKey`, BETA_URL: 'ssm:/prod/nope' }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConfigError(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain(`ALPHA_API_KEY: could not read secret ${missing}: ResourceNotFoundException`);
    expect(message).toContain('BETA_API_KEY: could not read secret');
    expect(message).toContain('the secret is not JSON');
    expect(message).toContain('BETA_URL: could not read SSM parameter /prod/nope: ParameterNotFound');
    expect(message).not.toContain(TOKEN);
    expect(h.output.join('')).not.toContain(TOKEN);
  });

  it('refuses a malformed reference and a version stage at cold start', async () => {
    const error = await createHandler(
      h.env({
        ...p.env('alpha', 'beta'),
        ALPHA_API_KEY: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/a-AbCdEf:apiKey:AWSPREVIOUS:',
        BETA_API_KEY: 'ssm:not a name',
      }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(/ALPHA_API_KEY: a version stage or version id .* is not supported/);
    expect((error as Error).message).toContain('BETA_API_KEY: "ssm:not a name" is not an SSM parameter reference');
    expect(secrets.getSecretValueCalls()).toHaveLength(0);
  });

  it('reads the secret again after SMS_SECRETS_MAX_AGE_S and rebuilds the provider when it was rotated', async () => {
    // Prepare: a fake wall clock (Date only: sockets and timers stay real).
    vi.useFakeTimers({ toFake: ['Date'] });
    const arn = secrets.putSecret('prod/alpha/rotated', TOKEN);
    const handler = await createHandler(h.env({ ...p.env('alpha'), ALPHA_API_KEY: arn, SMS_SECRETS_MAX_AGE_S: '60' }));
    await handler(await signUp(), h.context);
    // Act: rotate, then let less, then more, than the max age pass.
    secrets.putSecret('prod/alpha/rotated', 'sk_live_rotated');
    vi.setSystemTime(Date.now() + 30_000);
    await handler(await signUp(), h.context);
    vi.setSystemTime(Date.now() + 31_000);
    await handler(await signUp(), h.context);
    await handler(await signUp(), h.context);
    // Assess
    expect(authorizations()).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`, 'Bearer sk_live_rotated', 'Bearer sk_live_rotated']);
    expect(secrets.getSecretValueCalls()).toHaveLength(2);
    expect(logLines(h.output, 'Provider credentials changed; providers rebuilt')).toEqual([
      expect.objectContaining({ variables: ['ALPHA_API_KEY'] }),
    ]);
    expect(h.output.join('')).not.toContain('sk_live_rotated');
  });

  it('keeps the values in use when the re-read fails', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const arn = secrets.putSecret('prod/alpha/flaky', TOKEN);
    const handler = await createHandler(h.env({ ...p.env('alpha'), ALPHA_API_KEY: arn, SMS_SECRETS_MAX_AGE_S: '60' }));
    secrets.injectFault({ operation: 'GetSecretValue', type: 'InternalServiceError', status: 500 });
    secrets.injectFault({ operation: 'GetSecretValue', type: 'InternalServiceError', status: 500 });
    secrets.injectFault({ operation: 'GetSecretValue', type: 'InternalServiceError', status: 500 });
    secrets.injectFault({ operation: 'GetSecretValue', type: 'InternalServiceError', status: 500 });
    vi.setSystemTime(Date.now() + 61_000);
    await expect(handler(await signUp(), h.context)).resolves.toMatchObject({ provider: 'alpha' });
    expect(authorizations()).toEqual([`Bearer ${TOKEN}`]);
    expect(logLines(h.output, 'Could not re-read secret references; keeping the values in use')).toHaveLength(1);
  });

  it('never contacts Secrets Manager or SSM when no variable holds a reference', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha'), ALPHA_API_KEY: 'plain-value' }));
    await handler(await signUp(), h.context);
    expect(secrets.calls).toHaveLength(0);
    expect(ssm.calls).toHaveLength(0);
    expect(authorizations()).toEqual(['Bearer plain-value']);
  });
});
