import { describe, expect, it } from 'vitest';
import { InvalidEventError, isInvalidEventError } from '../src/errors.js';
import { parseCustomSmsSenderEvent, TRIGGER_SOURCES } from '../src/event.js';

const validEvent = (overrides: Record<string, unknown> = {}) => ({
  version: '1',
  triggerSource: 'CustomSMSSender_SignUp',
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_AbC123',
  userName: 'ana',
  callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: '1example23456789' },
  request: {
    type: 'customSMSSenderRequestV1',
    code: 'AYADeBase64==',
    clientMetadata: { source: 'web' },
    userAttributes: { sub: 'abc', phone_number: '+447700900123' },
  },
  response: {},
  ...overrides,
});

const withRequest = (request: Record<string, unknown>) => {
  const event = validEvent();
  return { ...event, request: { ...event.request, ...request } };
};

const deleteAt = (path: string[]) => {
  const event = structuredClone(validEvent()) as Record<string, unknown>;
  let node = event;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  delete node[path.at(-1) as string];
  return event;
};

const invalidEventField = (input: unknown): string => {
  try {
    parseCustomSmsSenderEvent(input);
  } catch (error) {
    expect(isInvalidEventError(error)).toBe(true);
    return (error as InvalidEventError).field;
  }
  throw new Error('expected an InvalidEventError');
};

describe('Function: parseCustomSmsSenderEvent', () => {
  it.each(TRIGGER_SOURCES)('accepts a %s event', (trigger) => {
    const event = parseCustomSmsSenderEvent(
      validEvent({
        triggerSource: trigger,
        ...(trigger.endsWith('AccountTakeOverNotification') ? { request: { ...validEvent().request, code: null } } : {}),
      }),
    );
    expect(event.triggerSource).toBe(trigger);
  });

  it('accepts a null clientId and an absent or null clientMetadata', () => {
    const event = validEvent({ callerContext: { awsSdkVersion: 'x', clientId: null } });
    expect(parseCustomSmsSenderEvent(event).callerContext.clientId).toBeNull();
    expect(parseCustomSmsSenderEvent(withRequest({ clientMetadata: null })).request.clientMetadata).toBeNull();
    const { clientMetadata: _omitted, ...request } = validEvent().request;
    expect(parseCustomSmsSenderEvent({ ...validEvent(), request }).request.clientMetadata).toBeUndefined();
  });

  it.each([null, undefined, 42, 'event', [], true])('throws InvalidEventError when the event is %j', (input) => {
    expect(invalidEventField(input)).toBe('(event)');
  });

  it.each([
    [['version']],
    [['triggerSource']],
    [['region']],
    [['userPoolId']],
    [['userName']],
    [['callerContext']],
    [['callerContext', 'awsSdkVersion']],
    [['request']],
    [['request', 'type']],
    [['request', 'userAttributes']],
    [['request', 'userAttributes', 'phone_number']],
  ])('throws InvalidEventError naming %j when it is missing', (path) => {
    expect(invalidEventField(deleteAt(path))).toBe(path.join('.'));
  });

  it.each([
    ['version', { version: 1 }],
    ['region', { region: 7 }],
    ['userPoolId', { userPoolId: 'not a pool' }],
    ['userName', { userName: ['ana'] }],
    ['callerContext.clientId', { callerContext: { awsSdkVersion: 'x', clientId: 5 } }],
  ])('throws InvalidEventError naming %s when it has the wrong type or shape', (field, overrides) => {
    expect(invalidEventField(validEvent(overrides))).toBe(field);
  });

  it('throws InvalidEventError naming request.code when the code is not a string', () => {
    expect(invalidEventField(withRequest({ code: 123456 }))).toBe('request.code');
  });

  it('throws InvalidEventError for an unknown trigger source and lists the known ones', () => {
    expect(() => parseCustomSmsSenderEvent(validEvent({ triggerSource: 'CustomSMSSender_Unknown' }))).toThrow(
      /unknown trigger source "CustomSMSSender_Unknown"; expected one of CustomSMSSender_SignUp/,
    );
  });

  it('throws InvalidEventError when request.type is not customSMSSenderRequestV1', () => {
    expect(invalidEventField(withRequest({ type: 'customEmailSenderRequestV1' }))).toBe('request.type');
  });

  it.each([null, undefined, ''])('throws InvalidEventError when a code-carrying trigger has code %j', (code) => {
    expect(invalidEventField(withRequest({ code }))).toBe('request.code');
  });

  it('accepts an account-takeover notification without a code', () => {
    const event = parseCustomSmsSenderEvent(
      validEvent({ triggerSource: 'CustomSMSSender_AccountTakeOverNotification', request: { ...validEvent().request, code: undefined } }),
    );
    expect(event.request.code).toBeUndefined();
  });

  it('never repeats the ciphertext or the phone number in its message', () => {
    const secretish = withRequest({ code: 42, userAttributes: { phone_number: 12345 } });
    try {
      parseCustomSmsSenderEvent(secretish);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventError);
      expect((error as Error).message).not.toMatch(/12345|42/);
    }
    expect.assertions(2);
  });
});
