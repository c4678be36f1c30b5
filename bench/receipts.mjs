#!/usr/bin/env node
// The receipts function's cost (receipts.handler, the second entry of every bundle): its cold
// start per provider bundle, and what one verified Twilio status callback costs warm, in time,
// CPU, heap allocations and an estimate of the Lambda bill. Each bundle is built by
// packages/handler/scripts/bundle.mjs (what `npm run bundle` runs) and measured from its zip,
// unzipped, in fresh processes. `npm run bench` runs it last; alone:
// `node bench/receipts.mjs [--runs n] [--iterations n] [--quick]`. Numbers land in bench/out/receipts.json.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(benchDir, '..');
const handlerDir = join(repoRoot, 'packages', 'handler');
const childScript = join(benchDir, 'lib', 'receipts-child.mjs');
const emptyHandler = join(benchDir, 'lib', 'empty.mjs');

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg, index) => index > 0 || arg !== '--'),
  options: {
    runs: { type: 'string' },
    iterations: { type: 'string' },
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: join(benchDir, 'out') },
  },
  strict: false,
});
const RUNS = Number(values.runs ?? (values.quick ? 3 : 11));
// At least 1,000 measured receipts even in a smoke run: the per-receipt figures need them.
const ITERATIONS = Math.max(1000, Number(values.iterations ?? (values.quick ? 1000 : 5000)));
const WARMUP = 200;
const ALLOC_BATCH = 100;
const outDir = resolve(String(values.out));
const workDir = join(outDir, 'receipts');

// Pricing assumptions for the estimate (AWS Lambda, us-east-1, arm64, on-demand, first tier).
const PRICE = {
  perGbSecond: 0.0000133334,
  perRequest: 0.2 / 1e6,
  memoryMb: 128,
  // Lambda gives a function CPU in proportion to its memory: 1,769 MB is one vCPU.
  mbPerVcpu: 1769,
  // The ledger's writes: DynamoDB on-demand, us-east-1, $0.625 per million write request units
  // (an item under 1 KB is one), each a round trip of about this long in-region.
  perDynamoWrite: 0.625 / 1e6,
  dynamoRoundTripMs: 5,
};
const LEDGER_TABLE = 'cognito-sms-bench-receipts';
const ledgerModule = join(repoRoot, 'packages', 'receipts', 'dist', 'dynamodb.js');
const dynamoServerModule = join(repoRoot, 'packages', 'testkit', 'dist', 'dynamodb-server.js');

const AUTH_TOKEN = 'bench-twilio-auth-token-0123456789';
const HOST = 'abc123bench.lambda-url.eu-west-1.on.aws';

const log = (message) => process.stderr.write(`[receipts bench] ${message}\n`);
const builtInIds = () =>
  Object.keys(JSON.parse(readFileSync(join(handlerDir, 'package.json'), 'utf8')).dependencies ?? {})
    .filter((name) => name.startsWith('@cognito-sms/provider-'))
    .map((name) => name.slice('@cognito-sms/provider-'.length))
    .sort();

function run(command, args, options = {}) {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], ...options });
    let stdoutBytes = 0;
    let stderr = '';
    let report = '';
    child.stdout.on('data', (chunk) => (stdoutBytes += chunk.length));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdio[3]?.on('data', (chunk) => (report += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdoutBytes, stderr, report }));
  });
}

/** A function URL request (payload 2.0) as Lambda hands it over, for `POST /<id>`. */
function functionUrlEvent(id, body, headers) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: `/${id}`,
    rawQueryString: '',
    headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'TwilioProxy/1.1', ...headers },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc123bench',
      domainName: HOST,
      domainPrefix: 'abc123bench',
      http: { method: 'POST', path: `/${id}`, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'TwilioProxy/1.1' },
      requestId: 'bench',
      routeKey: '$default',
      stage: '$default',
      time: '07/Dec/2026:06:00:00 +0000',
      timeEpoch: 0,
    },
    body,
    isBase64Encoded: false,
  };
}

/**
 * A final Twilio status callback, signed as Twilio signs it (X-Twilio-Signature: base64
 * HMAC-SHA1 of the URL and the sorted parameters, with the account's auth token), checked
 * against the SDK's own `getExpectedTwilioSignature` once below.
 */
function twilioReceipt(serial) {
  const sid = `SM${String(serial).padStart(32, '0')}`;
  const status = serial % 10 === 9 ? 'undelivered' : 'delivered';
  const params = {
    AccountSid: 'AC00000000000000000000000000000000',
    ApiVersion: '2010-04-01',
    From: '+15005550006',
    MessageSid: sid,
    MessageStatus: status,
    SmsSid: sid,
    SmsStatus: status,
    To: '+447700900123',
    ...(status === 'undelivered' ? { ErrorCode: '30003' } : {}),
  };
  const url = `https://${HOST}/twilio`;
  const signed = Object.keys(params)
    .sort()
    .reduce((text, name) => text + name + params[name], url);
  const signature = createHmac('sha1', AUTH_TOKEN).update(signed).digest('base64');
  return {
    event: functionUrlEvent('twilio', new URLSearchParams(params).toString(), { 'x-twilio-signature': signature }),
    url,
    params,
    signature,
  };
}

/**
 * What a cold start loads before the first line runs: the entry and every chunk it imports
 * statically, transitively (esbuild's metafile), in bytes and files. Dynamic imports (the
 * secrets clients, the metrics module) load later, when used.
 */
function staticClosure(metafile, entryName) {
  const outputs = Object.entries(metafile.outputs).filter(([name]) => name.endsWith('.mjs'));
  const byName = new Map(outputs.map(([name, output]) => [name, output]));
  const entry = outputs.find(([name]) => name.endsWith(`/${entryName}`))?.[0];
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name) || !byName.has(name)) return;
    seen.add(name);
    for (const imported of byName.get(name).imports ?? [])
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  if (entry) visit(entry);
  return { closureBytes: [...seen].reduce((sum, name) => sum + byName.get(name).bytes, 0), closureFiles: seen.size };
}

/** The environment a receipts container starts with: nothing inherited but PATH. */
const containerEnv = (id, extra = {}) => ({
  ...extra,
  PATH: process.env.PATH,
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDBENCH00000000000',
  AWS_SECRET_ACCESS_KEY: 'bench-secret-access-key',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  // As on nodejs22.x: no Node-version warning from the AWS SDK (see README.md).
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_LAMBDA_FUNCTION_NAME: 'cognito-sms-receipts-bench',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(PRICE.memoryMb),
  SMS_PROVIDER: id,
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  TWILIO_AUTH_TOKEN: AUTH_TOKEN,
  // What the other receipts parts verify with (any value: their requests here are unsigned).
  VONAGE_SIGNATURE_SECRET: 'bench-vonage-signature-secret',
  MESSAGEBIRD_SIGNING_KEY: 'bench-messagebird-signing-key',
  PLIVO_AUTH_TOKEN: 'bench-plivo-auth-token',
  INFOBIP_CALLBACK_TOKEN: 'bench-infobip-callback-token',
  SINCH_CALLBACK_SECRET: 'bench-sinch-callback-secret',
  // An Ed25519 public key is 32 bytes: any 32, base64.
  TELNYX_PUBLIC_KEY: Buffer.alloc(32, 7).toString('base64'),
});

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
const percentile = (xs, p) => {
  const s = sorted(xs);
  const rank = (p / 100) * (s.length - 1);
  const low = Math.floor(rank);
  return s[low] + (s[Math.min(low + 1, s.length - 1)] - s[low]) * (rank - low);
};

async function main() {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const ids = builtInIds();

  // 1. The bundles, built as `npm run bundle` builds them, then unzipped from their zips.
  log(`building ${ids.length} bundles with packages/handler/scripts/bundle.mjs`);
  const lambdaDir = join(workDir, 'lambda');
  const built = await run(
    process.execPath,
    [join(handlerDir, 'scripts', 'bundle.mjs'), ...ids.flatMap((id) => ['--providers', id]), '--outdir', lambdaDir, '--metafile'],
    {
      cwd: handlerDir,
    },
  );
  if (built.code !== 0) throw new Error(`scripts/bundle.mjs failed (${built.code}):\n${built.stderr}`);
  const { unzipSync } = createRequire(join(handlerDir, 'package.json'))('fflate');
  const bundles = {};
  for (const id of ids) {
    const manifest = JSON.parse(readFileSync(join(lambdaDir, `${id}.manifest.json`), 'utf8'));
    const files = unzipSync(readFileSync(join(lambdaDir, manifest.zip)));
    const dir = join(workDir, 'unzipped', id);
    for (const [name, bytes] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), bytes);
    }
    bundles[id] = {
      entry: join(dir, 'receipts.mjs'),
      receiptsBytes: files['receipts.mjs']?.length ?? 0,
      ...staticClosure(JSON.parse(readFileSync(join(lambdaDir, `${id}.receipts.meta.json`), 'utf8')), 'receipts.mjs'),
      receiptsProviders: manifest.receiptsProviders ?? [],
    };
    if (!files['receipts.mjs']) throw new Error(`${manifest.zip} holds no receipts.mjs`);
  }

  // 2. The events: distinct signed Twilio receipts, and for every other bundle an unsigned POST
  // to its path (a refusal, 401/403, or 404 where the bundle has no receipts part).
  const { getExpectedTwilioSignature } = createRequire(join(benchDir, 'package.json'))('twilio/lib/webhooks/webhooks.js');
  const probe = twilioReceipt(0);
  if (getExpectedTwilioSignature(AUTH_TOKEN, probe.url, probe.params) !== probe.signature)
    throw new Error('the Twilio signature of the bench events does not match the SDK');
  const twilioEvents = join(workDir, 'twilio-events.json');
  writeFileSync(twilioEvents, JSON.stringify(Array.from({ length: 1 + WARMUP + ITERATIONS }, (_, i) => twilioReceipt(i + 1).event)));
  // A cold container reads one event: the warm events' file would add its own parse to the peak RSS.
  const eventsFor = (id) => {
    const file = join(workDir, `${id}-cold-event.json`);
    writeFileSync(file, JSON.stringify([id === 'twilio' ? twilioReceipt(0).event : functionUrlEvent(id, 'status=delivered', {})]));
    return file;
  };

  const measure = (entry, eventsFile, id, mode, extraArgs = [], extraEnv = {}) =>
    run(
      process.execPath,
      [
        ...extraArgs,
        childScript,
        JSON.stringify({ entry, eventsFile, mode, warmup: WARMUP, batch: ALLOC_BATCH }),
      ],
      {
        env: containerEnv(id, extraEnv),
      },
    ).then(({ code, stderr, report, stdoutBytes }) => {
      if (code !== 0 || !report) throw new Error(`${id} receipts container (${mode}) exited ${code}:\n${stderr.slice(-2000)}`);
      return { ...JSON.parse(report), stdoutBytes };
    });

  // 3. Cold starts in rounds, a rotating order per round, so load from elsewhere lands on all alike.
  const targets = [
    ['node (empty handler)', emptyHandler, eventsFor('twilio'), 'twilio'],
    ...ids.map((id) => [id, bundles[id].entry, eventsFor(id), id]),
  ];
  const cold = Object.fromEntries(targets.map(([label]) => [label, []]));
  log(`cold starts: ${RUNS} rounds × ${targets.length} containers`);
  for (let round = 0; round < RUNS; round++) {
    for (let i = 0; i < targets.length; i++) {
      const [label, entry, events, id] = targets[(i + round) % targets.length];
      cold[label].push(await measure(entry, events, id, 'cold'));
    }
  }

  // 4. Warm cost per verified Twilio receipt: latency and CPU, then allocations in a process of its own.
  log(`warm: ${ITERATIONS} signed Twilio receipts after ${WARMUP}`);
  const warm = await measure(bundles.twilio.entry, twilioEvents, 'twilio', 'warm');
  const alloc = await measure(bundles.twilio.entry, twilioEvents, 'twilio', 'alloc', [
    '--expose-gc',
    '--min-semi-space-size=64',
    '--max-semi-space-size=64',
  ]);
  const expected = { 200: 1 + WARMUP + ITERATIONS };
  for (const [mode, container] of [
    ['warm', warm],
    ['alloc', alloc],
  ]) {
    if (JSON.stringify(container.statuses) !== JSON.stringify(expected))
      throw new Error(`${mode}: every receipt must be verified and accepted (200), got ${JSON.stringify(container.statuses)}`);
  }

  // 4b. The same with the delivery ledger (SMS_IDEMPOTENCY_TABLE) on dynalite behind a counting
  // proxy, every receipt's send recorded first as the sender records it, when this tree has a ledger.
  const ledger =
    existsSync(ledgerModule) && existsSync(dynamoServerModule)
      ? await measureLedger(measure, bundles.twilio.entry, twilioEvents)
      : undefined;
  if (ledger && JSON.stringify(ledger.warm.statuses) !== JSON.stringify(expected))
    throw new Error(`ledger: every receipt must be verified and accepted (200), got ${JSON.stringify(ledger.warm.statuses)}`);

  // 5. Figures.
  const coldRows = Object.fromEntries(
    Object.entries(cold).map(([label, runs]) => [
      label,
      runs.some((r) => r.initError)
        ? {
            receiptsMjsBytes: bundles[label]?.receiptsBytes ?? null,
            receiptsProviders: bundles[label]?.receiptsProviders ?? null,
            initError: runs.find((r) => r.initError).initError,
          }
        : {
            receiptsMjsBytes: bundles[label]?.receiptsBytes ?? null,
            staticClosureBytes: bundles[label]?.closureBytes ?? null,
            staticClosureFiles: bundles[label]?.closureFiles ?? null,
            receiptsProviders: bundles[label]?.receiptsProviders ?? null,
            initMs: median(runs.map((r) => r.initMs)),
            initP25Ms: percentile(
              runs.map((r) => r.initMs),
              25,
            ),
            initP75Ms: percentile(
              runs.map((r) => r.initMs),
              75,
            ),
            initCpuMs: median(runs.map((r) => r.initCpuMs)),
            firstInvocationMs: median(runs.map((r) => r.firstMs)),
            firstStatus: runs[0].firstStatus,
            peakRssMiB: median(runs.map((r) => r.peakRssKiB)) / 1024,
          },
    ]),
  );
  const cpuMs = warm.cpuMsPerReceipt;
  const slowdown = PRICE.mbPerVcpu / PRICE.memoryMb;
  const billedMs = Math.max(1, Math.ceil(cpuMs * slowdown));
  const gbSeconds = (billedMs / 1000) * (PRICE.memoryMb / 1024);
  const perReceiptUsd = gbSeconds * PRICE.perGbSecond + PRICE.perRequest;
  const withLedger = ledger && {
    warmP50Ms: percentile(ledger.warm.latencies, 50),
    warmP99Ms: percentile(ledger.warm.latencies, 99),
    cpuMsPerReceipt: ledger.warm.cpuMsPerReceipt,
    dynamoRequestsPerReceipt: ledger.requests / (1 + WARMUP + ITERATIONS),
    dynamoRequestsByOperation: Object.fromEntries(Object.entries(ledger.byOperation).map(([op, n]) => [op, n / (1 + WARMUP + ITERATIONS)])),
    coldInitMs: median(ledger.cold.map((r) => r.initMs)),
    coldInitCpuMs: median(ledger.cold.map((r) => r.initCpuMs)),
    coldFirstInvocationMs: median(ledger.cold.map((r) => r.firstMs)),
    coldPeakRssMiB: median(ledger.cold.map((r) => r.peakRssKiB)) / 1024,
  };
  if (withLedger) {
    const waitMs = withLedger.dynamoRequestsPerReceipt * PRICE.dynamoRoundTripMs;
    withLedger.billedMsPerReceipt = Math.max(1, Math.ceil(withLedger.cpuMsPerReceipt * slowdown + waitMs));
    const ledgerGbSeconds = (withLedger.billedMsPerReceipt / 1000) * (PRICE.memoryMb / 1024);
    withLedger.usdPerMillionReceiptsCompute = ledgerGbSeconds * PRICE.perGbSecond * 1e6;
    withLedger.usdPerMillionReceiptsDynamoDb = (ledger.writes / (1 + WARMUP + ITERATIONS)) * PRICE.perDynamoWrite * 1e6;
    withLedger.usdPerMillionReceipts =
      withLedger.usdPerMillionReceiptsCompute + withLedger.usdPerMillionReceiptsDynamoDb + PRICE.perRequest * 1e6;
  }
  const perReceipt = {
    receipts: ITERATIONS,
    warmP50Ms: percentile(warm.latencies, 50),
    warmP99Ms: percentile(warm.latencies, 99),
    warmMeanMs: warm.latencies.reduce((a, b) => a + b, 0) / warm.latencies.length,
    cpuMsPerReceipt: cpuMs,
    heapBytesPerReceipt: alloc.bytesPerReceipt.length > 0 ? median(alloc.bytesPerReceipt) : null,
    allocBatches: alloc.bytesPerReceipt.length,
    allocBatchesWithGc: alloc.batchesWithGc,
    stdoutBytesPerReceipt: warm.stdoutBytes / (1 + WARMUP + ITERATIONS),
    rssAfterMiB: warm.rssAfterBytes / 1024 / 1024,
    estimate: {
      assumptions: `AWS Lambda arm64 on-demand, us-east-1 first tier: $${PRICE.perGbSecond} per GB-s, $0.20 per million requests, ${PRICE.memoryMb} MB, billed per 1 ms; CPU in proportion to memory (${PRICE.mbPerVcpu} MB = 1 vCPU), so CPU-bound work takes ${slowdown.toFixed(1)}× the CPU time measured here (one core of this machine taken as one Graviton vCPU)`,
      billedMsPerReceipt: billedMs,
      gbSecondsPerReceipt: gbSeconds,
      usdPerMillionReceipts: perReceiptUsd * 1e6,
      usdPerMillionReceiptsComputeOnly: gbSeconds * PRICE.perGbSecond * 1e6,
    },
    withLedger: withLedger ?? null,
  };

  const f = (n, d = 1) => (n === null || n === undefined ? '—' : n.toFixed(d));
  const table = [
    `Receipts function (receipts.mjs of each bundle, unzipped from its zip), ${RUNS} cold processes each, medians:`,
    '',
    '| bundle | receipts.mjs KB | loaded at import KB (files) | receipts parts | init ms (p25–p75) | init CPU ms | first invocation ms (status) | peak RSS MiB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...Object.entries(coldRows).map(([label, r]) =>
      r.initError
        ? `| ${label} | ${f(r.receiptsMjsBytes / 1024)} | | ${r.receiptsProviders.join(', ') || 'none'} | not started: ${r.initError.replaceAll('|', '/').replaceAll('\n', ' ')} | | | |`
        : `| ${label} | ${r.receiptsMjsBytes === null ? '—' : f(r.receiptsMjsBytes / 1024)} | ${r.staticClosureBytes === null ? '—' : `${f(r.staticClosureBytes / 1024)} (${r.staticClosureFiles})`} | ${r.receiptsProviders === null ? '—' : r.receiptsProviders.join(', ') || 'none'} | ${f(r.initMs)} (${f(r.initP25Ms)}–${f(r.initP75Ms)}) | ${f(r.initCpuMs)} | ${f(r.firstInvocationMs, 2)} (${r.firstStatus}) | ${f(r.peakRssMiB)} |`,
    ),
    '',
    'First invocation: twilio a signed final status callback (200); the others an unsigned POST /<id> (401/403 from a receipts part, 405 from one whose provider calls with GET, 404 where the bundle has none); node a no-op.',
    '',
    `Cost per verified Twilio receipt, warm (${ITERATIONS} distinct signed callbacks after ${WARMUP}, one container, no ledger):`,
    '',
    '| p50 ms | p99 ms | CPU ms / receipt | heap bytes allocated / receipt | stdout bytes / receipt (EMF) | RSS after MiB (events held in memory included) |',
    '| --- | --- | --- | --- | --- | --- |',
    `| ${f(perReceipt.warmP50Ms, 3)} | ${f(perReceipt.warmP99Ms, 3)} | ${f(cpuMs, 3)} | ${f(perReceipt.heapBytesPerReceipt, 0)} (median of ${perReceipt.allocBatches} batches of ${ALLOC_BATCH}; ${perReceipt.allocBatchesWithGc} with a GC left out) | ${f(perReceipt.stdoutBytesPerReceipt, 0)} | ${f(perReceipt.rssAfterMiB)} |`,
    '',
    `Estimate at ${PRICE.memoryMb} MB arm64: ${billedMs} billed ms per receipt (${f(cpuMs, 3)} CPU ms × ${slowdown.toFixed(1)}, rounded up), ${gbSeconds.toExponential(3)} GB-s, $${f(perReceipt.estimate.usdPerMillionReceipts, 3)} per million receipts ($${f(perReceipt.estimate.usdPerMillionReceiptsComputeOnly, 3)} compute + $0.200 requests).`,
    `Assumptions: ${perReceipt.estimate.assumptions}.`,
    '',
    ...(withLedger
      ? [
          `With the delivery ledger (SMS_IDEMPOTENCY_TABLE; DynamoDB = dynalite on loopback, each receipt's send recorded beforehand):`,
          '',
          '| cold init ms | cold init CPU ms | cold first invocation ms | cold peak RSS MiB | warm p50 ms | warm p99 ms | CPU ms / receipt | DynamoDB requests / receipt |',
          '| --- | --- | --- | --- | --- | --- | --- | --- |',
          `| ${f(withLedger.coldInitMs)} | ${f(withLedger.coldInitCpuMs)} | ${f(withLedger.coldFirstInvocationMs, 2)} | ${f(withLedger.coldPeakRssMiB)} | ${f(withLedger.warmP50Ms, 3)} | ${f(withLedger.warmP99Ms, 3)} | ${f(withLedger.cpuMsPerReceipt, 3)} | ${f(withLedger.dynamoRequestsPerReceipt, 2)} ${JSON.stringify(withLedger.dynamoRequestsByOperation)} |`,
          '',
          `Estimate with the ledger: ${withLedger.billedMsPerReceipt} billed ms per receipt (CPU × ${slowdown.toFixed(1)} + ${PRICE.dynamoRoundTripMs} ms per DynamoDB request, assumed), $${f(withLedger.usdPerMillionReceipts, 3)} per million receipts: $${f(withLedger.usdPerMillionReceiptsCompute, 3)} compute + $${f(withLedger.usdPerMillionReceiptsDynamoDb, 3)} DynamoDB writes ($0.625 per million on demand, assumed) + $0.200 requests.`,
        ]
      : ['No delivery ledger on this tree (packages/receipts): receipts were measured without one.']),
  ];
  console.log(table.join('\n'));
  writeFileSync(
    join(outDir, 'receipts.json'),
    `${JSON.stringify({ at: new Date().toISOString(), runs: RUNS, iterations: ITERATIONS, cold: coldRows, perReceipt }, null, 2)}\n`,
  );
}

/**
 * The warm Twilio container, and cold ones, with the ledger on a fresh dynalite table: each
 * receipt's send is recorded first through the ledger itself (as the sender records it), then
 * the containers' requests are counted by operation through a proxy.
 */
async function measureLedger(measure, entry, eventsFile) {
  log('with the delivery ledger: recording the sends in dynalite');
  // The AWS SDK v3 warns on Node < 22 (Lambda runs 22): not here.
  process.removeAllListeners('warning');
  const { startDynamoDbEmulator } = await import(pathToFileURL(dynamoServerModule).href);
  const dynamo = await startDynamoDbEmulator();
  await dynamo.createTable(LEDGER_TABLE);
  const byOperation = {};
  const upstream = new URL(dynamo.endpoint);
  const agent = new Agent({ keepAlive: true });
  const proxy = createServer((req, res) => {
    const operation = String(req.headers['x-amz-target'] ?? '')
      .split('.')
      .pop();
    byOperation[operation] = (byOperation[operation] ?? 0) + 1;
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
  try {
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDBENCH',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    });
    const { createDynamoDbDeliveryLedger } = await import(pathToFileURL(ledgerModule).href);
    const ledger = createDynamoDbDeliveryLedger({ table: LEDGER_TABLE });
    const sentAt = Date.now() - 8000;
    const count = 1 + WARMUP + ITERATIONS;
    for (let start = 1; start <= count; start += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, count + 1 - start) }, (_, i) =>
          ledger.recordSent(
            {
              provider: 'twilio',
              messageId: `SM${String(start + i).padStart(32, '0')}`,
              sentAt,
              country: 'GB',
              trigger: 'CustomSMSSender_Authentication',
            },
            { signal: AbortSignal.timeout(60_000) },
          ),
        ),
      );
    }
    const env = { SMS_IDEMPOTENCY_TABLE: LEDGER_TABLE, AWS_ENDPOINT_URL_DYNAMODB: proxyEndpoint };
    log(`with the delivery ledger: ${RUNS} cold containers, then ${ITERATIONS} warm receipts`);
    const cold = [];
    for (let run = 0; run < RUNS; run++)
      cold.push(await measure(entry, join(workDir, 'twilio-cold-event.json'), 'twilio', 'cold', [], env));
    for (const key of Object.keys(byOperation)) delete byOperation[key];
    const warm = await measure(entry, eventsFile, 'twilio', 'warm', [], env);
    const requests = Object.values(byOperation).reduce((a, b) => a + b, 0);
    const writes = (byOperation.UpdateItem ?? 0) + (byOperation.PutItem ?? 0);
    return { cold, warm, requests, writes, byOperation: { ...byOperation } };
  } finally {
    await new Promise((done) => proxy.close(done));
    agent.destroy();
    await dynamo.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
