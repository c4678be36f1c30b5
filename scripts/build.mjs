#!/usr/bin/env node
// Builds every workspace package in one TypeScript process: `tsc -b` over each package's
// tsconfig.build.json in dependency order, so the compiler, lib and @types files load once
// instead of once per package (`pnpm -r build` started 17 compilers: ~2× the CPU time).
// A package's build steps other than its `tsc -p tsconfig.build.json` (the handler's esbuild
// bundle) run first, in the package's directory. `pnpm --filter <pkg> build` still builds one.
//
//   node scripts/build.mjs                      every package
//   node scripts/build.mjs @cognito-sms/demo    that package and the workspace packages it needs
//                                               (what `npm run demo` builds; tsc -b skips the
//                                               ones that are up to date)
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, workspaceDirs } from './publishing.mjs';

const TSC_STEP = 'tsc -p tsconfig.build.json';

/** Workspace packages by name: directory and manifest. */
function workspacePackages() {
  const found = new Map();
  for (const dir of workspaceDirs()) {
    const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    found.set(manifest.name, { dir, manifest });
  }
  return found;
}

/**
 * Packages with a tsconfig.build.json, each after the workspace packages it depends on: all of
 * them, or only `wanted` and what they depend on.
 */
function inDependencyOrder(packages, wanted = [...packages.keys()]) {
  const order = [];
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    const { dir, manifest } = packages.get(name);
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })) if (packages.has(dep)) visit(dep);
    if (existsSync(join(root, dir, 'tsconfig.build.json'))) order.push({ name, dir, manifest });
  };
  for (const name of [...wanted].sort()) visit(name);
  return order;
}

const run = (command, args, cwd) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit', shell: typeof args === 'undefined' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

const packages = workspacePackages();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !packages.has(name));
if (unknown.length > 0) {
  console.error(`build: no workspace package ${unknown.join(', ')}; known: ${[...packages.keys()].sort().join(', ')}`);
  process.exit(2);
}
const order = inDependencyOrder(packages, wanted.length > 0 ? wanted : undefined);
// Steps such as `node build.mjs` in `node build.mjs && tsc -p tsconfig.build.json`.
const preSteps = order.flatMap(({ dir, manifest }) =>
  (manifest.scripts?.build ?? '')
    .split('&&')
    .map((step) => step.trim())
    .filter((step) => step && step !== TSC_STEP)
    .map((step) => ({ dir, step })),
);
const statuses = await Promise.all(preSteps.map(({ dir, step }) => run(step, undefined, join(root, dir))));
if (statuses.some((status) => status !== 0)) process.exit(1);
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
process.exit(await run(process.execPath, [tsc, '-b', ...order.map(({ dir }) => join(dir, 'tsconfig.build.json'))], root));
