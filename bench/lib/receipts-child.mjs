// One receipts-function container for bench/receipts.mjs: imports an unzipped bundle's
// receipts.mjs the way the Lambda runtime does (its top-level await builds the handler from the
// environment), invokes it with the function URL events of the spec's file, and writes one JSON
// line to file descriptor 3. Modes:
//   cold   import + the first event: init, first invocation, peak RSS;
//   warm   then `warmup` events unmeasured and every other event measured (latency, CPU);
//   alloc  then batches of `batch` events between a forced GC and a heap reading, in a young
//          generation large enough that no GC runs inside a batch (started with --expose-gc
//          and --min-semi-space-size): heap growth ÷ batch = bytes allocated per receipt.
import { readFileSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const spec = JSON.parse(process.argv[2]);
const events = JSON.parse(readFileSync(spec.eventsFile, 'utf8'));
let requests = 0;
const context = () => ({
  functionName: 'cognito-sms-receipts-bench',
  memoryLimitInMB: '128',
  awsRequestId: `00000000-0000-4000-8000-${String(++requests).padStart(12, '0')}`,
  getRemainingTimeInMillis: () => 10_000,
});

const cpuAtStart = process.cpuUsage();
const startedMs = performance.now();
let handler;
try {
  ({ handler } = await import(pathToFileURL(spec.entry).href));
} catch (error) {
  // A receipts part whose settings the bench does not set (a ConfigError): reported, not fatal.
  writeSync(3, `${JSON.stringify({ initError: String(error?.message ?? error).slice(0, 300) })}\n`);
  process.exit(0);
}
const initMs = performance.now() - startedMs;
const initCpu = process.cpuUsage(cpuAtStart);

const statuses = new Map();
const invoke = async (event) => {
  const response = await handler(event, context());
  const status = response?.statusCode ?? 'none';
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
};

const firstStarted = performance.now();
await invoke(events[0]);
const firstMs = performance.now() - firstStarted;
const result = {
  initMs,
  initCpuMs: (initCpu.user + initCpu.system) / 1000,
  firstMs,
  firstStatus: [...statuses.keys()][0],
  // KiB on Linux: the cold process's peak after its first invocation.
  peakRssKiB: process.resourceUsage().maxRSS,
};

if (spec.mode === 'warm') {
  for (const event of events.slice(1, 1 + spec.warmup)) await invoke(event);
  const measured = events.slice(1 + spec.warmup);
  const latencies = [];
  const cpu = process.cpuUsage();
  for (const event of measured) {
    const t = performance.now();
    await invoke(event);
    latencies.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  result.latencies = latencies;
  result.cpuMsPerReceipt = (used.user + used.system) / 1000 / measured.length;
  result.rssAfterBytes = process.memoryUsage().rss;
}

if (spec.mode === 'alloc') {
  const { PerformanceObserver } = await import('node:perf_hooks');
  let collections = 0;
  const observer = new PerformanceObserver((list) => (collections += list.getEntries().length));
  observer.observe({ entryTypes: ['gc'] });
  const gcNow = () =>
    new Promise((done) =>
      setImmediate(() => {
        globalThis.gc();
        setImmediate(done);
      }),
    );
  for (const event of events.slice(1, 1 + spec.warmup)) await invoke(event);
  const measured = events.slice(1 + spec.warmup);
  result.bytesPerReceipt = [];
  result.batchesWithGc = 0;
  for (let start = 0; start < measured.length; start += spec.batch) {
    const batch = measured.slice(start, start + spec.batch);
    await gcNow();
    // The observer reports asynchronously: let the forced collection's entry arrive first.
    await new Promise((done) => setTimeout(done, 5));
    const before = collections;
    const heapBefore = process.memoryUsage().heapUsed;
    for (const event of batch) await invoke(event);
    const heapAfter = process.memoryUsage().heapUsed;
    await new Promise((done) => setTimeout(done, 5));
    if (collections !== before) result.batchesWithGc += 1;
    else result.bytesPerReceipt.push((heapAfter - heapBefore) / batch.length);
  }
  observer.disconnect();
}

result.statuses = Object.fromEntries(statuses);
writeSync(3, `${JSON.stringify(result)}\n`);
