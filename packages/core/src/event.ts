import { InvalidEventError } from './errors.js';
import { quoteCapped } from './quote.js';
import * as z from './zod.js';

/** Every trigger source Cognito sends to a CustomSMSSender function. */
export const TRIGGER_SOURCES = [
  'CustomSMSSender_SignUp',
  'CustomSMSSender_ResendCode',
  'CustomSMSSender_ForgotPassword',
  'CustomSMSSender_UpdateUserAttribute',
  'CustomSMSSender_VerifyUserAttribute',
  'CustomSMSSender_Authentication',
  'CustomSMSSender_AdminCreateUser',
  'CustomSMSSender_AccountTakeOverNotification',
] as const;

export type TriggerSource = (typeof TRIGGER_SOURCES)[number];

/** Trigger sources whose event carries no secret; every other one must carry `request.code`. */
const TRIGGERS_WITHOUT_CODE: ReadonlySet<TriggerSource> = new Set(['CustomSMSSender_AccountTakeOverNotification']);

/** @example `triggerCarriesCode('CustomSMSSender_SignUp') // true` */
export const triggerCarriesCode = (trigger: TriggerSource): boolean => !TRIGGERS_WITHOUT_CODE.has(trigger);

const nonEmpty = z.string().check(z.minLength(1, 'must be a non-empty string'));

/**
 * The CustomSMSSender event as Cognito sends it (`version` "1", `request.type`
 * `customSMSSenderRequestV1`). `callerContext.clientId` may be null, `clientMetadata` null or
 * absent, and `code` null or absent on triggers that send no secret.
 */
export const customSmsSenderEventSchema = z
  .object({
    version: z.literal('1', { error: 'must be "1"' }),
    triggerSource: z.enum(TRIGGER_SOURCES, {
      error: (issue) => `unknown trigger source ${quoteCapped(issue.input)}; expected one of ${TRIGGER_SOURCES.join(', ')}`,
    }),
    region: nonEmpty,
    // Cognito pool ids are at most 55 characters; the id is repeated in error messages.
    userPoolId: z
      .string()
      .check(
        z.maxLength(55, 'must be a user pool id such as "eu-west-1_AbC123" (at most 55 characters)'),
        z.regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'must be a user pool id such as "eu-west-1_AbC123"'),
      ),
    userName: nonEmpty,
    callerContext: z.object({
      awsSdkVersion: z.string(),
      clientId: z.optional(z.nullable(z.string())),
    }),
    request: z.object({
      type: z.literal('customSMSSenderRequestV1', { error: 'must be "customSMSSenderRequestV1"' }),
      code: z.optional(z.nullable(z.string())),
      clientMetadata: z.optional(z.nullable(z.record(z.string(), z.string()))),
      userAttributes: z.record(z.string(), z.string()),
    }),
    response: z.optional(z.unknown()),
  })
  .check(
    z.superRefine((event, ctx) => {
      const code = event.request.code;
      if (triggerCarriesCode(event.triggerSource) && (code === null || code === undefined || code === '')) {
        ctx.addIssue({ code: 'custom', path: ['request', 'code'], message: `is required for ${event.triggerSource}` });
      }
      const phone = event.request.userAttributes.phone_number;
      if (phone === undefined || phone === '') {
        ctx.addIssue({
          code: 'custom',
          path: ['request', 'userAttributes', 'phone_number'],
          message: 'is required: it is the number the SMS goes to',
        });
      }
    }),
  );

/** A validated CustomSMSSender event. */
export type CustomSmsSenderEvent = z.infer<typeof customSmsSenderEventSchema>;

/**
 * Validates an unknown value as a CustomSMSSender event.
 *
 * @throws {InvalidEventError} naming the first offending field; the message never repeats
 *   field values other than the trigger source, so no code or number reaches a log.
 * @example
 * ```ts
 * const event = parseCustomSmsSenderEvent(JSON.parse(body));
 * event.request.userAttributes.phone_number;
 * ```
 */
export function parseCustomSmsSenderEvent(input: unknown): CustomSmsSenderEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidEventError(
      '(event)',
      `expected an object, received ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}`,
    );
  }
  const result = customSmsSenderEventSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(event)';
  // zod's default messages say "expected string, received number" and never echo the value.
  const message = issue ? `${field} ${issue.message}` : 'unknown validation failure';
  throw new InvalidEventError(field, message, { cause: result.error.issues.map(({ path, code: c }) => ({ path, code: c })) });
}
