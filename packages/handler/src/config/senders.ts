import { type ConfigIssue, commaList, DESTINATION_KEY, type SenderChoice, type SenderTable } from '@cognito-sms/core';
import * as z from '@cognito-sms/core/zod';
import { type Environment, parseTable } from './env.js';

// An alphanumeric sender id (1–11 characters, at least one letter), a short code or an E.164 number.
const SENDER = /^(?:(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9 .&_-]{1,11}|\d{3,8}|\+[1-9]\d{6,14})$/;

const senderValue = z.string().check(z.regex(SENDER, 'must be a sender id (1-11 letters/digits), a short code or an E.164 number'));

/**
 * The `senders` section of SMS_CONFIG_FILE: by destination key or `default`, one sender for every
 * provider or a map by provider id (`*` for the others).
 *
 * @example `{ "senders": { "US": { "twilio": "+14155550100", "*": "Acme" }, "default": "Acme" } }`
 */
export const SENDERS_FILE = z.object({
  senders: z.optional(
    z.record(
      z.pipe(
        z.pipe(
          z.string(),
          z.transform((key: string) => (key.toLowerCase() === 'default' ? 'default' : key.toUpperCase())),
        ),
        z.string().check(z.refine((key) => key === 'default' || DESTINATION_KEY.test(key), 'must be GB, +44 or default')),
      ),
      z.union([
        z.pipe(
          senderValue,
          z.transform((sender: string): SenderChoice => ({ any: sender })),
        ),
        z.pipe(
          z.record(z.string().check(z.regex(/^(\*|[a-z][a-z0-9-]*)$/, 'must be a provider id or *')), senderValue),
          z.transform((map: Record<string, string>): SenderChoice => {
            const { '*': any, ...byProvider } = map;
            return { ...(any ? { any } : {}), ...(Object.keys(byProvider).length > 0 ? { byProvider } : {}) };
          }),
        ),
      ]),
    ),
  ),
});

/**
 * The sender table: the file's `senders`, then SMS_SENDERS over it key by key. A sender meant
 * for a provider no chain names (`providerIds`) is an issue: it would never be used.
 *
 * @example `const senders = parseSenders(env, file, new Set(['twilio']), issues)`
 */
export function parseSenders(
  env: Environment,
  file: z.output<typeof SENDERS_FILE> | undefined,
  providerIds: ReadonlySet<string>,
  issues: ConfigIssue[],
): SenderTable {
  const senders = new Map<string, SenderChoice>(Object.entries(file?.senders ?? {}));
  const fromEnv = parseSendersVariable(env.SMS_SENDERS, issues);
  for (const [key, choice] of fromEnv) senders.set(key, choice);
  for (const [key, choice] of senders) {
    for (const id of Object.keys(choice.byProvider ?? {})) {
      if (!providerIds.has(id)) {
        issues.push({
          variable: fromEnv.has(key) ? 'SMS_SENDERS' : 'SMS_CONFIG_FILE',
          message: `${fromEnv.has(key) ? '' : 'senders.'}${key}: no provider with id "${id}" is configured (SMS_PROVIDER, SMS_ROUTES)`,
        });
      }
    }
  }
  return senders;
}

/** `GB=Acme;US=twilio:+14155550100,sns:+14155550199;default=Acme`. */
function parseSendersVariable(value: string | undefined, issues: ConfigIssue[]): Map<string, SenderChoice> {
  const senders = new Map<string, SenderChoice>();
  for (const [key, right] of parseTable('SMS_SENDERS', value, issues, true)) {
    const byProvider: Record<string, string> = {};
    let any: string | undefined;
    for (const part of commaList(right)) {
      const match = /^([a-z][a-z0-9-]*):(.+)$/.exec(part);
      const sender = (match ? match[2] : part)?.trim() ?? '';
      if (!SENDER.test(sender)) {
        issues.push({
          variable: 'SMS_SENDERS',
          message: `${key}: ${JSON.stringify(sender)} is not a sender id (1-11 letters/digits), a short code or an E.164 number`,
        });
        continue;
      }
      if (match?.[1]) byProvider[match[1]] = sender;
      else any = sender;
    }
    senders.set(key, { ...(any ? { any } : {}), ...(Object.keys(byProvider).length > 0 ? { byProvider } : {}) });
  }
  return senders;
}
