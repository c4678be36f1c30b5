import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConfigIssue, ProviderDefinition } from '@cognito-sms/core';
import { BUILT_IN_PROVIDERS } from './providers.js';

const PROVIDER_ID = /^[a-z][a-z0-9-]*$/;
// npm's rules for a package name, scoped or not.
const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/**
 * Loads the definition a `SMS_PROVIDER` entry names: a built-in id (`twilio`), an installed
 * package whose default export is a `ProviderDefinition` (`@acme/sms-provider-foo`), or a
 * module path (`./adapters/foo.js`, resolved from the working directory, `/var/task` in Lambda).
 * Problems are added to `issues`, each saying what to do.
 *
 * @example `const definition = await loadProviderDefinition('twilio', issues)`
 */
export async function loadProviderDefinition(entry: string, issues: ConfigIssue[]): Promise<ProviderDefinition<unknown> | undefined> {
  const report = (message: string) => {
    issues.push({ variable: 'SMS_PROVIDER', message });
    return undefined;
  };
  // An own-property lookup: `BUILT_IN_PROVIDERS[entry]` would find Object.prototype's members
  // (`constructor`, `toString`, `__proto__`), which are no providers.
  if (Object.hasOwn(BUILT_IN_PROVIDERS, entry)) {
    const builtIn = BUILT_IN_PROVIDERS[entry] as () => Promise<{ default: ProviderDefinition<unknown> }>;
    return (await builtIn()).default;
  }

  const isPath = entry.startsWith('.') || isAbsolute(entry) || entry.startsWith('file:');
  if (!isPath && !PACKAGE_NAME.test(entry)) {
    return report(
      `unknown provider "${entry}"; use a built-in id (${Object.keys(BUILT_IN_PROVIDERS).join(', ')}), an installed package name or a module path`,
    );
  }
  const specifier = entry.startsWith('file:') ? entry : isPath ? pathToFileURL(resolve(entry)).href : entry;
  let module: { default?: unknown };
  try {
    module = (await import(specifier)) as { default?: unknown };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (module|package)/.test(String(error))) {
      return report(
        isPath
          ? `provider module "${entry}" was not found (resolved to ${specifier})`
          : `unknown provider "${entry}": it is not a built-in id (${Object.keys(BUILT_IN_PROVIDERS).join(', ')}) and no package of that name is installed; install it next to the handler`,
      );
    }
    return report(`provider "${entry}" failed to load: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (module.default === undefined) {
    return report(
      `provider "${entry}" has no default export; export default a ProviderDefinition (defineProvider({ id, config, create }))`,
    );
  }
  const problems = definitionProblems(module.default);
  if (problems.length > 0) {
    return report(`provider "${entry}" does not export a ProviderDefinition: ${problems.join('; ')}`);
  }
  return module.default as ProviderDefinition<unknown>;
}

/** What keeps a value from being a usable ProviderDefinition. */
function definitionProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null)
    return [`the default export is ${value === null ? 'null' : typeof value}, not an object`];
  const { id, config, create } = value as Partial<ProviderDefinition<unknown>>;
  const problems: string[] = [];
  if (typeof id !== 'string' || !PROVIDER_ID.test(id))
    problems.push('`id` must be a lower-case id such as "acme" (letters, digits, dashes)');
  const schema = config as { safeParse?: unknown; shape?: unknown } | undefined;
  if (typeof schema?.safeParse !== 'function' || typeof schema.shape !== 'object') {
    problems.push('`config` must be a zod object schema (z.object({...})) so its keys name the env variables');
  }
  if (typeof create !== 'function') problems.push('`create` must be a function (config, deps) => SmsProvider');
  return problems;
}
