// Shared pieces of the reliability suites (issue 8): run sizes, a loopback KMS harness, an
// output sink that scans every line for canaries without keeping it, error inspection, and the
// figures each suite reports for docs/reliability.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { encryptLikeCognito, type LoopbackKms, startLoopbackKms } from '@cognito-sms/testkit';
import { afterAll, beforeAll, vi } from 'vitest';

/** `npm run test:stress` sets STRESS=1: full sizes. `npm test` runs reduced ones. */
// These suites send thousands of messages to a handful of numbers, so they run with SMS_GUARD=off:
// the fraud guard has its own suite (guard-attack.test.ts), and its default limits would refuse them.
export const STRESS = process.env.STRESS === '1' || process.env.STRESS === 'true';

/** Picks the size for this run. @example `size({ quick: 500, stress: 10_000 })` */
export const size = (sizes: { quick: number; stress: number }): number => (STRESS ? sizes.stress : sizes.quick);

/** fast-check settings: a fixed seed when FC_SEED is set (to replay a failure), else random. */
export const fcParameters = (numRuns: number) => ({
  numRuns,
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
  // Shrinking re-runs the handler many times; a shorter path keeps a failing run readable.
  endOnFailure: false,
});

/** The AWS secret key the SDK signs KMS/SNS calls with: it must never be printed. */
export const AWS_SECRET_ACCESS_KEY = 'cnry-aws-SECRET-key-K9vQ2x';
export const AWS_ACCESS_KEY_ID = 'AKIDRELIABILITY01';

// ---------------------------------------------------------------------------------------------
// Canaries

/** One place a canary was found. */
export interface Leak {
  readonly canary: string;
  /** `stdout`, `stderr`, `error` (message, stack, cause chain, own properties). */
  readonly where: string;
  /** Up to 160 characters around the hit, with the canary itself replaced. */
  readonly excerpt: string;
}

/**
 * Distinctive values (codes, temporary passwords, phone numbers, credentials, ciphertext) that
 * must never appear in any log line, metric, error message or stack trace. String needles are
 * matched with their derived forms (a phone number without `+`, URL-encoded, the national
 * form); pattern needles cover families of values (10,000 load-test codes) in one pass.
 *
 * Canary codes are distinctive on purpose: a 6-digit number turns up by chance in epoch
 * timestamps and request ids within a few thousand lines.
 */
export class CanaryScanner {
  readonly leaks: Leak[] = [];
  readonly #needles = new Map<string, string>();
  readonly #patterns: { label: string; pattern: RegExp }[] = [];
  /** How many chunks / errors were scanned. */
  scannedChunks = 0;
  scannedBytes = 0;
  scannedErrors = 0;

  /** Adds a secret and its derived forms. */
  add(label: string, value: string): this {
    if (value.length < 6) throw new Error(`canary ${label} is too short to be distinctive`);
    this.#needles.set(value, label);
    if (/^\+\d{7,15}$/.test(value)) {
      const digits = value.slice(1);
      this.#needles.set(digits, `${label} (digits)`);
      this.#needles.set(`%2B${digits}`, `${label} (URL-encoded)`);
      if (value.startsWith('+44')) this.#needles.set(`0${value.slice(3)}`, `${label} (national)`);
    }
    return this;
  }

  /** A family of values, e.g. `/ZC[0-9a-z]{5}Q/` for every load-test code. Use a non-global regex. */
  addPattern(label: string, pattern: RegExp): this {
    this.#patterns.push({ label, pattern: new RegExp(pattern.source, pattern.flags.replace('g', '')) });
    return this;
  }

  /** How many needles and patterns are armed. */
  get armed(): number {
    return this.#needles.size + this.#patterns.length;
  }

  scan(text: string, where: string): void {
    for (const [needle, label] of this.#needles) {
      const at = text.indexOf(needle);
      if (at >= 0) this.#record(label, where, text, at, needle.length);
    }
    for (const { label, pattern } of this.#patterns) {
      const match = pattern.exec(text);
      if (match) this.#record(label, where, text, match.index, match[0].length);
    }
  }

  /** Scans everything a logger or a crash report could print of an error. */
  scanError(error: unknown, where = 'error'): void {
    this.scannedErrors += 1;
    this.scan(describeThrown(error), where);
  }

  #record(label: string, where: string, text: string, at: number, length: number) {
    const before = text.slice(Math.max(0, at - 80), at);
    const after = text.slice(at + length, at + length + 80);
    this.leaks.push({ canary: label, where, excerpt: `${before}<${label}>${after}` });
  }
}

/**
 * Everything that describes a thrown value: `util.inspect` prints the stack, the message, own
 * enumerable properties and the `cause` chain (as Node prints an uncaught error), plus the
 * messages and stacks of causes spelled out, and of `errors` of an AggregateError.
 */
export function describeThrown(error: unknown, depth = 0): string {
  if (depth > 8) return '';
  const parts = [inspect(error, { depth: 12, breakLength: Number.POSITIVE_INFINITY, maxStringLength: null, maxArrayLength: null })];
  if (error instanceof Error) {
    parts.push(String(error.message), String(error.stack));
    if (error.cause !== undefined) parts.push(describeThrown(error.cause, depth + 1));
    if (error instanceof AggregateError) for (const inner of error.errors) parts.push(describeThrown(inner, depth + 1));
  }
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Output

/** What a suite's output sink saw. */
export interface OutputSink {
  /** Lines of the current case, when the sink keeps lines (`clear()` between cases). */
  readonly lines: string[];
  /** Chunks written since install. */
  chunks(): number;
  clear(): void;
}

/**
 * Replaces `process.stdout.write` / `process.stderr.write` for the file's tests: every chunk
 * (Powertools log lines, EMF metric lines, anything else) is scanned for canaries and, when
 * `keep` is set, kept until `clear()`. Not a `vi.spyOn`: a spy records every call's arguments,
 * which would both retain output and grow the heap in the load test.
 */
export function useOutputSink(scanner: CanaryScanner, options: { keep: boolean }): OutputSink {
  const lines: string[] = [];
  let chunks = 0;
  const originals = { stdout: process.stdout.write, stderr: process.stderr.write };
  const sink: OutputSink = {
    lines,
    chunks: () => chunks,
    clear: () => {
      lines.length = 0;
    },
  };
  beforeAll(() => {
    for (const name of ['stdout', 'stderr'] as const) {
      const stream = process[name];
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        chunks += 1;
        scanner.scannedChunks += 1;
        scanner.scannedBytes += text.length;
        scanner.scan(text, name);
        if (options.keep) lines.push(text);
        const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        callback?.();
        return true;
      }) as typeof stream.write;
    }
  });
  afterAll(() => {
    process.stdout.write = originals.stdout;
    process.stderr.write = originals.stderr;
  });
  return sink;
}

/** The JSON lines among captured chunks. */
export const jsonLines = (chunks: readonly string[]): Record<string, unknown>[] =>
  chunks
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

// ---------------------------------------------------------------------------------------------
// KMS

export interface KmsHarness {
  kms: LoopbackKms;
  keyArn: string;
  /** Cognito-faithful ciphertext (Encryption SDK v1, suite 0x0378, `userpool-id` context). */
  encrypt(plaintext: string, options?: { userPoolId?: string; keyArn?: string }): Promise<string>;
}

/**
 * A loopback KMS for the file, with the AWS SDK pointed at it through the standard variables.
 * The secret access key is a canary: SigV4 uses it, nothing may print it.
 */
export function useLoopbackKms(): KmsHarness {
  const harness = {} as KmsHarness;
  beforeAll(async () => {
    harness.kms = await startLoopbackKms();
    harness.keyArn = harness.kms.keyArns[0] as string;
    vi.stubEnv('AWS_REGION', harness.kms.region);
    vi.stubEnv('AWS_ACCESS_KEY_ID', AWS_ACCESS_KEY_ID);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', AWS_SECRET_ACCESS_KEY);
    vi.stubEnv('AWS_ENDPOINT_URL_KMS', harness.kms.endpoint);
    vi.stubEnv('POWERTOOLS_DEV', '');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await harness.kms.close();
  });
  harness.encrypt = (plaintext, options = {}) =>
    encryptLikeCognito({
      plaintext,
      keyArn: options.keyArn ?? harness.keyArn,
      userPoolId: options.userPoolId ?? 'eu-west-1_TestPool1',
      kms: harness.kms,
    });
  return harness;
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A Lambda context whose remaining time runs down with the real clock from `ms`. */
export const contextWithRemaining = (ms: number, awsRequestId = 'reliability') => {
  const deadline = Date.now() + ms;
  return { awsRequestId, getRemainingTimeInMillis: () => deadline - Date.now() };
};

// ---------------------------------------------------------------------------------------------
// Recorder adapter and figures

/** Absolute path of the in-process recording adapter (SMS_PROVIDER accepts module paths). */
export const RECORDER_PROVIDER = fileURLToPath(new URL('./recording-provider.mjs', import.meta.url));

/** What the recording adapter was handed. */
export interface RecordedSms {
  readonly to: string;
  readonly body: string;
  readonly trigger: string;
  readonly userPoolId: string;
}

/** The recording adapter's list (shared through globalThis with the adapter module). */
export const recordedSms = (): RecordedSms[] => {
  const key = Symbol.for('cognito-sms.reliability.recorded');
  const store = globalThis as unknown as Record<symbol, RecordedSms[] | undefined>;
  store[key] ??= [];
  return store[key];
};

/**
 * Writes one suite's figures as JSON to `$RELIABILITY_REPORT_DIR` (default
 * `<tmp>/cognito-sms-reliability/`), for docs/reliability.md.
 */
export function reportFigures(suite: string, figures: Record<string, unknown>): void {
  const dir = process.env.RELIABILITY_REPORT_DIR ?? join(tmpdir(), 'cognito-sms-reliability');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${suite}.json`),
    `${JSON.stringify({ suite, stress: STRESS, node: process.version, at: new Date().toISOString(), ...figures }, null, 2)}\n`,
  );
}

/** The thrown value of a promise, or undefined when it resolves. */
export const thrownBy = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error ?? new Error('rejected with a nullish reason'),
  );
