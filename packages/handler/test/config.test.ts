import { type ConfigError, isConfigError } from '@cognito-sms/core';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();

const configError = async (env: Record<string, string | undefined>): Promise<ConfigError> => {
  const error = await createHandler(env).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isConfigError(error)).toBe(true);
  return error as ConfigError;
};

describe('Handler: configuration at cold start', () => {
  it('throws ConfigError naming KMS_KEY_ARN when it is missing', async () => {
    const error = await configError({ SMS_PROVIDER: 'console' });
    expect(error.issues.map((i) => i.variable)).toEqual(['KMS_KEY_ARN']);
    expect(error.message).toMatch(/KMS_KEY_ARN: is required/);
  });

  it('names every invalid variable in one message', async () => {
    const error = await configError({
      KMS_KEY_ARN: 'alias/cognito, arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      COGNITO_USER_POOL_IDS: 'eu-west-1_Good1,not-a-pool',
      SMS_PROVIDER: 'console,carrier-pigeon',
      SMS_ATTEMPT_TIMEOUT_MS: 'soon',
      CONSOLE_ALLOW_IN_LAMBDA: 'maybe',
    });
    const variables = error.issues.map((i) => i.variable).sort();
    expect(variables).toEqual([
      'COGNITO_USER_POOL_IDS',
      'CONSOLE_ALLOW_IN_LAMBDA',
      'KMS_KEY_ARN',
      'SMS_ATTEMPT_TIMEOUT_MS',
      'SMS_PROVIDER',
    ]);
    expect(error.message).toContain('"alias/cognito" is not a full KMS key ARN');
    expect(error.message).toContain('"not-a-pool" is not a user pool id');
    expect(error.message).toContain('unknown provider "carrier-pigeon"');
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'throws ConfigError for SMS_PROVIDER=%s, a member of every object but no built-in provider',
    async (entry) => {
      const error = await configError({ KMS_KEY_ARN: h.keyArn, SMS_PROVIDER: entry });
      expect(error.issues).toEqual([{ variable: 'SMS_PROVIDER', message: expect.stringContaining(`unknown provider "${entry}"`) }]);
      expect(error.message).toContain('console, twilio, vonage');
    },
  );

  it('logs the configuration error once, as JSON, before failing the cold start', async () => {
    await configError({});
    const lines = h.output.join('').split('\n').filter(Boolean);
    expect(lines.some((line) => line.includes('"cognito-sms could not start"') && line.includes('KMS_KEY_ARN'))).toBe(true);
  });

  it('accepts a comma list of key ARNs and defaults SMS_PROVIDER to console', async () => {
    const second = h.kms.createKey();
    await expect(createHandler({ KMS_KEY_ARN: `${h.keyArn}, ${second}` })).resolves.toBeTypeOf('function');
  });

  it('refuses the console provider inside a deployed Lambda unless CONSOLE_ALLOW_IN_LAMBDA is set', async () => {
    const error = await configError(h.env({ AWS_LAMBDA_FUNCTION_NAME: 'cognito-sms-prod' }));
    expect(error.message).toMatch(/cognito-sms-prod.*CONSOLE_ALLOW_IN_LAMBDA=true/);
    await expect(
      createHandler(h.env({ AWS_LAMBDA_FUNCTION_NAME: 'cognito-sms-dev', CONSOLE_ALLOW_IN_LAMBDA: 'true' })),
    ).resolves.toBeTypeOf('function');
  });
});
