import { cognitoEvent } from '@cognito-sms/testkit';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { logLines, metricValues, useProviderEmulators } from './policy-support.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const p = useProviderEmulators();
const CODE = '730051';

const signUpTo = async (phoneNumber: string) => cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt(CODE), phoneNumber });

/** Runs one event and returns the error it failed with (or undefined). */
const failure = async (handler: Awaited<ReturnType<typeof createHandler>>, phoneNumber: string) => {
  const event = await signUpTo(phoneNumber);
  return handler(event, h.context).then(
    () => undefined,
    (e: unknown) => e,
  );
};

describe('Handler: SMS-pumping defence', () => {
  it('refuses a country outside SMS_ALLOWED_COUNTRIES before decrypting, sends nothing and counts it', async () => {
    // Prepare
    const handler = await createHandler(h.env({ ...p.env('alpha'), SMS_ALLOWED_COUNTRIES: 'GB, us' }));
    const event = await signUpTo('+2348031234567');
    const decrypts = h.kms.calls.length;
    // Act
    const error = await handler(event, h.context).then(
      () => undefined,
      (e: unknown) => e,
    );
    // Assess
    expect(error).toMatchObject({ name: 'DestinationBlockedError', code: 'CountryNotAllowed', country: 'NG', retryable: false });
    expect(p.alpha.requests).toHaveLength(0);
    expect(h.kms.calls.length).toBe(decrypts);
    expect(metricValues(h.output, 'SmsBlocked')).toEqual([
      expect.objectContaining({ value: 1, country: 'NG', trigger: 'CustomSMSSender_SignUp' }),
    ]);
    expect(logLines(h.output, 'SMS blocked')).toEqual([expect.objectContaining({ country: 'NG', reason: 'CountryNotAllowed' })]);
    expect(h.output.join('')).not.toContain('2348031234567');
  });

  it('delivers to an allowed country', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha'), SMS_ALLOWED_COUNTRIES: 'GB,US' }));
    await expect(handler(await signUpTo('+14155550100'), h.context)).resolves.toMatchObject({ provider: 'alpha' });
  });

  it('refuses SMS_BLOCKED_COUNTRIES by ISO code or by calling code', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha'), SMS_BLOCKED_COUNTRIES: 'RU,+882' }));
    expect(await failure(handler, '+79161234567')).toMatchObject({ code: 'CountryBlocked', country: 'RU' });
    expect(await failure(handler, '+882351234567')).toMatchObject({ code: 'CountryBlocked', country: undefined });
    expect(await failure(handler, '+77011234567')).toBeUndefined();
    expect(p.posted(p.alpha).map((sms) => sms.to)).toEqual(['+77011234567']);
  });

  it('refuses premium-rate and other non-mobile numbers with SMS_BLOCKED_NUMBER_TYPES=non-mobile', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha'), SMS_BLOCKED_NUMBER_TYPES: 'non-mobile' }));
    expect(await failure(handler, '+33899123456')).toMatchObject({ code: 'NumberTypeBlocked', numberType: 'PREMIUM_RATE', country: 'FR' });
    expect(await failure(handler, '+18005550100')).toMatchObject({ code: 'NumberTypeBlocked', numberType: 'TOLL_FREE' });
    expect(await failure(handler, '+441534123456')).toMatchObject({ code: 'NumberTypeBlocked', numberType: 'FIXED_LINE', country: 'JE' });
    // A number the metadata calls invalid (a drama number) is no mobile either.
    expect(await failure(handler, '+447700900123')).toMatchObject({ code: 'NumberTypeBlocked', numberType: 'INVALID', country: 'GB' });
    // A mobile and a US number (fixed line or mobile: the metadata cannot tell) go through.
    for (const phone of ['+33612345678', '+14155550100']) expect(await failure(handler, phone)).toBeUndefined();
    expect(metricValues(h.output, 'SmsBlocked').map((m) => m.country)).toEqual(['FR', 'US', 'JE', 'GB']);
    expect(p.posted(p.alpha).map((sms) => sms.to)).toEqual(['+33612345678', '+14155550100']);
  });

  it.each([
    ['SMS_BLOCKED_NUMBER_TYPES', { SMS_BLOCKED_NUMBER_TYPES: 'PREMIUM_RATE' }],
    ['SMS_BLOCKED_COUNTRIES', { SMS_BLOCKED_COUNTRIES: 'RU' }],
  ])('refuses a number of unknown country while only %s is set', async (_, rule) => {
    // Prepare
    const handler = await createHandler(h.env({ ...p.env('alpha'), ...rule }));
    const decrypts = () => h.kms.calls.filter((call) => call.operation === 'Decrypt').length;
    const before = decrypts();
    // Act + Assess: a number that does not parse, and a calling code of no region.
    expect(await failure(handler, '+99999999999')).toMatchObject({
      name: 'DestinationBlockedError',
      code: 'UnknownDestination',
      country: undefined,
      message: expect.stringContaining('it does not parse'),
    });
    expect(await failure(handler, '+882351234567')).toMatchObject({ code: 'UnknownDestination', message: expect.stringContaining('+882') });
    expect(p.alpha.requests).toHaveLength(0);
    expect(decrypts()).toBe(before);
    expect(logLines(h.output, 'SMS blocked')).toEqual([
      expect.objectContaining({ country: 'unknown', reason: 'UnknownDestination' }),
      expect.objectContaining({ country: 'unknown', reason: 'UnknownDestination' }),
    ]);
    expect(h.output.join('')).not.toContain('99999999999');
  });

  it('serves a number of unknown country with SMS_ALLOW_UNKNOWN_COUNTRY=true, the other rules still applying', async () => {
    const handler = await createHandler(
      h.env({
        ...p.env('alpha'),
        SMS_BLOCKED_COUNTRIES: 'RU',
        SMS_BLOCKED_NUMBER_TYPES: 'PREMIUM_RATE',
        SMS_ALLOW_UNKNOWN_COUNTRY: 'true',
      }),
    );
    expect(await failure(handler, '+882351234567')).toBeUndefined();
    expect(await failure(handler, '+33899123456')).toMatchObject({ code: 'NumberTypeBlocked' });
    const strict = await createHandler(
      h.env({ ...p.env('alpha'), SMS_BLOCKED_NUMBER_TYPES: 'non-mobile', SMS_ALLOW_UNKNOWN_COUNTRY: 'true' }),
    );
    // Allowed as of unknown country, still not a valid number.
    expect(await failure(strict, '+99999999999')).toMatchObject({ code: 'NumberTypeBlocked', numberType: 'INVALID' });
    expect(p.posted(p.alpha).map((sms) => sms.to)).toEqual(['+882351234567']);
  });

  it('refuses numbers the metadata calls invalid only when INVALID is listed', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha'), SMS_BLOCKED_NUMBER_TYPES: 'PREMIUM_RATE,INVALID' }));
    expect(await failure(handler, '+447700900123')).toMatchObject({ code: 'NumberTypeBlocked', numberType: 'INVALID' });
    expect(await failure(handler, '+447400123456')).toBeUndefined();
  });

  it('logs the block without the number or the code', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha'), SMS_BLOCKED_NUMBER_TYPES: 'premium_rate' }));
    await failure(handler, '+33899123456');
    const everything = h.output.join('');
    expect(everything).toContain('"SMS not delivered"');
    expect(everything).not.toContain('33899123456');
    expect(everything).not.toContain(CODE);
  });
});
