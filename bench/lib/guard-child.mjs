// One container for bench/guard.mjs: imports the built handler (packages/handler/dist), builds
// it from the environment it was started with, runs the events of argv[2] one after another, and
// prints one JSON line: init (wall and CPU ms), first invocation, and the warm latencies.
import { readFileSync } from 'node:fs';

const { entry, eventsFile, warmup } = JSON.parse(process.argv[2]);
const events = JSON.parse(readFileSync(eventsFile, 'utf8'));
const context = { awsRequestId: 'bench-guard', getRemainingTimeInMillis: () => 30_000 };

const cpu = process.cpuUsage();
const started = performance.now();
const { createHandler } = await import(entry);
const handler = await createHandler(process.env);
const initMs = performance.now() - started;
const initCpuMs = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1000;

const latencies = [];
let failures = 0;
for (const [i, event] of events.entries()) {
  if (i === warmup) process.send?.({ warm: true });
  const t = performance.now();
  await handler(event, context).catch(() => failures++);
  latencies.push(performance.now() - t);
}
process.stdout.write(`\nGUARD-BENCH ${JSON.stringify({ initMs, initCpuMs, firstMs: latencies[0], warm: latencies.slice(warmup), failures })}\n`);
