#!/usr/bin/env node
// The fraud guard's cost, measured on the built handler (packages/handler/dist) with the console
// provider against the loopback KMS, in fresh processes: init (import + createHandler), first
// invocation, warm p50/p99, and the DynamoDB requests per message, with the guard off, in
// memory, and on DynamoDB (dynalite on loopback, behind a proxy that counts the requests).
// `npm run bench` runs it after the provider bundles; `node bench/guard.mjs [--runs n] [--iterations n]`
// alone. Numbers land in bench/out/guard.json.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(benchDir, '..');
const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg, index) => index > 0 || arg !== '--'),
  options: {
    runs: { type: 'string', default: '7' },
    iterations: { type: 'string', default: '500' },
    out: { type: 'string', default: join(benchDir, 'out') },
  },
  strict: false,
});
const RUNS = Number(values.runs);
const ITERATIONS = Number(values.iterations);
const WARMUP = 20;
const TABLE = 'cognito-sms-bench-state';
const testkit = (path) => import(pathToFileURL(join(repoRoot, 'packages/testkit/dist', path)).href);
const { startLoopbackKms, encryptLikeCognito, cognitoEvent } = await testkit('index.js');
const { startDynamoDbEmulator } = await testkit('dynamodb-server.js');

const kms = await startLoopbackKms({ region: 'eu-west-1' });
const keyArn = kms.keyArns[0];
const dynamo = await startDynamoDbEmulator();
await dynamo.createTable(TABLE);

// A proxy in front of dynalite that counts requests by operation while `counting` is on.
const counts = new Map();
let counting = false;
const upstream = new URL(dynamo.endpoint);
const agent = new Agent({ keepAlive: true });
const proxy = createServer((req, res) => {
  if (counting) {
    const operation = String(req.headers['x-amz-target'] ?? '')
      .split('.')
      .pop();
    counts.set(operation, (counts.get(operation) ?? 0) + 1);
  }
  const forward = request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  req.pipe(forward);
});
await new Promise((done) => proxy.listen(0, '127.0.0.1', done));
const proxyEndpoint = `http://127.0.0.1:${proxy.address().port}`;

// Every event its own number and user, so the default limits never refuse one: the cost measured
// is the guard's bookkeeping on a message that is sent.
const ciphertexts = await Promise.all(
  Array.from({ length: 20 }, (_, i) =>
    encryptLikeCognito({ plaintext: String(500_000 + i), keyArn, userPoolId: 'eu-west-1_BenchPool1', kms }),
  ),
);
mkdirSync(values.out, { recursive: true });
const eventsFile = join(values.out, 'guard-events.json');
let serial = 0;
const writeEvents = () =>
  writeFileSync(
    eventsFile,
    JSON.stringify(
      Array.from({ length: WARMUP + ITERATIONS }, (_, i) => {
        serial += 1;
        return cognitoEvent('CustomSMSSender_Authentication', {
          code: ciphertexts[i % ciphertexts.length],
          // +1 NPA NX…: a 6-digit prefix of its own for each of 80,000 messages.
          phoneNumber: `+1${200 + (serial % 800)}${String(Math.floor(serial / 800) % 100).padStart(2, '0')}${String(serial % 100_000).padStart(5, '0')}`,
          userName: `bench-user-${serial}`,
          userPoolId: 'eu-west-1_BenchPool1',
        });
      }),
    ),
  );

const CONFIGS = {
  off: { SMS_GUARD: 'off' },
  memory: { SMS_GUARD: 'memory' },
  dynamodb: { SMS_GUARD_TABLE: TABLE, SMS_GUARD_HASH_KEY: 'bench-hash-key-0123456789abcdefghijklmnop' },
};
const baseEnv = {
  PATH: process.env.PATH,
  AWS_REGION: kms.region,
  AWS_ACCESS_KEY_ID: 'AKIDBENCH',
  AWS_SECRET_ACCESS_KEY: 'bench-secret',
  AWS_ENDPOINT_URL_KMS: kms.endpoint,
  AWS_ENDPOINT_URL_DYNAMODB: proxyEndpoint,
  // As on nodejs22.x: no Node-version warning from the AWS SDK (see README.md).
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  KMS_KEY_ARN: keyArn,
  SMS_PROVIDER: 'console',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};

function runChild(env) {
  writeEvents();
  return new Promise((done, fail) => {
    const child = fork(
      join(benchDir, 'lib/guard-child.mjs'),
      [
        JSON.stringify({
          entry: pathToFileURL(join(repoRoot, 'packages/handler/dist/create-handler.js')).href,
          eventsFile,
          warmup: WARMUP,
        }),
      ],
      {
        env: { ...baseEnv, ...env },
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('message', (message) => {
      if (message.warm) counting = true;
    });
    child.on('exit', (code) => {
      counting = false;
      const line = stdout.split('\n').find((l) => l.startsWith('GUARD-BENCH '));
      if (code !== 0 || !line) fail(new Error(`guard bench child exited ${code}`));
      else done(JSON.parse(line.slice('GUARD-BENCH '.length)));
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const results = {};
for (const [name, env] of Object.entries(CONFIGS)) {
  const runs = [];
  counts.clear();
  for (let run = 0; run < RUNS; run++) runs.push(await runChild(env));
  const warm = runs.flatMap((r) => r.warm);
  const requests = [...counts.values()].reduce((a, b) => a + b, 0);
  results[name] = {
    initMs: median(runs.map((r) => r.initMs)),
    initCpuMs: median(runs.map((r) => r.initCpuMs)),
    firstInvocationMs: median(runs.map((r) => r.firstMs)),
    warmP50Ms: percentile(warm, 50),
    warmP99Ms: percentile(warm, 99),
    failures: runs.reduce((a, r) => a + r.failures, 0),
    dynamoRequestsPerMessage: requests / (RUNS * ITERATIONS),
    dynamoRequestsByOperation: Object.fromEntries([...counts].map(([op, n]) => [op, n / (RUNS * ITERATIONS)])),
  };
}
await Promise.all([kms.close(), dynamo.close(), new Promise((done) => proxy.close(done))]);
agent.destroy();

const row = (name) => {
  const r = results[name];
  const off = results.off;
  return `| ${name} | ${r.initMs.toFixed(1)} (${(r.initMs - off.initMs >= 0 ? '+' : '') + (r.initMs - off.initMs).toFixed(1)}) | ${r.initCpuMs.toFixed(1)} | ${r.firstInvocationMs.toFixed(2)} | ${r.warmP50Ms.toFixed(2)} (${(r.warmP50Ms - off.warmP50Ms >= 0 ? '+' : '') + (r.warmP50Ms - off.warmP50Ms).toFixed(2)}) | ${r.warmP99Ms.toFixed(2)} | ${r.dynamoRequestsPerMessage.toFixed(2)} | ${r.failures} |`;
};
const table = [
  `Fraud guard, built handler + console provider, ${RUNS} cold processes × ${ITERATIONS} warm invocations (after ${WARMUP}) each, DynamoDB = dynalite on loopback:`,
  '',
  '| guard | init ms, median (vs off) | init CPU ms | first invocation ms | warm p50 ms (vs off) | warm p99 ms | DynamoDB requests / message | failures |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...Object.keys(CONFIGS).map(row),
  '',
  `DynamoDB requests by operation, per message: ${JSON.stringify(results.dynamodb.dynamoRequestsByOperation)} (all of a message's requests are sent at once: one round trip)`,
];
console.log(table.join('\n'));
writeFileSync(
  join(values.out, 'guard.json'),
  `${JSON.stringify({ at: new Date().toISOString(), runs: RUNS, iterations: ITERATIONS, results }, null, 2)}\n`,
);
