import { defineProvider } from '@cognito-sms/core/provider';
import * as z from '@cognito-sms/core/zod';
import { type ConsoleProviderConfig, createConsoleProvider } from './console.js';

export type { ConsoleProviderConfig, ConsoleProviderOptions } from './console.js';
export { createConsoleProvider } from './console.js';

/**
 * The offline default: prints each SMS as a JSON line. `SMS_PROVIDER=console`.
 *
 * | env | default | meaning |
 * | --- | --- | --- |
 * | `CONSOLE_ALLOW_IN_LAMBDA` | `false` | print even inside a deployed Lambda function |
 *
 * @example `SMS_PROVIDER=console npm run demo`
 */
const consoleProvider = defineProvider<ConsoleProviderConfig>({
  id: 'console',
  config: z.object({
    allowInLambda: z._default(z.stringbool({ error: 'must be true or false' }), false),
  }),
  create: (config, deps) => createConsoleProvider(config, deps),
});

export default consoleProvider;
