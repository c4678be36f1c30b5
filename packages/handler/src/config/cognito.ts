import { type ConfigIssue, commaList, isKmsKeyArn } from '@cognito-sms/core';
import * as z from '@cognito-sms/core/zod';
import { type Environment, parseEnv } from './env.js';

const USER_POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;

const COGNITO_ENV = z.object({
  KMS_KEY_ARN: z.pipe(
    z.pipe(
      z.string({ error: 'is required: the ARN of the KMS key the user pool encrypts codes with' }),
      z.transform((value: string) => commaList(value)),
    ),
    z
      .array(
        z.string().check(
          z.refine(isKmsKeyArn, {
            error: (issue) =>
              `${JSON.stringify(issue.input)} is not a full KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>); aliases never match Cognito's messages`,
          }),
        ),
      )
      .check(z.minLength(1, 'is required: the ARN of the KMS key the user pool encrypts codes with')),
  ),
  COGNITO_USER_POOL_IDS: z.pipe(
    z.pipe(
      z.optional(z.string()),
      z.transform((value: string | undefined) => commaList(value)),
    ),
    z.array(
      z
        .string()
        .check(z.regex(USER_POOL_ID, { error: (issue) => `${JSON.stringify(issue.input)} is not a user pool id (e.g. eu-west-1_AbC123)` })),
    ),
  ),
});

/** Which Cognito messages the handler accepts: the keys they are encrypted with, the pools they come from. */
export interface CognitoSettings {
  readonly keyArns: readonly string[];
  /** Empty: any user pool. */
  readonly allowedUserPoolIds: readonly string[];
}

/**
 * Reads KMS_KEY_ARN (required, a comma list of full key ARNs) and COGNITO_USER_POOL_IDS.
 *
 * @returns the settings, or undefined when a variable is invalid (the reasons are in `issues`).
 * @example `const cognito = parseCognito(process.env, issues)`
 */
export function parseCognito(env: Environment, issues: ConfigIssue[]): CognitoSettings | undefined {
  const data = parseEnv(COGNITO_ENV, env, issues);
  return data && { keyArns: data.KMS_KEY_ARN, allowedUserPoolIds: data.COGNITO_USER_POOL_IDS };
}
