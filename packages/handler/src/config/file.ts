import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ConfigIssue } from '@cognito-sms/core';
import * as z from '@cognito-sms/core/zod';
import type { Environment } from './env.js';
import { GUARD_FILE } from './guard.js';
import { ROUTES_FILE } from './providers.js';
import { SENDERS_FILE } from './senders.js';
import { TEMPLATES_FILE } from './templates.js';

// SMS_CONFIG_FILE holds the tables too large for a variable. Each section's schema lives with
// its concern; `strict` so that a misspelt section is an error rather than silently ignored.
const CONFIG_FILE = z.strictObject({
  $schema: z.optional(z.string()),
  ...ROUTES_FILE.shape,
  ...SENDERS_FILE.shape,
  ...TEMPLATES_FILE.shape,
  ...GUARD_FILE.shape,
});

/** SMS_CONFIG_FILE, parsed: every concern's section. */
export type ConfigFile = z.output<typeof CONFIG_FILE>;

/**
 * Reads and validates the JSON file SMS_CONFIG_FILE names (relative to the working directory).
 *
 * @returns the file, or undefined when the variable is unset or the file is unreadable or invalid
 * (the reasons are in `issues`, under SMS_CONFIG_FILE).
 * @example `const file = await readConfigFile({ SMS_CONFIG_FILE: 'sms.json' }, issues)`
 */
export async function readConfigFile(env: Environment, issues: ConfigIssue[]): Promise<ConfigFile | undefined> {
  const path = env.SMS_CONFIG_FILE;
  if (path === undefined || path === '') return undefined;
  const variable = 'SMS_CONFIG_FILE';
  let text: string;
  try {
    text = await readFile(resolve(path), 'utf8');
  } catch (error) {
    issues.push({ variable, message: `cannot read ${path} (${(error as { code?: string }).code ?? 'error'})` });
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    issues.push({ variable, message: `${path} is not JSON: ${error instanceof Error ? error.message : String(error)}` });
    return undefined;
  }
  const result = CONFIG_FILE.safeParse(json);
  if (!result.success) {
    for (const issue of result.error.issues) issues.push({ variable, message: `${issue.path.join('.') || '(file)'}: ${innermost(issue)}` });
    return undefined;
  }
  return result.data;
}

/** zod reports a bad record key or union member with a generic message; the reason is nested. */
function innermost(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key' && issue.issues[0]) return innermost(issue.issues[0]);
  if (issue.code === 'invalid_union') {
    // The member whose type matched the input says what is wrong with it.
    const branch = issue.errors.find((errors) => errors[0] && errors[0].code !== 'invalid_type') ?? issue.errors.at(-1);
    if (branch?.[0]) return innermost(branch[0]);
  }
  return issue.message;
}
