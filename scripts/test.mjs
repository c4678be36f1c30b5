#!/usr/bin/env node
// `npm test`: build, typecheck, every test and the consumer check (scripts/consumer-check.mjs).
// The typecheck (tests and sources, one `tsc --noEmit`) needs no build output, so it runs
// alongside the build and then the tests; the consumer check only packs and installs what the
// build wrote (no test writes to a package's dist/), so it runs alongside the tests. On two
// cores the single-threaded compilers, the consumer check's npm install and the test workers
// overlap. Exits non-zero when any step fails. Arguments go to `vitest run`.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function start(label, args, { capture = false } = {}) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const started = performance.now();
  return new Promise((resolve) =>
    child.on('exit', (code, signal) =>
      resolve({ label, status: code ?? (signal ? 1 : 0), output, seconds: (performance.now() - started) / 1000 }),
    ),
  );
}

// The outputs of the steps that run alongside vitest are printed after it, so they do not cut
// vitest's output.
const typecheck = start('typecheck', [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit'], {
  capture: true,
});
const build = await start('build', [join(root, 'scripts', 'build.mjs')]);
const results = [build];
const alongside = [typecheck];
if (build.status === 0) {
  alongside.push(start('consumer-check', [join(root, 'scripts', 'consumer-check.mjs')], { capture: true }));
  results.push(await start('vitest', [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...process.argv.slice(2)]));
}
for (const step of alongside) {
  const done = await step;
  results.push(done);
  if (done.output) process.stdout.write(done.output);
}
for (const { label, status, seconds } of results) console.log(`${status === 0 ? '✓' : '✗'} ${label} (${seconds.toFixed(0)} s)`);
process.exit(results.every((r) => r.status === 0) ? 0 : 1);
