import { isConfigError } from '@cognito-sms/core/provider';
import { describe, expect, it } from 'vitest';
import consoleProvider, { createConsoleProvider } from '../src/index.js';

const message = { to: '+447700900123', body: 'Your code is 123456 ✓', trigger: 'CustomSMSSender_SignUp', userPoolId: 'eu-west-1_X1' } as const;

describe('Provider: console', () => {
  it('writes one JSON line with provider, to and body', async () => {
    const lines: string[] = [];
    const provider = createConsoleProvider({ allowInLambda: false }, {}, { write: (line) => lines.push(line) });
    const receipt = await provider.send(message, { signal: new AbortController().signal });
    expect(lines).toEqual([`${JSON.stringify({ provider: 'console', to: message.to, body: message.body })}\n`]);
    expect(receipt.provider).toBe('console');
    expect(receipt.messageId).toMatch(/^console-/);
  });

  it('throws a ConfigError inside a deployed Lambda unless allowed', () => {
    expect(() => createConsoleProvider({ allowInLambda: false }, { lambdaFunctionName: 'prod-fn' })).toThrow(/prod-fn/);
    try {
      createConsoleProvider({ allowInLambda: false }, { lambdaFunctionName: 'prod-fn' });
    } catch (error) {
      expect(isConfigError(error)).toBe(true);
    }
    expect(createConsoleProvider({ allowInLambda: true }, { lambdaFunctionName: 'dev-fn' }).id).toBe('console');
  });

  it('writes nothing when the signal is already aborted', async () => {
    const lines: string[] = [];
    const provider = createConsoleProvider({ allowInLambda: false }, {}, { write: (line) => lines.push(line) });
    await expect(provider.send(message, { signal: AbortSignal.abort() })).rejects.toThrow();
    expect(lines).toEqual([]);
  });

  it('parses CONSOLE_ALLOW_IN_LAMBDA as a boolean that defaults to false', () => {
    expect(consoleProvider.config.parse({})).toEqual({ allowInLambda: false });
    expect(consoleProvider.config.parse({ allowInLambda: 'true' })).toEqual({ allowInLambda: true });
    expect(consoleProvider.config.safeParse({ allowInLambda: 'maybe' }).success).toBe(false);
  });
});
