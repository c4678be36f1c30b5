import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { cognitoEvent } from '@cognito-sms/testkit';
import { startVonageEmulator, type VonageEmulator } from '@cognito-sms/testkit/emulators/vonage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CustomSmsSenderHandler, createHandler } from '../../src/create-handler.js';
import {
  AWS_SECRET_ACCESS_KEY,
  CanaryScanner,
  inParallel,
  reportFigures,
  size,
  thrownBy,
  useLoopbackKms,
  useOutputSink,
} from './support.js';

// Load: thousands of invocations in one process, 50 at a time, through the real Vonage adapter
// against its loopback emulator and the loopback KMS. Every message is delivered exactly once,
// no promise rejection goes unhandled, and the resident set grows less than 10 MiB after warm-up.
//
// Memory is sampled every SAMPLE_EVERY invocations once collections have settled (four forced
// full collections with event-loop turns between them), so the figure is what the process
// keeps. Without forced collections the resident set follows V8's heap-growth heuristics (on
// this shared 2-core machine +93 MiB over 9,000 invocations while the live heap grew 3 MiB);
// after a single collection it still swings by up to 50 MiB outside the V8 heap (native memory
// that finalizers free only on a later collection). The growth is the median of the last third
// of the samples minus the median of the first third.

const INVOCATIONS = Number(process.env.LOAD_INVOCATIONS ?? size({ quick: 500, stress: 10_000 }));
const WARM_UP = size({ quick: 200, stress: 1_000 });
const SAMPLE_EVERY = size({ quick: 50, stress: 500 });
const CONCURRENCY = 50;
/** Distinct ciphertexts (each a distinct code); invocation i uses ciphertext i % POOL_SIZE and its own number. */
const POOL_SIZE = size({ quick: 100, stress: 1_000 });
const RSS_LIMIT = 10 * 1024 * 1024;
const TIMEOUT = size({ quick: 120_000, stress: 1_800_000 });
const SECRET = 'cnry-vonage-Load-Secret-71';
const POOL = 'eu-west-1_TestPool1';

const codeOf = (n: number) => `ZC${n.toString(36).padStart(4, '0')}Q`;
const phoneOf = (i: number) => `+447700${String(900_000 + i).padStart(6, '0')}`;
const indexOfPhone = (digits: string) => Number(digits.slice(-6)) - 900_000;

const scanner = new CanaryScanner()
  .add('AWS secret key', AWS_SECRET_ACCESS_KEY)
  .add('vonage credential', SECRET)
  .addPattern('a load-test code', /ZC[0-9a-z]{4}Q/)
  .addPattern('a load-test number', /447700(9\d{5}|1\d{5})/);
const kms = useLoopbackKms();
useOutputSink(scanner, { keep: false });

let vonage: VonageEmulator;
let handler: CustomSmsSenderHandler;
const ciphertexts: string[] = [];

beforeAll(async () => {
  vonage = await startVonageEmulator({ apiKey: 'load1234', apiSecret: SECRET });
  handler = await createHandler({
    KMS_KEY_ARN: kms.keyArn,
    SMS_GUARD: 'off',
    SMS_PROVIDER: 'vonage',
    VONAGE_API_KEY: 'load1234',
    VONAGE_API_SECRET: SECRET,
    VONAGE_FROM: 'AcmeInc',
    VONAGE_BASE_URL: vonage.baseUrl,
  });
  ciphertexts.push(
    ...(await inParallel(
      Array.from({ length: POOL_SIZE }, (_, n) => n),
      CONCURRENCY,
      (n) => kms.encrypt(codeOf(n), { userPoolId: POOL }),
    )),
  );
}, TIMEOUT);
afterAll(async () => {
  await vonage?.close();
});

/** `global.gc`, exposed at run time (vitest's workers start without --expose-gc). */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}

describe('Reliability: load', () => {
  it(
    `delivers ${INVOCATIONS} invocations exactly once, ${CONCURRENCY} at a time, with RSS growth under 10 MiB after warm-up`,
    async () => {
      // Prepare
      const gc = collector();
      const delivered = new Uint8Array(INVOCATIONS);
      const wrongBody: number[] = [];
      let receipts = 0;
      const failures: string[] = [];
      let unhandled = 0;
      const onUnhandled = () => {
        unhandled += 1;
      };
      process.on('unhandledRejection', onUnhandled);
      /** Moves what the emulator and the KMS recorded into the counters, so neither grows. */
      const drain = () => {
        for (const sms of vonage.delivered.splice(0)) {
          const i = indexOfPhone(sms.to);
          if (i >= 0 && i < INVOCATIONS) {
            delivered[i] = (delivered[i] ?? 0) + 1;
            if (sms.text !== `Your sign-in code is ${codeOf(i % POOL_SIZE)}`) wrongBody.push(i);
          }
        }
        vonage.requests.length = 0;
        kms.kms.calls.length = 0;
      };
      const invoke = async (i: number) => {
        const event = cognitoEvent('CustomSMSSender_Authentication', {
          code: ciphertexts[i % POOL_SIZE] as string,
          phoneNumber: phoneOf(i),
          userPoolId: POOL,
        });
        let receiptId: string | undefined;
        const error = await thrownBy(
          handler(event, { awsRequestId: `load-${i}`, getRemainingTimeInMillis: () => 10_000 }).then((receipt) => {
            receiptId = receipt.messageId;
          }),
        );
        if (error !== undefined) {
          scanner.scanError(error);
          failures.push(`${i}: ${(error as Error).name} ${(error as { code?: string }).code ?? ''}`);
        } else if (receiptId) receipts += 1;
        if (i % 100 === 0) drain();
      };
      const run = async (from: number, to: number) => {
        await inParallel(
          Array.from({ length: to - from }, (_, k) => from + k),
          CONCURRENCY,
          invoke,
        );
        drain();
      };
      const samples: {
        invocations: number;
        rssMiB: number;
        heapCommittedMiB: number;
        youngGenerationMiB: number;
        outsideHeapMiB: number;
        heapUsedMiB: number;
        externalMiB: number;
      }[] = [];
      const rssSamples: number[] = [];
      const MiB = (bytes: number) => +(bytes / 2 ** 20).toFixed(2);
      /**
       * Memory once collections have settled: a few full collections with event-loop turns
       * between them, so finalizers run and the native memory they held is freed (one collection
       * leaves tens of MiB outside the V8 heap that the next one releases).
       */
      const sample = async (invocations: number) => {
        for (let round = 0; round < 4; round++) {
          gc();
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        const { rss, heapUsed, external } = process.memoryUsage();
        const spaces = getHeapSpaceStatistics();
        const young = spaces
          .filter((space) => space.space_name.startsWith('new_'))
          .reduce((sum, space) => sum + space.physical_space_size, 0);
        const committed = spaces.reduce((sum, space) => sum + space.physical_space_size, 0);
        samples.push({
          invocations,
          rssMiB: MiB(rss),
          heapCommittedMiB: MiB(committed),
          youngGenerationMiB: MiB(young),
          outsideHeapMiB: MiB(rss - committed),
          heapUsedMiB: MiB(heapUsed),
          externalMiB: MiB(external),
        });
        rssSamples.push(rss);
        return { rss, heapUsed };
      };

      // Act: warm up, measure, run the rest in slices (sampling memory between them), measure.
      const started = Date.now();
      for (let from = 0; from < WARM_UP; from += SAMPLE_EVERY) await run(from, Math.min(WARM_UP, from + SAMPLE_EVERY));
      const before = await sample(WARM_UP);
      for (let from = WARM_UP; from < INVOCATIONS; from += SAMPLE_EVERY) {
        await run(from, Math.min(INVOCATIONS, from + SAMPLE_EVERY));
        await sample(Math.min(INVOCATIONS, from + SAMPLE_EVERY));
      }
      const after = await sample(INVOCATIONS);
      const elapsedMs = Date.now() - started;
      process.off('unhandledRejection', onUnhandled);
      // Let anything still in flight surface before counting.
      await new Promise((resolve) => setTimeout(resolve, 50));
      drain();

      // Assess
      const median = (values: number[]) => {
        const sorted = [...values].sort((a, b) => a - b);
        const mid = Math.floor(sorted.length / 2);
        return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
      };
      const measured = rssSamples.slice(0, -1); // the last entry repeats the final sample
      const third = Math.max(1, Math.floor(measured.length / 3));
      const rssGrowth = median(measured.slice(-third)) - median(measured.slice(0, third));
      // Least-squares slope of the resident set over the run, in bytes per invocation.
      const xs = samples.slice(0, -1).map((point) => point.invocations);
      const meanX = xs.reduce((a, b) => a + b, 0) / xs.length;
      const meanY = measured.reduce((a, b) => a + b, 0) / measured.length;
      const slope =
        xs.reduce((sum, x, i) => sum + (x - meanX) * ((measured[i] as number) - meanY), 0) /
        Math.max(
          1,
          xs.reduce((sum, x) => sum + (x - meanX) ** 2, 0),
        );
      const missing = [...delivered.entries()].filter(([, n]) => n === 0).map(([i]) => i);
      const twice = [...delivered.entries()].filter(([, n]) => n > 1).map(([i]) => i);
      reportFigures('load', {
        invocations: INVOCATIONS,
        concurrency: CONCURRENCY,
        warmUp: WARM_UP,
        distinctCiphertexts: POOL_SIZE,
        delivered: INVOCATIONS - missing.length,
        deliveredTwice: twice.length,
        failures: failures.length,
        unhandledRejections: unhandled,
        rssAfterWarmUpMiB: MiB(before.rss),
        rssGrowthMiB: MiB(rssGrowth),
        rssSlopeMiBPer1000Invocations: MiB(slope * 1000),
        rssSampleRangeMiB: [MiB(Math.min(...measured)), MiB(Math.max(...measured))],
        rssFirstToLastSampleMiB: MiB(after.rss - before.rss),
        heapUsedGrowthMiB: MiB(after.heapUsed - before.heapUsed),
        heapBytesPerInvocation: Math.round((after.heapUsed - before.heapUsed) / (INVOCATIONS - WARM_UP)),
        sampledEvery: SAMPLE_EVERY,
        samples,
        elapsedMs,
        invocationsPerSecond: Math.round((INVOCATIONS / elapsedMs) * 1000),
        chunksScanned: scanner.scannedChunks,
        leaks: scanner.leaks.length,
      });
      expect(failures.slice(0, 10)).toEqual([]);
      expect(missing.slice(0, 10)).toEqual([]);
      expect(twice.slice(0, 10)).toEqual([]);
      expect(wrongBody.slice(0, 10)).toEqual([]);
      expect(receipts).toBe(INVOCATIONS);
      expect(unhandled).toBe(0);
      expect(rssGrowth).toBeLessThan(RSS_LIMIT);
      expect(after.heapUsed - before.heapUsed).toBeLessThan(RSS_LIMIT);
      expect(scanner.leaks).toEqual([]);
      expect(scanner.scannedChunks).toBeGreaterThanOrEqual(INVOCATIONS);
    },
    TIMEOUT,
  );
});
