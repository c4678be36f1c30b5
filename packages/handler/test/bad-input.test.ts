import { isCognitoSmsError } from '@cognito-sms/core';
import { cognitoEvent } from '@cognito-sms/testkit';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { deliveredByConsole, useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const CODE = '735194';
const PHONE = '+447700900123';

const flip = (base64: string, index: number): string => {
  const bytes = Buffer.from(base64, 'base64');
  const at = index < 0 ? bytes.length + index : index;
  bytes[at] = (bytes[at] as number) ^ 0x01;
  return bytes.toString('base64');
};

type EventCase = [name: string, build: () => Promise<unknown>, expected: { name: string; code: string }];

const cases: EventCase[] = [
  ['a non-object event', async () => 'CustomSMSSender_SignUp', { name: 'InvalidEventError', code: 'InvalidEvent' }],
  [
    'an event without userPoolId',
    async () => ({ ...cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt(CODE) }), userPoolId: undefined }),
    { name: 'InvalidEventError', code: 'InvalidEvent' },
  ],
  [
    'an event whose request is a string',
    async () => ({ ...cognitoEvent('CustomSMSSender_SignUp'), request: 'x' }),
    { name: 'InvalidEventError', code: 'InvalidEvent' },
  ],
  [
    'an unknown trigger source',
    async () => ({ ...cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt(CODE) }), triggerSource: 'CustomSMSSender_Nope' }),
    { name: 'InvalidEventError', code: 'InvalidEvent' },
  ],
  [
    'a wrong request.type',
    async () => {
      const e = cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt(CODE) });
      return { ...e, request: { ...e.request, type: 'customEmailSenderRequestV1' } };
    },
    { name: 'InvalidEventError', code: 'InvalidEvent' },
  ],
  [
    'a missing code on SignUp',
    async () => cognitoEvent('CustomSMSSender_SignUp', { code: null }),
    { name: 'InvalidEventError', code: 'InvalidEvent' },
  ],
  [
    'a code that is not base64',
    async () => cognitoEvent('CustomSMSSender_SignUp', { code: `${CODE}!` }),
    { name: 'DecryptError', code: 'MalformedCiphertext' },
  ],
  [
    'truncated ciphertext',
    async () =>
      cognitoEvent('CustomSMSSender_SignUp', {
        code: Buffer.from(await h.encrypt(CODE), 'base64')
          .subarray(0, 100)
          .toString('base64'),
      }),
    { name: 'DecryptError', code: 'MalformedCiphertext' },
  ],
  [
    'a flipped byte in the header',
    async () => cognitoEvent('CustomSMSSender_SignUp', { code: flip(await h.encrypt(CODE), 8) }),
    { name: 'DecryptError', code: 'InvalidCiphertext' },
  ],
  [
    'a flipped byte in the body',
    async () => cognitoEvent('CustomSMSSender_SignUp', { code: flip(await h.encrypt(CODE), -140) }),
    { name: 'DecryptError', code: 'InvalidCiphertext' },
  ],
  [
    'a flipped byte in the signature',
    async () => cognitoEvent('CustomSMSSender_SignUp', { code: flip(await h.encrypt(CODE), -2) }),
    { name: 'DecryptError', code: 'InvalidCiphertext' },
  ],
  [
    'ciphertext for another key ARN',
    async () => cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt(CODE, { keyArn: h.kms.createKey() }) }),
    { name: 'DecryptError', code: 'KeyMismatch' },
  ],
  [
    'ciphertext for another user pool',
    async () => cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt(CODE, { userPoolId: 'eu-west-1_Elsewhere' }) }),
    { name: 'DecryptError', code: 'UserPoolMismatch' },
  ],
  [
    'a phone number that is not E.164',
    async () => cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt(CODE), phoneNumber: '07700 900123' }),
    { name: 'DeliveryRejectedError', code: 'InvalidPhoneNumber' },
  ],
];

describe('Handler: bad input', () => {
  it.each(cases)('throws a typed error for %s, delivers nothing and logs no secret', async (_, build, expected) => {
    // Prepare
    const handler = await createHandler(h.env());
    const event = await build();
    // Act
    const error = await handler(event, h.context).then(
      () => undefined,
      (e: unknown) => e,
    );
    // Assess
    expect(isCognitoSmsError(error)).toBe(true);
    expect(error).toMatchObject(expected);
    expect((error as Error).message.length).toBeGreaterThan(20);
    expect(deliveredByConsole(h.output)).toEqual([]);
    const everything = h.output.join('');
    expect(everything).toContain('SMS not delivered');
    expect(everything).not.toContain(CODE);
    expect(everything).not.toContain(PHONE);
    expect(everything).not.toContain('07700 900123');
  });

  it('refuses an event from a pool outside COGNITO_USER_POOL_IDS before decrypting it', async () => {
    const handler = await createHandler(h.env({ COGNITO_USER_POOL_IDS: 'eu-west-1_Allowed1, eu-west-1_Allowed2' }));
    const event = cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt(CODE) });
    const before = h.kms.calls.length;
    await expect(handler(event, h.context)).rejects.toMatchObject({
      name: 'DeliveryRejectedError',
      code: 'UserPoolNotAllowed',
      message: expect.stringContaining('eu-west-1_TestPool1'),
    });
    expect(h.kms.calls.length).toBe(before);
    expect(deliveredByConsole(h.output)).toEqual([]);
  });

  it('delivers for a pool inside COGNITO_USER_POOL_IDS', async () => {
    const handler = await createHandler(h.env({ COGNITO_USER_POOL_IDS: 'eu-west-1_TestPool1' }));
    await handler(cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt(CODE) }), h.context);
    expect(deliveredByConsole(h.output)).toHaveLength(1);
  });
});
