import { existsSync, readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import {
  envVariableName,
  isProviderError,
  type Logger,
  type ProviderDefinition,
  type ProviderError,
  type SmsMessage,
  type SmsProvider,
} from '@cognito-sms/core/provider';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator, ScriptedResponse } from './emulator.js';

/** How the suite drives an adapter's emulator. */
export interface ConformanceEmulator {
  /** Starts the provider's loopback emulator; its default route must accept messages. */
  start(): Promise<Emulator>;
  /** A documented answer the adapter must classify as retryable (e.g. 429, throttled). */
  readonly retryable: ScriptedResponse;
  /** A documented answer the adapter must classify as permanent (e.g. invalid number). */
  readonly permanent: ScriptedResponse;
}

export interface ProviderConformanceOptions<C> {
  readonly definition: ProviderDefinition<C>;
  readonly emulator: ConformanceEmulator;
  /**
   * The raw settings (as the handler would read them from env, keyed by schema key) that make
   * the adapter talk to `baseUrl`. AWS adapters that reach their endpoint through
   * `AWS_ENDPOINT_URL_*` set that variable here and return their other settings.
   */
  configure(baseUrl: string): Record<string, string>;
  /** The package README that must document every variable; e.g. `new URL('../README.md', import.meta.url)`. */
  readonly readme?: URL | string;
}

/** The code the suite sends: a distinctive canary that must never surface in errors or logs. */
const CANARY_CODE = '908172';
const CANARY_PHONE = '+447700900461';
const message: SmsMessage = {
  to: CANARY_PHONE,
  body: `Your verification code is ${CANARY_CODE} ✓`,
  trigger: 'CustomSMSSender_SignUp',
  userPoolId: 'eu-west-1_Conformance1',
};

/** A logger that keeps every line it is given, to check none holds a secret. */
const recordingLogger = (lines: string[]): Logger => {
  const record =
    (level: string) =>
    (text: string, ...extra: unknown[]) => {
      lines.push(`${level} ${text} ${inspect(extra, { depth: 8 })}`);
    };
  return { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
};

const failure = async (promise: Promise<unknown>): Promise<ProviderError> => {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome, 'the send should have failed').toBeDefined();
  expect(isProviderError(outcome), `expected a ProviderError, got ${inspect(outcome)}`).toBe(true);
  return outcome as ProviderError;
};

const withoutSecrets = (text: string, secrets: readonly string[]) => {
  for (const secret of secrets) expect(text, 'a secret leaked').not.toContain(secret);
};

/**
 * The contract every adapter keeps, as one vitest suite: configuration is validated and
 * documented, a send returns the provider's id, failures are classified, aborted sends stop
 * and send nothing later, and no secret reaches an error or a log line. Call it from an
 * adapter's test file.
 *
 * @example
 * ```ts
 * describeProviderConformance({
 *   definition: twilio,
 *   emulator: { start: startTwilioEmulator, retryable: twilioError(20429, 429), permanent: twilioError(21211, 400) },
 *   configure: (baseUrl) => ({ accountSid: 'AC…', authToken: 'secret', from: '+15005550006', baseUrl }),
 *   readme: new URL('../README.md', import.meta.url),
 * });
 * ```
 */
export function describeProviderConformance<C>(options: ProviderConformanceOptions<C>): void {
  const { definition } = options;
  describe(`Conformance: ${definition.id}`, () => {
    let emulator: Emulator;
    let provider: SmsProvider;
    let raw: Record<string, string>;
    const logLines: string[] = [];
    const secrets = (): string[] => [CANARY_CODE, CANARY_PHONE, ...secretValues(definition, raw)];

    beforeAll(async () => {
      emulator = await options.emulator.start();
      raw = options.configure(emulator.baseUrl);
      provider = await definition.create(definition.config.parse(raw), { logger: recordingLogger(logLines) });
    });
    afterAll(() => emulator.close());
    beforeEach(() => {
      emulator.reset();
    });

    it('has a lower-case id and a zod object schema for its configuration', () => {
      expect(definition.id).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(typeof (definition.config as { shape?: unknown }).shape).toBe('object');
      expect(provider.id).toBe(definition.id);
    });

    it('rejects missing or invalid configuration with messages that name the setting', () => {
      const shape = (definition.config as unknown as { shape: Record<string, unknown> }).shape;
      const required = Object.keys(shape).filter((key) => {
        const { [key]: _dropped, ...rest } = raw;
        return !definition.config.safeParse(rest).success;
      });
      for (const key of required) {
        const { [key]: _dropped, ...rest } = raw;
        const result = definition.config.safeParse(rest);
        expect(result.success).toBe(false);
        const issues = result.success ? [] : result.error.issues;
        expect(issues.length).toBeGreaterThan(0);
        for (const issue of issues) expect(issue.message.length, `message for ${key}`).toBeGreaterThan(3);
        withoutSecrets(JSON.stringify(issues), secretValues(definition, raw));
      }
      const garbage = Object.fromEntries(Object.keys(shape).map((key) => [key, '\u0000 not valid \u0000']));
      const parsedGarbage = definition.config.safeParse(garbage);
      if (!parsedGarbage.success) {
        for (const issue of parsedGarbage.error.issues) expect(issue.path.length).toBeGreaterThan(0);
      }
    });

    it('keeps credentials out of the parsed configuration when it is printed', () => {
      const parsed = definition.config.parse(raw);
      const printed = `${JSON.stringify(parsed)} ${inspect(parsed, { depth: 8 })}`;
      withoutSecrets(printed, secretValues(definition, raw));
    });

    it('returns a receipt with the provider id and its message id, after one request', async () => {
      const receipt = await provider.send(message, { signal: AbortSignal.timeout(5000) });
      expect(receipt.provider).toBe(definition.id);
      expect(typeof receipt.messageId).toBe('string');
      expect(receipt.messageId.length).toBeGreaterThan(0);
      expect(emulator.requests).toHaveLength(1);
      expect(emulator.requests[0]?.body).toContain(CANARY_CODE);
    });

    it('classifies a documented retryable answer as retryable, without retrying on its own', async () => {
      emulator.enqueue(options.emulator.retryable);
      const error = await failure(provider.send(message, { signal: AbortSignal.timeout(5000) }));
      expect(error.retryable).toBe(true);
      expect(error.provider).toBe(definition.id);
      expect(emulator.requests).toHaveLength(1);
      withoutSecrets(`${error.message} ${error.stack ?? ''}`, secrets());
    });

    it('classifies a documented permanent answer as permanent', async () => {
      emulator.enqueue(options.emulator.permanent);
      const error = await failure(provider.send(message, { signal: AbortSignal.timeout(5000) }));
      expect(error.retryable).toBe(false);
      expect(error.provider).toBe(definition.id);
      withoutSecrets(`${error.message} ${error.stack ?? ''}`, secrets());
    });

    it('classifies a dropped connection as retryable', async () => {
      emulator.enqueue({ drop: true });
      const error = await failure(provider.send(message, { signal: AbortSignal.timeout(5000) }));
      expect(error.retryable).toBe(true);
      expect(emulator.requests).toHaveLength(1);
    });

    it('rejects at once, sending nothing, when the signal is already aborted', async () => {
      const error = await failure(provider.send(message, { signal: AbortSignal.abort() }));
      expect(error.retryable).toBe(true);
      expect(emulator.requests).toHaveLength(0);
    });

    it('rejects with a retryable Timeout when the provider is slower than the signal, and sends nothing afterwards', async () => {
      const answerDelayMs = 600;
      emulator.enqueue({ delayMs: answerDelayMs });
      const error = await failure(provider.send(message, { signal: AbortSignal.timeout(150) }));
      expect(error.code).toBe('Timeout');
      expect(error.retryable).toBe(true);
      // Had the adapter retried after the abort, or once the late answer came, a second request
      // would arrive meanwhile. The request came before the rejection, so the late answer is
      // served within answerDelayMs of it: wait that long and a margin.
      await new Promise((resolve) => setTimeout(resolve, answerDelayMs + 300));
      expect(emulator.requests).toHaveLength(1);
    });

    it('writes no secret to its logger', () => {
      withoutSecrets(logLines.join('\n'), secrets());
    });

    if (options.readme) {
      it('documents every configuration variable in its README', () => {
        const readme = options.readme as URL | string;
        expect(existsSync(readme), `README missing: ${String(readme)}`).toBe(true);
        const text = readFileSync(readme, 'utf8');
        const shape = (definition.config as unknown as { shape: Record<string, unknown> }).shape;
        for (const key of Object.keys(shape)) expect(text).toContain(envVariableName(definition.id, key));
      });
    }
  });
}

/** Raw values whose parsed form is a Secret: the credentials that must never be printed. */
function secretValues<C>(definition: ProviderDefinition<C>, raw: Record<string, string> | undefined): string[] {
  if (!raw) return [];
  const parsed = definition.config.safeParse(raw);
  if (!parsed.success) return [];
  return Object.entries(parsed.data as Record<string, unknown>)
    .filter(([, value]) => typeof value === 'object' && value !== null && typeof (value as { reveal?: unknown }).reveal === 'function')
    .map(([key]) => raw[key])
    .filter((value): value is string => typeof value === 'string' && value.length >= 4);
}
