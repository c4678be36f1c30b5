import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConfigError, isConfigError } from '@cognito-sms/core';
import { cognitoEvent } from '@cognito-sms/testkit';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { logLines, useProviderEmulators } from './policy-support.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const p = useProviderEmulators();
const PHONE = '+447400123456';

const eventFor = async (trigger: Parameters<typeof cognitoEvent>[0], code: string | null, locale?: string) =>
  cognitoEvent(trigger, {
    code: code === null ? null : await h.encrypt(code),
    userName: 'ana',
    userAttributes: { sub: 'ana', phone_number: PHONE, ...(locale ? { locale } : {}) },
  });

const writeConfig = async (content: unknown): Promise<string> => {
  const file = join(await mkdtemp(join(tmpdir(), 'cognito-sms-')), 'sms.json');
  await writeFile(file, JSON.stringify(content));
  return file;
};

const configError = async (env: Record<string, string>): Promise<ConfigError> => {
  const error = await createHandler(h.env(env)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isConfigError(error)).toBe(true);
  return error as ConfigError;
};

describe('Handler: templates by trigger and locale', () => {
  it("uses the template of the user's locale, then its language, then the default", async () => {
    // Prepare
    const handler = await createHandler(
      h.env({
        ...p.env('alpha'),
        SMS_APP_NAME: 'Acme',
        SMS_TEMPLATE_SIGN_UP: '{appName}: your code is {code}',
        SMS_TEMPLATE_SIGN_UP__DE: '{appName}: Ihr Bestätigungscode lautet {code}',
        SMS_TEMPLATE_AUTHENTICATION__PT_BR: '{appName}: seu codigo de acesso e {code}',
      }),
    );
    // Act
    await handler(await eventFor('CustomSMSSender_SignUp', '111111', 'de-AT'), h.context);
    await handler(await eventFor('CustomSMSSender_SignUp', '222222', 'fr-FR'), h.context);
    await handler(await eventFor('CustomSMSSender_Authentication', '333333', 'pt_BR'), h.context);
    await handler(await eventFor('CustomSMSSender_ForgotPassword', '444444', 'de'), h.context);
    // Assess
    expect(p.posted(p.alpha).map((sms) => sms.body)).toEqual([
      'Acme: Ihr Bestätigungscode lautet 111111',
      'Acme: your code is 222222',
      'Acme: seu codigo de acesso e 333333',
      'Your password reset code is 444444',
    ]);
    expect(p.posted(p.alpha)[0]).toMatchObject({ locale: 'de-AT', encoding: 'GSM-7', segments: 1 });
  });

  it('takes templates from SMS_CONFIG_FILE by locale, short or full trigger names, with env overrides', async () => {
    const file = await writeConfig({
      appName: 'FileApp',
      templates: {
        default: { SignUp: '{appName} code: {code}', CustomSMSSender_AdminCreateUser: '{appName}: user {username}, password {code}' },
        'fr-FR': { SignUp: '{appName} : votre code est {code}' },
      },
    });
    const handler = await createHandler(h.env({ ...p.env('alpha'), SMS_CONFIG_FILE: file, SMS_TEMPLATE_SIGN_UP__FR: 'Code {code}' }));
    await handler(await eventFor('CustomSMSSender_SignUp', '123123', 'fr-FR'), h.context);
    await handler(await eventFor('CustomSMSSender_SignUp', '456456', 'fr-CA'), h.context);
    await handler(await eventFor('CustomSMSSender_AdminCreateUser', 'Tmp&lt;Pw1', undefined), h.context);
    expect(p.posted(p.alpha).map((sms) => sms.body)).toEqual([
      'FileApp : votre code est 123123',
      'Code 456456',
      'FileApp: user ana, password Tmp<Pw1',
    ]);
  });

  it('appends the Android app hash and the WebOTP line to one-time codes', async () => {
    const handler = await createHandler(
      h.env({ ...p.env('alpha'), SMS_WEBOTP_DOMAIN: 'login.example.com', SMS_ANDROID_APP_HASH: 'FA+9qCX9VSu' }),
    );
    await handler(await eventFor('CustomSMSSender_Authentication', '908172', undefined), h.context);
    await handler(await eventFor('CustomSMSSender_AdminCreateUser', 'Pw-1234', undefined), h.context);
    const [otp, temporaryPassword] = p.posted(p.alpha).map((sms) => sms.body);
    expect(otp).toBe('Your sign-in code is 908172\nFA+9qCX9VSu\n\n@login.example.com #908172');
    expect(otp?.split('\n').at(-1)).toBe('@login.example.com #908172');
    expect(temporaryPassword).not.toContain('@login.example.com');
  });

  it('tells the provider the encoding and segment count of each message', async () => {
    const handler = await createHandler(
      h.env({ ...p.env('alpha'), SMS_TEMPLATE_SIGN_UP: `Ваш код: {code}. ${'Никому его не сообщайте. '.repeat(3)}` }),
    );
    await handler(await eventFor('CustomSMSSender_SignUp', '555000', undefined), h.context);
    expect(p.posted(p.alpha)[0]).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    expect(logLines(h.output, 'SMS sent')[0]).toMatchObject({ encoding: 'UCS-2', segments: 2 });
  });

  it('warns at cold start about a template that forces UCS-2 or takes more than one segment', async () => {
    await createHandler(
      h.env({
        ...p.env('alpha'),
        SMS_TEMPLATE_SIGN_UP__FR: 'Votre code : {code} – merci',
        SMS_TEMPLATE_FORGOT_PASSWORD: `${'Someone asked to reset the password of your account. '.repeat(3)}Code: {code}`,
      }),
    );
    expect(logLines(h.output, 'SMS template forces UCS-2 encoding')).toEqual([
      expect.objectContaining({ level: 'WARN', trigger: 'CustomSMSSender_SignUp', locale: 'fr', encoding: 'UCS-2', nonGsmCharacters: '–' }),
    ]);
    expect(logLines(h.output, 'SMS template takes more than one segment')).toEqual([
      expect.objectContaining({ trigger: 'CustomSMSSender_ForgotPassword', locale: 'default', segments: 2 }),
    ]);
  });

  it('does not warn about the built-in templates', async () => {
    await createHandler(h.env(p.env('alpha')));
    expect(h.output.join('')).not.toContain('SMS template');
  });

  it('refuses templates with unknown placeholders or without the code, naming each variable', async () => {
    const file = await writeConfig({ templates: { de: { Authentication: 'Anmeldung bestätigt' } } });
    const error = await configError({
      ...p.env('alpha'),
      SMS_CONFIG_FILE: file,
      SMS_TEMPLATE_SIGN_UP: 'Hello {usename}, your code is {code}',
      SMS_TEMPLATE_ACCOUNT_TAKE_OVER_NOTIFICATION: 'Your code is {code}',
      SMS_TEMPLATE_SIGNIN: 'Code {code}',
      SMS_TEMPLATE_RESEND_CODE__NOT_A_LOCALE_123456789: 'Code {code}',
      SMS_WEBOTP_DOMAIN: 'https://example.com/',
      SMS_ANDROID_APP_HASH: 'short',
    });
    expect(error.issues.map((i) => i.variable).sort()).toEqual([
      'SMS_ANDROID_APP_HASH',
      'SMS_CONFIG_FILE',
      'SMS_TEMPLATE_ACCOUNT_TAKE_OVER_NOTIFICATION',
      'SMS_TEMPLATE_RESEND_CODE__NOT_A_LOCALE_123456789',
      'SMS_TEMPLATE_SIGNIN',
      'SMS_TEMPLATE_SIGN_UP',
      'SMS_WEBOTP_DOMAIN',
    ]);
    expect(error.message).toContain('unknown placeholder {usename}');
    expect(error.message).toContain('templates.de.CustomSMSSender_Authentication: template has no {code}');
    expect(error.message).toContain('use SMS_TEMPLATE_<TRIGGER>[__<LOCALE>] with TRIGGER one of SIGN_UP');
  });
});
