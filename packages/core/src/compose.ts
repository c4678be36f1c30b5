import type { TriggerSource } from './event.js';

/** What a message template may use. `code` is absent on triggers that carry no secret. */
export interface MessageVariables {
  readonly code?: string;
  readonly username: string;
}

/** A message text per trigger source; `{code}` and `{username}` are replaced when composing. */
export type MessageTemplates = Readonly<Record<TriggerSource, string>>;

/** The default English texts. */
export const DEFAULT_TEMPLATES: MessageTemplates = {
  CustomSMSSender_SignUp: 'Your verification code is {code}',
  CustomSMSSender_ResendCode: 'Your verification code is {code}',
  CustomSMSSender_ForgotPassword: 'Your password reset code is {code}',
  CustomSMSSender_UpdateUserAttribute: 'Your verification code is {code}',
  CustomSMSSender_VerifyUserAttribute: 'Your verification code is {code}',
  CustomSMSSender_Authentication: 'Your sign-in code is {code}',
  CustomSMSSender_AdminCreateUser: 'Your username is {username} and your temporary password is {code}',
  CustomSMSSender_AccountTakeOverNotification:
    'We noticed an unusual sign-in to your account. If it was not you, change your password now.',
};

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Cognito HTML-escapes the temporary password of `AdminCreateUser` (`<` arrives as `&lt;`);
 * this turns named and numeric character references back into characters.
 *
 * @example `unescapeHtml('a&lt;b&#39;c') // "a<b'c"`
 */
export function unescapeHtml(value: string): string {
  return value.replace(/&(#[xX][0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (match, ref: string) => {
    if (ref.startsWith('#')) {
      const point = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return point <= 0x10ffff ? String.fromCodePoint(point) : match;
    }
    return ENTITIES[ref.toLowerCase()] ?? match;
  });
}

/**
 * Builds the SMS text for a trigger source. The `AdminCreateUser` secret is a temporary
 * password that Cognito HTML-escaped; it is unescaped here.
 *
 * @example
 * ```ts
 * composeMessage('CustomSMSSender_SignUp', { code: '123456', username: 'ana' })
 * // 'Your verification code is 123456'
 * ```
 */
export function composeMessage(
  trigger: TriggerSource,
  variables: MessageVariables,
  templates: MessageTemplates = DEFAULT_TEMPLATES,
): string {
  const code =
    variables.code === undefined
      ? ''
      : trigger === 'CustomSMSSender_AdminCreateUser'
        ? unescapeHtml(variables.code)
        : variables.code;
  // One pass with a function replacer, so a `{username}` inside a code is never expanded.
  return templates[trigger].replace(/\{(code|username)\}/g, (_, name: string) =>
    name === 'code' ? code : variables.username,
  );
}
