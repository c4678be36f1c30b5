import { randomUUID } from 'node:crypto';
import { ConfigError, type ProviderDeps, type SmsProvider } from '@cognito-sms/core/provider';

export interface ConsoleProviderConfig {
  /** Print even inside a deployed Lambda function (the text, code included, lands in its logs). */
  readonly allowInLambda: boolean;
}

export interface ConsoleProviderOptions {
  /** Where each JSON line goes; standard output by default. */
  readonly write?: (line: string) => void;
}

/**
 * A provider that delivers by printing `{"provider":"console","to":…,"body":…}` on one line.
 * Inside Lambda the line would put the code in CloudWatch Logs, so it refuses to start there
 * unless `allowInLambda` is set.
 *
 * @example
 * ```ts
 * const provider = createConsoleProvider({ allowInLambda: false }, deps);
 * await provider.send(message, { signal });
 * ```
 */
export function createConsoleProvider(
  config: ConsoleProviderConfig,
  deps: Pick<ProviderDeps, 'lambdaFunctionName'>,
  options: ConsoleProviderOptions = {},
): SmsProvider {
  if (deps.lambdaFunctionName && !config.allowInLambda) {
    throw new ConfigError([
      {
        variable: 'SMS_PROVIDER',
        message:
          `the console provider prints each code to the logs of Lambda function ${deps.lambdaFunctionName}; ` +
          'choose a real provider, or set CONSOLE_ALLOW_IN_LAMBDA=true to print on purpose',
      },
    ]);
  }
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  return {
    id: 'console',
    async send(message, { signal }) {
      signal.throwIfAborted();
      write(`${JSON.stringify({ provider: 'console', to: message.to, body: message.body })}\n`);
      return { provider: 'console', messageId: `console-${randomUUID()}` };
    },
  };
}
