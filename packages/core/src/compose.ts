import { TRIGGER_SOURCES, type TriggerSource, triggerCarriesCode } from './event.js';
import { type SmsSegmentInfo, smsSegments } from './segments.js';

/** What a message template may use. `code` is absent on triggers that carry no secret. */
export interface MessageVariables {
  readonly code?: string;
  readonly username: string;
  /** `{appName}`: the application's name (`SMS_APP_NAME`). Empty when not configured. */
  readonly appName?: string;
}

/** A message text per trigger source; `{code}`, `{username}` and `{appName}` are replaced when composing. */
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

/** The placeholders a template may hold. */
export const TEMPLATE_PLACEHOLDERS = ['code', 'username', 'appName'] as const;

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

const PLACEHOLDER = /\{(code|username|appName)\}/g;

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
  return fill(templates[trigger], trigger, variables);
}

function fill(template: string, trigger: TriggerSource, variables: MessageVariables): string {
  const code =
    variables.code === undefined ? '' : trigger === 'CustomSMSSender_AdminCreateUser' ? unescapeHtml(variables.code) : variables.code;
  // One pass with a function replacer, so a `{username}` inside a code is never expanded.
  return template.replace(PLACEHOLDER, (_, name: string) =>
    name === 'code' ? code : name === 'username' ? variables.username : (variables.appName ?? ''),
  );
}

/**
 * Problems with a template that make it unusable: an unknown placeholder (a typo such as
 * `{usename}` would reach the user verbatim), no `{code}` where the trigger carries one (the
 * user would never get it), or a `{code}` where it carries none.
 *
 * @example `templateProblems('CustomSMSSender_SignUp', 'Code: {cod}') // ['unknown placeholder {cod} …', 'has no {code} …']`
 */
export function templateProblems(trigger: TriggerSource, template: string): string[] {
  const problems: string[] = [];
  for (const [, name] of template.matchAll(/\{([^{}]*)\}/g)) {
    if (!(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name ?? '')) {
      problems.push(`unknown placeholder {${name}}; use ${TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`);
    }
  }
  const hasCode = template.includes('{code}');
  if (triggerCarriesCode(trigger) && !hasCode) problems.push(`has no {code}: ${trigger} carries a code the user needs`);
  if (!triggerCarriesCode(trigger) && hasCode) problems.push(`has {code}, but ${trigger} carries no code`);
  if (template.trim().length === 0) problems.push('is empty');
  return problems;
}

/** Templates by locale: `default` is used when the user's locale has no template for a trigger. */
export type TemplateCatalog = Readonly<Record<string, Partial<Record<TriggerSource, string>>>>;

/** The locale key every catalog falls back to. */
export const DEFAULT_LOCALE = 'default';

/** What the composer adds to each text besides the template. */
export interface MessageComposerOptions {
  /** Templates by locale; `default` entries override the built-in English ones. */
  readonly catalog?: TemplateCatalog;
  /** `{appName}`. */
  readonly appName?: string;
  /**
   * Appends the WebOTP line `@<domain> #<code>` to one-time codes so a browser can fill the
   * code in (the line must be the last one and the domain the page's host).
   */
  readonly webOtpDomain?: string;
  /** Appends the 11-character Android SMS Retriever app hash to one-time codes. */
  readonly androidAppHash?: string;
}

/** A composed text and what it costs to send. */
export interface ComposedMessage extends SmsSegmentInfo {
  readonly body: string;
  /** The catalog locale whose template was used (`default` when none matched). */
  readonly locale: string;
}

/** A template that will cost more than it should, found at cold start. */
export interface TemplateWarning {
  readonly trigger: TriggerSource;
  readonly locale: string;
  /** `UCS-2` when the text forces it, `segments` when it takes more than one segment. */
  readonly kind: 'UCS-2' | 'segments';
  readonly encoding: SmsSegmentInfo['encoding'];
  readonly segments: number;
  readonly units: number;
  readonly nonGsmCharacters: readonly string[];
}

/** Composes texts from a catalog, per trigger and the user's locale. */
export interface MessageComposer {
  compose(trigger: TriggerSource, locale: string | undefined, variables: MessageVariables): ComposedMessage;
  /**
   * Renders every template with sample values (a 6-digit code, an 8-character temporary
   * password and username) and reports those that force UCS-2 or take more than one segment.
   */
  lint(): TemplateWarning[];
  /**
   * Segments the text for this trigger will take, rendered with a sample code of the usual
   * length (the code is still encrypted when the fraud guard prices a message).
   */
  estimateSegments(trigger: TriggerSource, locale: string | undefined, username: string): number;
}

/** A 6-digit code (Cognito's), or an 8-character temporary password (its default policy's minimum). */
const sampleCode = (trigger: TriggerSource): string | undefined =>
  !triggerCarriesCode(trigger) ? undefined : trigger === 'CustomSMSSender_AdminCreateUser' ? 'Aa1!Bb2@' : '123456';

/** Triggers whose code is a one-time code a browser or an app may read from the SMS. */
const ONE_TIME_CODE_TRIGGERS: ReadonlySet<TriggerSource> = new Set(
  TRIGGER_SOURCES.filter((t) => triggerCarriesCode(t) && t !== 'CustomSMSSender_AdminCreateUser'),
);

/**
 * `de_DE`, `DE-de` and `de-de` are the same locale.
 *
 * @example `normalizeLocale('pt_BR') // 'pt-br'`
 */
export const normalizeLocale = (locale: string): string => locale.trim().replace(/_/g, '-').toLowerCase();

/**
 * Builds a composer. A user's locale (`locale` attribute, e.g. `pt-BR`) picks the catalog's
 * `pt-br`, then `pt`, then `default`, per trigger; `default` falls back to the built-in English.
 *
 * @example
 * ```ts
 * const composer = createMessageComposer({ catalog: { de: { CustomSMSSender_SignUp: 'Ihr Code: {code}' } }, webOtpDomain: 'example.com' });
 * composer.compose('CustomSMSSender_SignUp', 'de-AT', { code: '123456', username: 'ana' }).body
 * // 'Ihr Code: 123456\n\n@example.com #123456'
 * ```
 */
export function createMessageComposer(options: MessageComposerOptions = {}): MessageComposer {
  const catalog = new Map<string, Partial<Record<TriggerSource, string>>>();
  catalog.set(DEFAULT_LOCALE, { ...DEFAULT_TEMPLATES });
  for (const [locale, templates] of Object.entries(options.catalog ?? {})) {
    const key = locale === DEFAULT_LOCALE ? locale : normalizeLocale(locale);
    catalog.set(key, { ...catalog.get(key), ...templates });
  }

  const pick = (trigger: TriggerSource, locale: string | undefined): { template: string; locale: string } => {
    const candidates: string[] = [];
    if (locale) {
      const normalized = normalizeLocale(locale);
      candidates.push(normalized);
      const language = normalized.split('-')[0];
      if (language && language !== normalized) candidates.push(language);
    }
    candidates.push(DEFAULT_LOCALE);
    for (const candidate of candidates) {
      const template = catalog.get(candidate)?.[trigger];
      if (template !== undefined) return { template, locale: candidate };
    }
    return { template: DEFAULT_TEMPLATES[trigger], locale: DEFAULT_LOCALE };
  };

  const render = (trigger: TriggerSource, template: string, variables: MessageVariables): string => {
    let body = fill(template, trigger, { ...variables, appName: options.appName ?? '' });
    if (ONE_TIME_CODE_TRIGGERS.has(trigger) && variables.code !== undefined) {
      if (options.androidAppHash) body += `\n${options.androidAppHash}`;
      // WebOTP: the origin-bound line must be the last line of the message.
      if (options.webOtpDomain) body += `\n\n@${options.webOtpDomain} #${variables.code}`;
    }
    return body;
  };

  return {
    compose(trigger, locale, variables) {
      const chosen = pick(trigger, locale);
      const body = render(trigger, chosen.template, variables);
      return { body, locale: chosen.locale, ...smsSegments(body) };
    },
    lint() {
      const warnings: TemplateWarning[] = [];
      for (const [locale, templates] of catalog) {
        for (const trigger of TRIGGER_SOURCES) {
          const template = templates[trigger];
          if (template === undefined) continue;
          const info = smsSegments(render(trigger, template, { code: sampleCode(trigger), username: 'username' }));
          const base = {
            trigger,
            locale,
            encoding: info.encoding,
            segments: info.segments,
            units: info.units,
            nonGsmCharacters: info.nonGsmCharacters,
          };
          if (info.encoding === 'UCS-2') warnings.push({ ...base, kind: 'UCS-2' });
          else if (info.segments > 1) warnings.push({ ...base, kind: 'segments' });
        }
      }
      return warnings;
    },
    estimateSegments(trigger, locale, username) {
      return smsSegments(render(trigger, pick(trigger, locale).template, { code: sampleCode(trigger), username })).segments;
    },
  };
}
