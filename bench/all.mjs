#!/usr/bin/env node
// npm run bench: the provider bundles against the reference handler (run.mjs, with the given
// options), then the fraud guard on and off (guard.mjs), then the receipts function's cold
// start and cost per receipt (receipts.mjs); --quick makes all three smoke runs.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2).filter((arg, index) => index > 0 || arg !== '--');
const run = (script, scriptArgs) => spawnSync(process.execPath, [join(dir, script), ...scriptArgs], { stdio: 'inherit' }).status ?? 1;
const status = run('run.mjs', args);
if (status !== 0 || args.includes('--help')) process.exit(status);
const guard = run('guard.mjs', args.includes('--quick') ? ['--runs', '3', '--iterations', '200'] : []);
if (guard !== 0) process.exit(guard);
process.exit(run('receipts.mjs', args.includes('--quick') ? ['--quick'] : []));
