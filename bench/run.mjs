#!/usr/bin/env node
// npm run bench: cold start, memory and warm latency of our per-provider Lambda bundles, side by
// side with the reference handler from Cognito's documentation, in one run on this machine.
// See README.md for what each figure means, RESULTS.md for a recorded run.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { analyzeProfile, bytesByPackage, closureOf, summarizeLoaded } from './lib/analysis.mjs';
import { buildBaselineBundles, buildBundles, buildHarness, describeBundleDir } from './lib/build.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(benchDir, '..');
const childScript = join(benchDir, 'lib', 'child.mjs');
const inventoryRegister = join(benchDir, 'lib', 'inventory-register.mjs');

const USAGE = `Usage: npm run bench -- [options]

  --runs <n>          cold processes per handler (median reported), default 11
  --iterations <n>    measured warm invocations per handler, default 1000
  --warmup <n>        unmeasured invocations before them, default 20
  --targets <ids>     comma list among reference,twilio,vonage,sns,end-user-messaging,console
                      (default: all of them)
  --log-level <l>     POWERTOOLS_LOG_LEVEL for our handler, default ERROR (try INFO)
  --metrics <on|off>  our handler's EMF metrics (POWERTOOLS_METRICS_DISABLED), default on (the shipped default)
  --bundles <from>    build (default): run packages/handler/scripts/bundle.mjs into bench/out/lambda
                      (or, when it is missing, bench's own esbuild build with its settings);
                      fallback: bench's own build even when the script exists;
                      dist-lambda: measure packages/handler/dist-lambda/<provider>/ as already built
  --variant <l>:<provider>:<dir>
                      also measure another build of our handler (dir holds index.mjs), labelled <l>,
                      against <provider>'s emulator; repeatable. For trying a change to the bundle.
  --baseline <ref>    also build the bundles of git revision <ref> (in a temporary export of its
                      tree, with its own lockfile and scripts/bundle.mjs) and measure them in the
                      same run, each in a column <provider>@<commit> next to today's; default
                      0bcba46 (before the work of issue 15); "merge-base": where this branch
                      left main (git merge-base HEAD main), i.e. before this branch's changes;
                      "none" to skip
  --no-profile        skip the CPU profiles (init, first and warm invocations)
  --out <dir>         where results.json and the artifacts go, default bench/out
  --quick             --runs 3 --iterations 200 (a smoke run; its figures are not the issue's)`;

// The state before issue 15's cold-start work: `--baseline` measures it next to today's bundles.
const DEFAULT_BASELINE = '0bcba46';
const PROVIDERS = ['twilio', 'vonage', 'sns', 'end-user-messaging', 'console'];
// Issue 15's targets, for every bundle of ours: init (import) and peak RSS ÷ the reference's.
const INIT_TARGET = 0.2;
const PEAK_RSS_TARGET = 0.6;
const WARM_P50_TARGET = 1.0;

// The warm CPU profile: invocations left out, then profiled.
const PROFILE_WARMUP = 20;
const PROFILE_WARM = 100;
// Node's HTTP servers (the loopback KMS, the emulators) close a keep-alive connection idle for
// 5 s, and undici (fetch) drops its own after 4 s: a longer pause costs a new connection.
const IDLE_RECONNECT_MS = 4000;
// A full rotation of the warm containers should stay well under that.
const TURN_CYCLE_MS = 2000;

const region = 'eu-west-1';
const awsCredentials = { accessKeyId: 'AKIDBENCH00000000000', secretAccessKey: 'bench-secret-access-key' };

async function main() {
  const { values: args } = parseArgs({
    options: {
      runs: { type: 'string' },
      iterations: { type: 'string' },
      warmup: { type: 'string' },
      targets: { type: 'string' },
      variant: { type: 'string', multiple: true, default: [] },
      'log-level': { type: 'string', default: 'ERROR' },
      metrics: { type: 'string', default: 'on' },
      bundles: { type: 'string', default: 'build' },
      baseline: { type: 'string', default: DEFAULT_BASELINE },
      'no-profile': { type: 'boolean', default: false },
      out: { type: 'string', default: join(benchDir, 'out') },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const int = (value, fallback, name, min = 1) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}`);
    return n;
  };
  const runs = int(args.runs, args.quick ? 3 : 11, 'runs');
  const iterations = int(args.iterations, args.quick ? 200 : 1000, 'iterations');
  const warmup = int(args.warmup, 20, 'warmup', 0);
  const targetIds = args.targets && args.targets !== 'all' ? args.targets.split(',').map((t) => t.trim()) : ['reference', ...PROVIDERS];
  for (const id of targetIds) if (id !== 'reference' && !PROVIDERS.includes(id)) throw new UsageError(`unknown target ${id}`);
  if (!['build', 'fallback', 'dist-lambda'].includes(args.bundles))
    throw new UsageError('--bundles must be build, fallback or dist-lambda');
  if (!['on', 'off'].includes(args.metrics)) throw new UsageError('--metrics must be on or off');
  const outDir = resolve(args.out);
  const began = performance.now();
  mkdirSync(outDir, { recursive: true });
  const log = (message) => process.stderr.write(`[bench ${((performance.now() - began) / 1000).toFixed(0).padStart(3)}s] ${message}\n`);

  // 1. Build: the testkit harness for this process, and our Lambda bundles.
  log('building the harness and the Lambda bundles');
  const providerIds = targetIds.filter((id) => id !== 'reference');
  const [harnessFile, bundles] = await Promise.all([
    buildHarness(join(outDir, 'harness.mjs')),
    buildBundles(providerIds, { from: args.bundles, outDir: join(outDir, 'lambda'), repoRoot, log }),
  ]);
  const before =
    args.baseline === 'none' || providerIds.length === 0
      ? undefined
      : await buildBaselineBundles(args.baseline, providerIds, { outDir: join(outDir, 'lambda-baseline'), log });
  // The AWS SDK v3 warns on Node < 22 (Lambda runs 22): once here, and not in the children.
  process.removeAllListeners('warning');
  const kit = await import(pathToFileURL(harnessFile).href);

  // 2. The loopback KMS and provider emulators, in this process for the whole run.
  const kms = await kit.startLoopbackKms({ region });
  const [keyArn] = kms.keyArns;
  const emulators = {
    twilio: await kit.startTwilioEmulator(),
    vonage: await kit.startVonageEmulator(),
    sns: await kit.startSnsEmulator({ region, credentials: awsCredentials }),
    'end-user-messaging': await kit.startEndUserMessagingEmulator({ region, credentials: awsCredentials }),
  };

  // 3. Events: a distinct Cognito-encrypted code for every invocation of a process (no cache
  // can help), shared between handlers so each sees the same inputs.
  const perWarmProcess = Math.max(1 + warmup + iterations, 1 + PROFILE_WARMUP + PROFILE_WARM);
  const eventCount = Math.max(runs, perWarmProcess);
  log(`encrypting ${eventCount} codes like Cognito (suite 0x0378, loopback KMS)`);
  const { events, codes } = await makeEvents(kit, kms, keyArn, eventCount);
  const eventsDir = join(outDir, 'events');
  rmSync(eventsDir, { recursive: true, force: true });
  mkdirSync(eventsDir, { recursive: true });
  const coldEventFiles = events.slice(0, runs).map((event, i) => {
    const file = join(eventsDir, `cold-${i}.json`);
    writeFileSync(file, JSON.stringify([event]));
    return file;
  });
  const warmEventsFile = join(eventsDir, 'warm.json');
  writeFileSync(warmEventsFile, JSON.stringify(events.slice(0, perWarmProcess)));

  // 4. What each handler is and the environment its container gets.
  const baseEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: awsCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: awsCredentials.secretAccessKey,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: 'cognito-sms-bench',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_ENDPOINT_URL_KMS: kms.endpoint,
    // Lambda's nodejs22.x gets no Node-version warning from the AWS SDK; on Node 20 its clients
    // would emit one (an Error with a stack, printed to stderr) at construction.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const twilioEnv = {
    TWILIO_ACCOUNT_SID: emulators.twilio.accountSid,
    TWILIO_AUTH_TOKEN: emulators.twilio.authToken,
    TWILIO_FROM: '+15005550006',
    TWILIO_BASE_URL: emulators.twilio.baseUrl,
  };
  const providerEnv = {
    twilio: twilioEnv,
    vonage: {
      VONAGE_API_KEY: emulators.vonage.apiKey,
      VONAGE_API_SECRET: emulators.vonage.apiSecret,
      VONAGE_FROM: 'AcmeAuth',
      VONAGE_BASE_URL: emulators.vonage.baseUrl,
    },
    sns: { AWS_ENDPOINT_URL_SNS: emulators.sns.baseUrl },
    'end-user-messaging': { AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: emulators['end-user-messaging'].baseUrl },
    console: { CONSOLE_ALLOW_IN_LAMBDA: 'true' },
  };
  const variants = args.variant.map((spec) => {
    const [label, provider, ...rest] = spec.split(':');
    const dir = resolve(rest.join(':'));
    if (!label || !PROVIDERS.includes(provider) || !existsSync(join(dir, 'index.mjs'))) {
      throw new UsageError(`--variant ${spec}: expected <label>:<provider>:<dir with index.mjs>`);
    }
    return { id: label, provider, bundle: describeBundleDir(dir) };
  });
  const ourTarget = ({ id, provider, bundle }) => ({
    id,
    label: `ours: ${id}`,
    provider,
    entry: bundle.entry,
    format: 'esm',
    bundle,
    env: {
      ...baseEnv,
      ...providerEnv[provider],
      KMS_KEY_ARN: keyArn,
      SMS_PROVIDER: provider,
      POWERTOOLS_LOG_LEVEL: args['log-level'],
      // 1,000 warm sends go to one number: the guard's per-number limit (on by default, in
      // memory) would refuse all but 10. Its cost is measured on its own by guard.mjs.
      SMS_GUARD: 'off',
      ...(args.metrics === 'off' ? { POWERTOOLS_METRICS_DISABLED: 'true' } : {}),
    },
  });
  const targets = targetIds.map((id) => {
    if (id === 'reference') {
      return {
        id,
        label: 'reference (docs + twilio)',
        provider: 'twilio',
        entry: join(benchDir, 'reference', 'index.cjs'),
        format: 'cjs',
        // The documented code reads KEY_ALIAS (generator) and KEY_ID; decrypting needs only KEY_ID.
        env: { ...baseEnv, ...twilioEnv, KEY_ID: keyArn, KEY_ALIAS: 'alias/cognito-sms-bench' },
      };
    }
    return ourTarget({ id, provider: id, bundle: bundles[id] });
  });
  // Each baseline bundle in the column before today's bundle of the same provider.
  if (before) {
    for (const id of providerIds) {
      const at = targets.findIndex((t) => t.id === id);
      targets.splice(at, 0, ourTarget({ id: `${id}@${before.commit}`, provider: id, bundle: before[id] }));
    }
  }
  targets.push(...variants.map(ourTarget));
  const baseline = {
    id: 'empty',
    label: 'empty module',
    provider: 'console',
    entry: join(benchDir, 'lib', 'empty.mjs'),
    format: 'esm',
    env: baseEnv,
  };

  const samples = Object.fromEntries(
    [...targets, baseline].map((t) => [t.id, { cold: [], kmsDecrypts: 0, stdoutBytes: 0, invocations: 0 }]),
  );
  /**
   * Runs `action` (which makes `target`'s container invoke its handler `invocations` times) and
   * returns what the loopback servers saw meanwhile. Children run one at a time, so every
   * Decrypt, connection and request in that window is theirs.
   */
  const observe = async (target, action) => {
    const emulator = emulators[target.provider];
    const before = { calls: kms.calls.length, kmsConnections: kms.connections(), providerConnections: emulator?.connections() ?? 0 };
    const value = await action();
    const calls = kms.calls.slice(before.calls);
    const seen = {
      kmsDecrypts: calls.filter((c) => c.operation === 'Decrypt' && c.status === 200).length,
      kmsFailures: calls.filter((c) => c.status !== 200).length,
      kmsConnections: kms.connections() - before.kmsConnections,
      providerConnections: (emulator?.connections() ?? 0) - before.providerConnections,
      providerRequests: emulator?.requests.length ?? 0,
      // Every request must carry one of the codes the events encrypt: a handler that sent
      // without decrypting would otherwise be measured as fast.
      requestsWithoutCode: (emulator?.requests ?? []).filter((r) => !codes.has(sixDigits(r.body))).length,
    };
    emulator?.reset(); // the recorded requests would otherwise pile up in this process
    if (seen.kmsFailures > 0) throw new Error(`${target.label}: KMS answered ${seen.kmsFailures} calls with an error`);
    if (seen.requestsWithoutCode > 0)
      throw new Error(`${target.label}: ${seen.requestsWithoutCode} requests to the ${target.provider} emulator carried no decrypted code`);
    return { value, seen };
  };
  const account = (target, invocations, seen, stdoutBytes = 0, failures = 0) => {
    // One request per successful invocation; a failed one may or may not have reached it.
    const requests = seen.providerRequests;
    if (target.id !== 'empty' && emulators[target.provider] && (requests < invocations - failures || requests > invocations)) {
      throw new Error(
        `${target.label}: ${invocations} invocations (${failures} failed) but ${requests} requests reached the ${target.provider} emulator`,
      );
    }
    const s = samples[target.id];
    s.kmsDecrypts += seen.kmsDecrypts;
    s.invocations += invocations;
    s.stdoutBytes += stdoutBytes;
  };
  const runChild = async (target, mode, extra = {}) => {
    const { value, seen } = await observe(target, async () => {
      const child = startChild(target, { mode, ...extra });
      const result = await child.next();
      await child.exited;
      return { ...result, stdoutBytes: child.stdoutBytes() };
    });
    account(target, value.invocations, seen, value.stdoutBytes);
    return { ...value, ...seen };
  };

  // 5. Cold starts: `runs` rounds, each starting every handler once in a rotating order, so a
  // burst of load on this machine lands on all of them alike.
  const all = [baseline, ...targets];
  log(`cold starts: ${runs} rounds × ${all.length} handlers`);
  for (let round = 0; round < runs; round++) {
    const order = all.map((_, i) => all[(i + round) % all.length]);
    for (const target of order) {
      const stats = await runChild(target, 'cold', { eventsFile: coldEventFiles[round] });
      samples[target.id].cold.push({
        ...stats.cold,
        kmsDecrypts: stats.kmsDecrypts,
        providerConnections: stats.providerConnections,
        kmsConnections: stats.kmsConnections,
      });
    }
  }

  // 6. Warm: one container per handler, all alive at once but only one invoking at a time. Each
  // takes its first invocation and `warmup` more, then they take turns running batches of
  // measured invocations (rotating order), so load from elsewhere on the machine is shared.
  // Small turns keep each container's idle gap short (about a second here): Node's HTTP servers,
  // the loopback KMS and emulators included, close a keep-alive connection idle for 5 s.
  // Turns shrink (to 1) when a full rotation takes longer than TURN_CYCLE_MS.
  let batch = Math.min(10, iterations);
  log(`warm: ${targets.length} containers, ${warmup} unmeasured + ${iterations} measured invocations each, in turns of ${batch} or fewer`);
  const warm = {};
  const containers = [];
  for (const target of targets) {
    const child = startChild(target, { mode: 'warm', eventsFile: warmEventsFile, warmup });
    const { seen } = await observe(target, () => child.next());
    account(target, 1 + warmup, seen);
    warm[target.id] = {
      latenciesMs: [],
      errors: [],
      cpuMs: 0,
      // Connections while the container invoked back to back (first + warmup): the target's figure.
      providerConnectionsBackToBack: seen.providerConnections,
      providerConnections: seen.providerConnections,
      kmsConnections: seen.kmsConnections,
      kmsDecrypts: seen.kmsDecrypts,
      invocations: 1 + warmup,
      maxIdleMs: 0,
      longIdleGaps: 0,
      lastActive: performance.now(),
    };
    containers.push({ target, child });
  }
  for (let done = 0, turn = 0; done < iterations; turn++) {
    const n = Math.min(batch, iterations - done);
    const cycleStarted = performance.now();
    for (let i = 0; i < containers.length; i++) {
      const { target, child } = containers[(i + turn) % containers.length];
      const w = warm[target.id];
      const idleMs = performance.now() - w.lastActive;
      w.maxIdleMs = Math.max(w.maxIdleMs, idleMs);
      if (idleMs > IDLE_RECONNECT_MS) w.longIdleGaps += 1;
      const { value, seen } = await observe(target, async () => {
        child.send({ run: n });
        return child.next();
      });
      account(target, n, seen, 0, value.errors.length);
      w.lastActive = performance.now();
      w.latenciesMs.push(...value.latenciesMs);
      w.cpuMs += value.cpuMs;
      w.errors.push(...value.errors);
      w.providerConnections += seen.providerConnections;
      w.kmsConnections += seen.kmsConnections;
      w.kmsDecrypts += seen.kmsDecrypts;
      w.invocations += n;
    }
    done += n;
    if (performance.now() - cycleStarted > TURN_CYCLE_MS && batch > 1) batch = Math.max(1, Math.floor(batch / 2));
  }
  for (const { target, child } of containers) {
    child.send({ end: true });
    const result = await child.next();
    await child.exited;
    Object.assign(warm[target.id], result.warm);
    samples[target.id].stdoutBytes += child.stdoutBytes();
  }

  // 7. What is loaded (bytes), and where init time goes (CPU profile by package).
  log(`inventory of loaded files${args['no-profile'] ? '' : ' and CPU profiles'}`);
  const loaded = {};
  const profiles = {};
  const profileDir = join(outDir, 'profiles');
  mkdirSync(profileDir, { recursive: true });
  for (const target of targets) {
    const inventoryFile = join(outDir, `inventory-${target.id}.txt`);
    rmSync(inventoryFile, { force: true });
    const result = await runChild(target, 'inventory', { eventsFile: coldEventFiles[0], inventoryFile });
    const esm = existsSync(inventoryFile)
      ? readFileSync(inventoryFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((u) => fileURLToPath(u))
      : [];
    const files = [...new Set([...esm, ...result.requiredFiles])].filter((f) => !f.startsWith(join(benchDir, 'lib')));
    loaded[target.id] = summarizeLoaded(files, repoRoot);
    if (!args['no-profile']) {
      const prefix = join(profileDir, target.id);
      await runChild(target, 'profile', {
        eventsFile: warmEventsFile,
        profilePrefix: prefix,
        warmup: PROFILE_WARMUP,
        iterations: PROFILE_WARM,
      });
      profiles[target.id] = {
        init: analyzeProfile(`${prefix}.init.cpuprofile`, repoRoot),
        first: analyzeProfile(`${prefix}.first.cpuprofile`, repoRoot),
        warm: { invocations: PROFILE_WARM, ...analyzeProfile(`${prefix}.warm.cpuprofile`, repoRoot) },
      };
    }
  }
  await Promise.all([kms.close(), ...Object.values(emulators).map((e) => e.close())]);

  // 8. Figures, ratios, targets.
  const reference = targets.find((t) => t.id === 'reference');
  const referenceClosure = reference ? closureOf(benchDir, ['aws-sdk', 'base64-js', '@aws-crypto/client-node', 'twilio']) : undefined;
  const figures = {};
  for (const target of [...targets, baseline]) {
    const s = samples[target.id];
    const w = warm[target.id];
    const cold = s.cold;
    const kmsTotal = s.kmsDecrypts;
    const invTotal = s.invocations;
    figures[target.id] = {
      label: target.label,
      provider: target.provider,
      size:
        target.id === 'empty'
          ? undefined
          : target.id === 'reference'
            ? {
                deployBytes: referenceClosure.bytes,
                deployFiles: referenceClosure.files,
                deployPackages: referenceClosure.packages,
                zipBytes: null,
                loadedBytes: loaded[target.id].bytes,
                loadedFiles: loaded[target.id].files,
                loadedByPackage: loaded[target.id].byPackage.slice(0, 25),
              }
            : {
                deployBytes: target.bundle.jsBytes,
                deployFiles: target.bundle.jsFiles,
                zipBytes: target.bundle.zipBytes,
                loadedBytes: loaded[target.id].bytes,
                loadedFiles: loaded[target.id].files,
              },
      initMs: summary(cold.map((c) => c.initMs)),
      initCpuMs: summary(cold.map((c) => c.initCpuMs)),
      firstInvocationMs: summary(cold.map((c) => c.firstInvocationMs)),
      firstInvocationCpuMs: summary(cold.map((c) => c.firstInvocationCpuMs)),
      processToFirstResponseMs: summary(cold.map((c) => c.processToFirstResponseMs)),
      nodeBootMs: summary(cold.map((c) => c.bootMs)),
      peakRssBytes: summary(cold.map((c) => c.maxRssBytes)),
      warm: w
        ? {
            invocations: w.latenciesMs.length,
            p50Ms: percentile(w.latenciesMs, 50),
            p90Ms: percentile(w.latenciesMs, 90),
            p99Ms: percentile(w.latenciesMs, 99),
            meanMs: w.latenciesMs.reduce((a, b) => a + b, 0) / w.latenciesMs.length,
            cpuMsPerInvocation: w.cpuMs / w.latenciesMs.length,
            failedInvocations: w.errors.length,
            errors: [...new Set(w.errors)].slice(0, 5),
            rssBytes: w.rssBytes,
            maxRssBytes: w.maxRssBytes,
            heapUsedBytes: w.heapUsedBytes,
            providerConnectionsBackToBack: w.providerConnectionsBackToBack,
            providerConnections: w.providerConnections,
            kmsConnections: w.kmsConnections,
            maxIdleMs: w.maxIdleMs,
            longIdleGaps: w.longIdleGaps,
            kmsDecrypts: w.kmsDecrypts,
            containerInvocations: w.invocations,
          }
        : undefined,
      kmsDecryptsPerInvocation: invTotal ? kmsTotal / invTotal : 0,
      coldKmsDecrypts: [...new Set(cold.map((c) => c.kmsDecrypts))],
      coldProviderConnections: [...new Set(cold.map((c) => c.providerConnections))],
      stdoutBytesPerInvocation: invTotal ? s.stdoutBytes / invTotal : 0,
      samples: {
        initMs: cold.map((c) => round1(c.initMs)),
        initCpuMs: cold.map((c) => round1(c.initCpuMs)),
        processToFirstResponseMs: cold.map((c) => round1(c.processToFirstResponseMs)),
      },
    };
    if (target.bundle) figures[target.id].bytesByPackage = bytesByPackage(target.bundle, loaded[target.id].paths, repoRoot);
    if (profiles[target.id]) figures[target.id].profile = profiles[target.id];
  }
  const ref = figures.reference;
  const ratio = (a, b) => (a === undefined || b === undefined || b === 0 || a === null || b === null ? null : a / b);
  const ratios = {};
  const checks = [];
  for (const target of targets.filter((t) => t.id !== 'reference')) {
    const f = figures[target.id];
    if (ref) {
      ratios[target.id] = {
        deployBytes: ratio(f.size.deployBytes, ref.size.deployBytes),
        loadedBytes: ratio(f.size.loadedBytes, ref.size.loadedBytes),
        initMs: ratio(f.initMs.median, ref.initMs.median),
        initCpuMs: ratio(f.initCpuMs.median, ref.initCpuMs.median),
        firstInvocationMs: ratio(f.firstInvocationMs.median, ref.firstInvocationMs.median),
        firstInvocationCpuMs: ratio(f.firstInvocationCpuMs.median, ref.firstInvocationCpuMs.median),
        processToFirstResponseMs: ratio(f.processToFirstResponseMs.median, ref.processToFirstResponseMs.median),
        peakRssBytes: ratio(f.peakRssBytes.median, ref.peakRssBytes.median),
        warmRssBytes: ratio(f.warm.rssBytes, ref.warm.rssBytes),
        warmP50Ms: ratio(f.warm.p50Ms, ref.warm.p50Ms),
        warmP99Ms: ratio(f.warm.p99Ms, ref.warm.p99Ms),
        warmCpuMsPerInvocation: ratio(f.warm.cpuMsPerInvocation, ref.warm.cpuMsPerInvocation),
        kmsDecryptsPerInvocation: ratio(f.kmsDecryptsPerInvocation, ref.kmsDecryptsPerInvocation),
        providerConnections: ratio(f.warm.providerConnectionsBackToBack, ref.warm.providerConnectionsBackToBack),
      };
      const r = ratios[target.id];
      checks.push(
        check(
          target.id,
          'cold start (import+init) ÷ reference',
          `≤ ${INIT_TARGET}×`,
          r.initMs,
          r.initMs !== null && r.initMs <= INIT_TARGET,
        ),
      );
      checks.push(
        check(
          target.id,
          'peak RSS ÷ reference',
          `≤ ${PEAK_RSS_TARGET}×`,
          r.peakRssBytes,
          r.peakRssBytes !== null && r.peakRssBytes <= PEAK_RSS_TARGET,
        ),
      );
      checks.push(
        check(
          target.id,
          'warm p50 ÷ reference',
          `≤ ${WARM_P50_TARGET}×`,
          r.warmP50Ms,
          r.warmP50Ms !== null && r.warmP50Ms <= WARM_P50_TARGET,
        ),
      );
    }
    checks.push(check(target.id, 'KMS Decrypt calls per invocation', '= 1', f.kmsDecryptsPerInvocation, f.kmsDecryptsPerInvocation === 1));
    if (f.warm.failedInvocations > 0)
      checks.push(check(target.id, 'failed warm invocations (not an issue target)', '= 0', f.warm.failedInvocations, false));
    if (target.provider !== 'console') {
      checks.push(
        check(
          target.id,
          'provider connections per warm container',
          '= 1',
          f.warm.providerConnectionsBackToBack,
          f.warm.providerConnectionsBackToBack === 1,
        ),
      );
    }
  }

  const machine = {
    node: process.version,
    cpu: cpuModel(),
    cores: cpus().length,
    memoryBytes: totalmem(),
    loadAverageAtStart: startLoad,
    loadAverageAtEnd: loadavg(),
  };
  const settings = {
    runs,
    iterations,
    warmup,
    logLevel: args['log-level'],
    metrics: args.metrics,
    bundles: args.bundles,
    bundleBuilder: bundles.builder,
    baseline: before?.commit ?? null,
  };
  const output = {
    finished: new Date().toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine,
    settings,
    durationSeconds: (performance.now() - began) / 1000,
    figures,
    ratios,
    checks,
  };
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(output, null, 2)}\n`);
  console.log(
    report(
      output,
      targets.map((t) => t.id),
    ),
  );
  log(`done; wrote ${relative(process.cwd(), join(outDir, 'results.json'))}`);
  return 0;
}

const startLoad = loadavg();
/** Containers still running: ended if the bench fails, so that it exits. */
const liveChildren = new Set();

/**
 * Starts one container (lib/child.mjs). `next()` resolves with its next JSON message (fd 3),
 * `send()` writes a command line to its stdin, `exited` settles when it ends.
 */
function startChild(target, options) {
  const spec = {
    entry: target.entry,
    format: target.format,
    mode: options.mode,
    eventsFile: options.eventsFile,
    warmup: options.warmup ?? 0,
    iterations: options.iterations ?? 0,
    profilePrefix: options.profilePrefix,
  };
  const execArgv = options.mode === 'inventory' ? ['--import', pathToFileURL(inventoryRegister).href] : [];
  const env = { ...target.env, ...(options.inventoryFile ? { BENCH_INVENTORY_FILE: options.inventoryFile } : {}) };
  const child = spawn(process.execPath, [...execArgv, childScript, JSON.stringify(spec)], {
    cwd: dirname(target.entry),
    env,
    stdio: [options.mode === 'warm' ? 'pipe' : 'ignore', 'pipe', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  child.on('close', () => liveChildren.delete(child));
  let stdoutBytes = 0;
  let stderr = '';
  let buffered = '';
  const messages = [];
  const waiting = [];
  let failure;
  const fail = (error) => {
    failure = error;
    for (const w of waiting.splice(0)) w.reject(error);
  };
  child.stdout.on('data', (chunk) => {
    stdoutBytes += chunk.length;
  });
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
  });
  child.stdio[3].on('data', (chunk) => {
    buffered += chunk.toString();
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const message = JSON.parse(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      const w = waiting.shift();
      if (w) w.resolve(message);
      else messages.push(message);
      newline = buffered.indexOf('\n');
    }
  });
  const exited = new Promise((resolveExit) => {
    child.on('error', (error) => {
      fail(error);
      resolveExit();
    });
    child.on('close', (code) => {
      if (code !== 0) fail(new Error(`${target.label} (${options.mode}) exited with ${code}:\n${stderr}`));
      else fail(new Error(`${target.label} (${options.mode}) ended without answering`));
      resolveExit();
    });
  });
  return {
    next: () =>
      messages.length > 0
        ? Promise.resolve(messages.shift())
        : failure
          ? Promise.reject(failure)
          : new Promise((resolveMessage, reject) => waiting.push({ resolve: resolveMessage, reject })),
    send: (command) => child.stdin.write(`${JSON.stringify(command)}\n`),
    exited,
    stdoutBytes: () => stdoutBytes,
  };
}

/** The first stand-alone six-digit number in a request body (form-encoded or JSON). */
function sixDigits(body) {
  let text = body;
  try {
    text = decodeURIComponent(body.replace(/\+/g, ' '));
  } catch {}
  return /(?<!\d)\d{6}(?!\d)/.exec(text)?.[0];
}

async function makeEvents(kit, kms, keyArn, count) {
  const userPoolId = 'eu-west-1_BenchPool1';
  const events = new Array(count);
  const codes = new Set();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const code = String(100000 + ((i * 7919) % 900000));
      codes.add(code);
      const ciphertext = await kit.encryptLikeCognito({ plaintext: code, keyArn, userPoolId, kms: { endpoint: kms.endpoint, region } });
      events[i] = kit.cognitoEvent('CustomSMSSender_SignUp', { code: ciphertext, userPoolId, phoneNumber: '+447700900123' });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { events, codes };
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: percentile(sorted, 50),
    min: sorted[0],
    max: sorted.at(-1),
    p25: percentile(sorted, 25),
    p75: percentile(sorted, 75),
    n: sorted.length,
  };
}

/** Percentile by linear interpolation between closest ranks. */
function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

const round1 = (n) => Math.round(n * 10) / 10;

function check(target, figure, requirement, value, holds) {
  return { target, figure, requirement, value, holds };
}

function cpuModel() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line ? line.split(':')[1].trim() : cpus()[0]?.model;
  } catch {
    return cpus()[0]?.model;
  }
}

// ---------------------------------------------------------------------------------------------
// The printed report

function report(output, ids) {
  const { figures, ratios, checks, machine, settings } = output;
  const kib = (b) =>
    b === null || b === undefined ? 'n/a' : b >= 10 * 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(1)} MiB` : `${(b / 1024).toFixed(0)} KiB`;
  const mib = (b) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
  const ms = (v) => (v === undefined ? 'n/a' : `${v.toFixed(v < 10 ? 2 : 1)} ms`);
  const x = (r) => (r === null || r === undefined ? '' : ` (${r.toFixed(2)}×)`);
  const rows = [
    ['figure', ...ids.map((id) => (id === 'reference' ? 'reference' : id))],
    ['deployed code', ...ids.map((id) => `${kib(figures[id].size.deployBytes)}${x(ratios[id]?.deployBytes)}`)],
    ['  files', ...ids.map((id) => String(figures[id].size.deployFiles))],
    ['  zip', ...ids.map((id) => kib(figures[id].size.zipBytes))],
    ['JS loaded by a cold start', ...ids.map((id) => `${kib(figures[id].size.loadedBytes)}${x(ratios[id]?.loadedBytes)}`)],
    ['  files', ...ids.map((id) => String(figures[id].size.loadedFiles))],
    [`init (import), median of ${settings.runs}`, ...ids.map((id) => `${ms(figures[id].initMs.median)}${x(ratios[id]?.initMs)}`)],
    ['  p25–p75', ...ids.map((id) => `${figures[id].initMs.p25.toFixed(0)}–${figures[id].initMs.p75.toFixed(0)}`)],
    ['  CPU time (all threads)', ...ids.map((id) => `${ms(figures[id].initCpuMs.median)}${x(ratios[id]?.initCpuMs)}`)],
    ['first invocation', ...ids.map((id) => `${ms(figures[id].firstInvocationMs.median)}${x(ratios[id]?.firstInvocationMs)}`)],
    [
      '  CPU time (all threads)',
      ...ids.map((id) => `${ms(figures[id].firstInvocationCpuMs.median)}${x(ratios[id]?.firstInvocationCpuMs)}`),
    ],
    [
      'process start → 1st response',
      ...ids.map((id) => `${ms(figures[id].processToFirstResponseMs.median)}${x(ratios[id]?.processToFirstResponseMs)}`),
    ],
    ['peak RSS (cold process)', ...ids.map((id) => `${mib(figures[id].peakRssBytes.median)}${x(ratios[id]?.peakRssBytes)}`)],
    [
      `RSS after ${settings.iterations + settings.warmup + 1} invocations`,
      ...ids.map((id) => `${mib(figures[id].warm.rssBytes)}${x(ratios[id]?.warmRssBytes)}`),
    ],
    [`warm p50 (n=${settings.iterations})`, ...ids.map((id) => `${ms(figures[id].warm.p50Ms)}${x(ratios[id]?.warmP50Ms)}`)],
    ['warm p99', ...ids.map((id) => `${ms(figures[id].warm.p99Ms)}${x(ratios[id]?.warmP99Ms)}`)],
    [
      'warm CPU / invocation (container)',
      ...ids.map((id) => `${ms(figures[id].warm.cpuMsPerInvocation)}${x(ratios[id]?.warmCpuMsPerInvocation)}`),
    ],
    ['failed warm invocations', ...ids.map((id) => String(figures[id].warm.failedInvocations))],
    [
      'KMS Decrypt per invocation',
      ...ids.map((id) => `${figures[id].kmsDecryptsPerInvocation.toFixed(3)}${x(ratios[id]?.kmsDecryptsPerInvocation)}`),
    ],
    [
      `provider conns / container, ${settings.warmup + 1} back to back`,
      ...ids.map((id) =>
        figures[id].provider === 'console' ? '–' : `${figures[id].warm.providerConnectionsBackToBack}${x(ratios[id]?.providerConnections)}`,
      ),
    ],
    [
      `  whole life (pauses > ${IDLE_RECONNECT_MS / 1000} s)`,
      ...ids.map((id) =>
        figures[id].provider === 'console' ? '–' : `${figures[id].warm.providerConnections} (${figures[id].warm.longIdleGaps})`,
      ),
    ],
    [`KMS conns / container, whole life`, ...ids.map((id) => String(figures[id].warm.kmsConnections))],
    ['stdout bytes / invocation', ...ids.map((id) => figures[id].stdoutBytesPerInvocation.toFixed(0))],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  const out = [];
  out.push(
    `cognito-sms bench: ${machine.node}, ${machine.cpu}, ${machine.cores} cores, load ${machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')} at start`,
  );
  out.push(
    `our handler: POWERTOOLS_LOG_LEVEL=${settings.logLevel}, metrics ${settings.metrics}; bundles: ${settings.bundleBuilder}${settings.baseline ? `; <provider>@${settings.baseline}: the same bundle built from commit ${settings.baseline}` : ''}. Ratios are ours ÷ reference, same run.`,
  );
  const empty = figures.empty;
  out.push(
    `node baseline (empty handler): init ${ms(empty.initMs.median)}, process start → 1st response ${ms(empty.processToFirstResponseMs.median)}, peak RSS ${mib(empty.peakRssBytes.median)}`,
  );
  out.push('');
  out.push(line(rows[0]));
  out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) out.push(line(r));
  out.push('');
  out.push('Targets:');
  for (const c of checks) {
    const value = typeof c.value === 'number' ? (Number.isInteger(c.value) ? String(c.value) : c.value.toFixed(3)) : String(c.value);
    out.push(`  ${c.holds ? '✔' : '✘'} ${c.target.padEnd(18)} ${c.figure.padEnd(40)} ${c.requirement.padEnd(6)} ${value}`);
  }
  const profiled = ids.filter((id) => figures[id].profile);
  if (profiled.length > 0) {
    out.push('');
    out.push('CPU profiles (one process each; time by the innermost package on the stack, top 6; bench/out/profiles/):');
    for (const [phase, title] of [
      ['init', 'init'],
      ['first', 'first invocation'],
      ['warm', `${PROFILE_WARM} warm invocations`],
    ]) {
      out.push(`  ${title}:`);
      for (const id of profiled) {
        const p = figures[id].profile[phase];
        out.push(
          `    ${id}: ${p.totalMs.toFixed(0)} ms; ${p.byPackage
            .slice(0, 6)
            .map((e) => `${e.package} ${e.ms.toFixed(0)}`)
            .join(', ')}`,
        );
      }
    }
  }
  return out.join('\n');
}

class UsageError extends Error {}

const code = await main().catch((error) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return 1;
});
// On failure the loopback servers and the other containers are still up: end them all.
for (const child of liveChildren) child.kill();
process.exit(code);
