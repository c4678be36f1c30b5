import { fileURLToPath } from 'node:url';
import { type Emulator, type RecordedRequest, startEmulator } from '@cognito-sms/testkit';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** Absolute path of a fixture adapter module (SMS_PROVIDER accepts module paths). */
export const fixtureProvider = (id: 'alpha' | 'beta' | 'gamma'): string =>
  fileURLToPath(new URL(`./fixtures/provider-${id}.mjs`, import.meta.url));

/** What the fixture adapters POST. */
export interface PostedSms {
  to: string;
  body: string;
  trigger: string;
  sender?: string;
  country?: string;
  segments?: number;
  encoding?: string;
  locale?: string;
}

export interface ProviderEmulators {
  alpha: Emulator;
  beta: Emulator;
  gamma: Emulator;
  /** Env for a chain of fixture providers, e.g. `chainEnv('alpha', 'beta')`. */
  env(...ids: ('alpha' | 'beta' | 'gamma')[]): Record<string, string>;
  /** What one emulator received, parsed. */
  posted(emulator: Emulator): PostedSms[];
}

/** Three loopback provider APIs that accept by default (202, an id), reset before each test. */
export function useProviderEmulators(): ProviderEmulators {
  const result = {} as ProviderEmulators;
  let counter = 0;
  const accept = (id: string) => (_request: RecordedRequest) => ({ status: 202, body: { id: `${id}-${++counter}` } });
  beforeAll(async () => {
    result.alpha = await startEmulator(accept('alpha'));
    result.beta = await startEmulator(accept('beta'));
    result.gamma = await startEmulator(accept('gamma'));
  });
  afterAll(async () => {
    await Promise.all([result.alpha.close(), result.beta.close(), result.gamma.close()]);
  });
  beforeEach(() => {
    result.alpha.reset();
    result.beta.reset();
    result.gamma.reset();
  });
  result.env = (...ids) => {
    const env: Record<string, string> = { SMS_PROVIDER: ids.map(fixtureProvider).join(',') };
    for (const id of ['alpha', 'beta', 'gamma'] as const) env[`${id.toUpperCase()}_URL`] = `${result[id].baseUrl}/sms`;
    return env;
  };
  result.posted = (emulator) => emulator.requests.map((request) => request.json as PostedSms);
  return result;
}

/** Every JSON line written to stdout/stderr. */
export const jsonLines = (output: readonly string[]): Record<string, unknown>[] =>
  output
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** The Powertools Logger lines with this message. */
export const logLines = (output: readonly string[], message: string): Record<string, unknown>[] =>
  jsonLines(output).filter((line) => line.message === message);

/** An EMF record as Powertools Metrics prints it. */
export interface EmfRecord {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  [key: string]: unknown;
}

/** The EMF lines among the captured output. */
export const emfRecords = (output: readonly string[]): EmfRecord[] =>
  jsonLines(output).filter((line): line is EmfRecord => typeof line._aws === 'object' && line._aws !== null);

/**
 * The values of one metric across EMF records, with the dimension values of each record.
 *
 * @example `metricValues(h.output, 'SmsSent') // [{ value: 1, provider: 'beta', trigger: 'CustomSMSSender_SignUp', country: 'GB' }]`
 */
export const metricValues = (output: readonly string[], name: string): Record<string, unknown>[] =>
  emfRecords(output).flatMap((record) => {
    const definition = record._aws.CloudWatchMetrics[0];
    if (!definition?.Metrics.some((metric) => metric.Name === name)) return [];
    const values = ([] as unknown[]).concat(record[name]);
    const dimensions = Object.fromEntries([...new Set(definition.Dimensions.flat())].map((dimension) => [dimension, record[dimension]]));
    return values.map((value) => ({ value, ...dimensions }));
  });

/** A Lambda context whose remaining time runs down with the real clock from `ms`. */
export const contextWithRemaining = (ms: number) => {
  const deadline = Date.now() + ms;
  return { awsRequestId: 'budget-request', getRemainingTimeInMillis: () => deadline - Date.now() };
};
