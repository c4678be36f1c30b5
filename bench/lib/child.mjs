// One measured Lambda container: a fresh Node process that loads a handler the way the Lambda
// runtime does (require for CommonJS, import for ESM), then invokes it. run.mjs starts it with
// a JSON spec as argv[2] and reads JSON lines from file descriptor 3.
//
// Modes: `cold` = import + one invocation; `warm` = that, then `warmup` unmeasured
// invocations, then batches of measured ones on the parent's command (see below);
// `inventory` = `cold`, reporting every file loaded (run with
// inventory-register.mjs); `profile` = `cold` under the V8 CPU profiler (init, first
// invocation and `iterations` warm invocations profiled separately). Nothing here is imported before the clock starts except
// node:fs, node:module and node:url, which Node has loaded already.
import { readFileSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const spec = JSON.parse(process.argv[2]);
const events = JSON.parse(readFileSync(spec.eventsFile, 'utf8'));
const require = createRequire(import.meta.url);

let requestCount = 0;
/** A Lambda context with the members handlers read; 30 s left on every invocation. */
const context = () => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'cognito-sms-bench',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:cognito-sms-bench',
  memoryLimitInMB: '256',
  awsRequestId: `00000000-0000-4000-8000-${String(++requestCount).padStart(12, '0')}`,
  logGroupName: '/aws/lambda/cognito-sms-bench',
  logStreamName: '2025/01/01/[$LATEST]bench',
  getRemainingTimeInMillis: () => 30_000,
});

let profiler;
if (spec.mode === 'profile') {
  const { Session } = await import('node:inspector');
  const session = new Session();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  profiler = {
    start: () => post('Profiler.start'),
    stop: async (file) => writeFileSync(file, JSON.stringify((await post('Profiler.stop')).profile)),
  };
  await profiler.start();
}

const cpuAtStart = process.cpuUsage();
const startedMs = performance.now();
const module = spec.format === 'cjs' ? require(spec.entry) : await import(pathToFileURL(spec.entry).href);
const handler = module.handler;
const initMs = performance.now() - startedMs;
const initCpu = process.cpuUsage(cpuAtStart);
if (profiler) {
  await profiler.stop(`${spec.profilePrefix}.init.cpuprofile`);
  await profiler.start();
}

let next = 0;
const invoke = async () => {
  const event = events[next++];
  if (event === undefined) throw new Error(`only ${events.length} events were prepared`);
  await handler(event, context());
};

const cpuBeforeFirst = process.cpuUsage();
const firstStartedMs = performance.now();
await invoke();
const firstResponseMs = performance.now();
const firstCpu = process.cpuUsage(cpuBeforeFirst);
if (profiler) {
  await profiler.stop(`${spec.profilePrefix}.first.cpuprofile`);
  // Then a warm profile: `warmup` invocations unprofiled, `iterations` profiled.
  for (let i = 0; i < spec.warmup; i++) await invoke();
  await profiler.start();
  for (let i = 0; i < spec.iterations; i++) await invoke();
  await profiler.stop(`${spec.profilePrefix}.warm.cpuprofile`);
}
const cold = {
  // performance.now() counts from the start of the process: node's own bootstrap is included.
  processToFirstResponseMs: firstResponseMs,
  bootMs: performance.nodeTiming.bootstrapComplete,
  initMs,
  // CPU time (user + system, every thread of the process): less disturbed than wall time when
  // other work shares the machine.
  initCpuMs: (initCpu.user + initCpu.system) / 1000,
  firstInvocationMs: firstResponseMs - firstStartedMs,
  firstInvocationCpuMs: (firstCpu.user + firstCpu.system) / 1000,
  maxRssBytes: process.resourceUsage().maxRSS * 1024,
  rssBytes: process.memoryUsage().rss,
};

/** One JSON message per line on fd 3. */
const send = (message) => writeSync(3, `${JSON.stringify(message)}\n`);

if (spec.mode === 'warm') {
  // Warm: after `warmup` invocations, wait for the parent's commands on stdin, one per line:
  // {"run": n} runs n measured invocations and answers with their latencies; {"end": true}
  // answers with the memory figures. The parent alternates batches between the containers of
  // every handler, so load from elsewhere on the machine lands on all of them alike.
  for (let i = 0; i < spec.warmup; i++) await invoke();
  send({ type: 'ready', cold });
  const { createInterface } = await import('node:readline');
  for await (const line of createInterface({ input: process.stdin })) {
    const command = JSON.parse(line);
    if (command.run) {
      // A failed invocation is counted and reported, not fatal: Lambda would retry the event.
      const latenciesMs = [];
      const errors = [];
      const cpu = process.cpuUsage();
      for (let i = 0; i < command.run; i++) {
        const t = performance.now();
        try {
          await invoke();
          latenciesMs.push(performance.now() - t);
        } catch (error) {
          errors.push(`${error?.name ?? 'Error'}${error?.code ? ` ${error.code}` : ''}: ${String(error?.message ?? error).slice(0, 200)}`);
        }
      }
      const used = process.cpuUsage(cpu);
      send({ type: 'batch', latenciesMs, errors, cpuMs: (used.user + used.system) / 1000 });
    } else if (command.end) break;
  }
  const memory = process.memoryUsage();
  send({
    type: 'result',
    cold,
    invocations: next,
    warm: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, maxRssBytes: process.resourceUsage().maxRSS * 1024 },
  });
} else {
  const result = { type: 'result', cold, invocations: next };
  // ESM files come from the load hook (inventory-hooks.mjs); CommonJS ones from require's cache.
  if (spec.mode === 'inventory') result.requiredFiles = Object.keys(require.cache);
  send(result);
}
// Keep-alive sockets would hold the process open, as a frozen Lambda container would.
process.exit(0);
