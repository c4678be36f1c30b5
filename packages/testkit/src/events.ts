import type { CustomSmsSenderEvent, TriggerSource } from '@cognito-sms/core';

export interface CognitoEventOptions {
  /** `request.code` as Cognito sends it (base64 ciphertext); null for triggers without a secret. */
  readonly code?: string | null;
  readonly phoneNumber?: string;
  readonly userPoolId?: string;
  readonly userName?: string;
  readonly region?: string;
  readonly clientId?: string | null;
  readonly clientMetadata?: Record<string, string> | null;
  readonly userAttributes?: Record<string, string>;
}

export const DEFAULT_USER_POOL_ID = 'eu-west-1_TestPool1';
export const DEFAULT_PHONE_NUMBER = '+447700900123';

/**
 * A CustomSMSSender event shaped as Cognito sends it for the given trigger source.
 *
 * @example
 * ```ts
 * const event = cognitoEvent('CustomSMSSender_SignUp', { code: await encryptLikeCognito({ … }) });
 * ```
 */
export function cognitoEvent(trigger: TriggerSource, options: CognitoEventOptions = {}): CustomSmsSenderEvent {
  const userPoolId = options.userPoolId ?? DEFAULT_USER_POOL_ID;
  const userName = options.userName ?? 'f4b8c2d0-5e6a-4c3b-9f1e-2a7d8c9b0e1f';
  return {
    version: '1',
    triggerSource: trigger,
    region: options.region ?? userPoolId.split('_')[0] ?? 'eu-west-1',
    userPoolId,
    userName,
    callerContext: {
      awsSdkVersion: 'aws-sdk-unknown-unknown',
      clientId: options.clientId === undefined ? '1example23456789' : options.clientId,
    },
    request: {
      type: 'customSMSSenderRequestV1',
      code: options.code === undefined ? null : options.code,
      clientMetadata: options.clientMetadata === undefined ? null : options.clientMetadata,
      userAttributes: options.userAttributes ?? {
        sub: userName,
        'cognito:user_status': trigger === 'CustomSMSSender_AdminCreateUser' ? 'FORCE_CHANGE_PASSWORD' : 'CONFIRMED',
        phone_number_verified: 'false',
        phone_number: options.phoneNumber ?? DEFAULT_PHONE_NUMBER,
      },
    },
    response: {},
  };
}
