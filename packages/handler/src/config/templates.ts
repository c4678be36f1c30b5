import {
  type ConfigIssue,
  DEFAULT_LOCALE,
  type MessageComposerOptions,
  normalizeLocale,
  type TemplateCatalog,
  TRIGGER_SOURCES,
  type TriggerSource,
  templateProblems,
} from '@cognito-sms/core';
import * as z from '@cognito-sms/core/zod';
import { type Environment, parseEnv } from './env.js';

const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;
const ANDROID_APP_HASH = /^[A-Za-z0-9+/]{11}$/;
const LOCALE = /^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/;

const TEMPLATES_ENV = z.object({
  SMS_APP_NAME: z.optional(z.string().check(z.maxLength(60, 'must be 60 characters at most: it goes in every SMS'))),
  SMS_WEBOTP_DOMAIN: z.optional(
    z
      .string()
      .check(z.regex(HOSTNAME, 'must be a host name such as example.com (no scheme, no path): the origin the WebOTP code is bound to')),
  ),
  SMS_ANDROID_APP_HASH: z.optional(
    z.string().check(z.regex(ANDROID_APP_HASH, 'must be the 11-character app hash of the Android SMS Retriever API')),
  ),
});

// Triggers are named SIGN_UP in a variable name and SignUp (or in full) in the file.
const snake = (value: string) => value.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
const TRIGGER_BY_ENV_NAME = new Map(TRIGGER_SOURCES.map((trigger) => [snake(trigger.replace('CustomSMSSender_', '')), trigger]));
const TRIGGER_BY_SHORT_NAME = new Map(TRIGGER_SOURCES.map((trigger) => [trigger.replace('CustomSMSSender_', ''), trigger]));

const triggerOf = (key: string): TriggerSource | undefined =>
  (TRIGGER_SOURCES as readonly string[]).includes(key) ? (key as TriggerSource) : TRIGGER_BY_SHORT_NAME.get(key);
const triggerKey = z.pipe(
  z.string().check(
    z.refine((key) => triggerOf(key) !== undefined, {
      error: (issue) => `unknown trigger ${JSON.stringify(issue.input)}; use ${[...TRIGGER_BY_SHORT_NAME.keys()].join(', ')}`,
    }),
  ),
  z.transform((key: string) => triggerOf(key) as TriggerSource),
);

/**
 * The `appName` and `templates` sections of SMS_CONFIG_FILE: templates by locale (or `default`),
 * then by trigger.
 *
 * @example `{ "appName": "Acme", "templates": { "de": { "SignUp": "Ihr Code für {appName}: {code}" } } }`
 */
export const TEMPLATES_FILE = z.object({
  appName: z.optional(z.string().check(z.maxLength(60))),
  templates: z.optional(
    z.record(
      z.pipe(
        z.pipe(
          z.string(),
          z.transform((key: string) => (key === DEFAULT_LOCALE ? key : normalizeLocale(key))),
        ),
        z
          .string()
          .check(z.refine((key) => key === DEFAULT_LOCALE || LOCALE.test(key), 'must be "default" or a locale such as de or pt-BR')),
      ),
      z.record(triggerKey, z.string()),
    ),
  ),
});

/**
 * The message composer's options: the template catalog (the file's `templates`, then each
 * SMS_TEMPLATE_<TRIGGER>[__<LOCALE>] over it), the app name (env over file), the WebOTP domain
 * and the Android app hash. Every template is checked for the placeholders its trigger needs.
 *
 * @returns the options, or undefined when a variable is invalid (the reasons are in `issues`).
 * @example `const messages = parseTemplates({ SMS_TEMPLATE_SIGN_UP__DE: 'Code: {code}' }, undefined, issues)`
 */
export function parseTemplates(
  env: Environment,
  file: z.output<typeof TEMPLATES_FILE> | undefined,
  issues: ConfigIssue[],
): MessageComposerOptions | undefined {
  const data = parseEnv(TEMPLATES_ENV, env, issues);
  for (const [locale, templates] of Object.entries(file?.templates ?? {})) {
    for (const [trigger, template] of Object.entries(templates) as [TriggerSource, string][]) {
      for (const problem of templateProblems(trigger, template))
        issues.push({ variable: 'SMS_CONFIG_FILE', message: `templates.${locale}.${trigger}: template ${problem}` });
    }
  }
  const catalog = mergeCatalogs(file?.templates ?? {}, parseTemplateVariables(env, issues));
  if (!data) return undefined;
  const appName = data.SMS_APP_NAME ?? file?.appName;
  return {
    catalog,
    ...(appName ? { appName } : {}),
    ...(data.SMS_WEBOTP_DOMAIN ? { webOtpDomain: data.SMS_WEBOTP_DOMAIN.toLowerCase() } : {}),
    ...(data.SMS_ANDROID_APP_HASH ? { androidAppHash: data.SMS_ANDROID_APP_HASH } : {}),
  };
}

function parseTemplateVariables(env: Environment, issues: ConfigIssue[]): Record<string, Partial<Record<TriggerSource, string>>> {
  const catalog: Record<string, Partial<Record<TriggerSource, string>>> = {};
  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith('SMS_TEMPLATE_') || value === undefined) continue;
    const [name = '', localePart, ...rest] = variable.slice('SMS_TEMPLATE_'.length).split('__');
    const trigger = TRIGGER_BY_ENV_NAME.get(name);
    if (!trigger || rest.length > 0) {
      issues.push({
        variable,
        message: `is not a template variable; use SMS_TEMPLATE_<TRIGGER>[__<LOCALE>] with TRIGGER one of ${[...TRIGGER_BY_ENV_NAME.keys()].join(', ')}`,
      });
      continue;
    }
    const locale = localePart === undefined ? DEFAULT_LOCALE : normalizeLocale(localePart);
    if (locale !== DEFAULT_LOCALE && !LOCALE.test(locale)) {
      issues.push({ variable, message: `"${localePart}" is not a locale (DE, PT_BR)` });
      continue;
    }
    for (const problem of templateProblems(trigger, value)) issues.push({ variable, message: `template ${problem}` });
    catalog[locale] = { ...catalog[locale], [trigger]: value };
  }
  return catalog;
}

const mergeCatalogs = (...catalogs: TemplateCatalog[]): TemplateCatalog => {
  const merged: Record<string, Partial<Record<TriggerSource, string>>> = {};
  for (const catalog of catalogs) {
    for (const [locale, templates] of Object.entries(catalog)) merged[locale] = { ...merged[locale], ...templates };
  }
  return merged;
};
