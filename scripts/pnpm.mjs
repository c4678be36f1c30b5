#!/usr/bin/env node
// Runs the pinned pnpm with only Node.js and npm on the machine: installs the workspace first
// when the lockfile changed since the last install, then forwards the arguments to pnpm.
// That install is always frozen: a fresh clone gets exactly what the lockfile pins, and a
// manifest that disagrees with it fails loudly instead of rewriting it. Changing the lockfile is
// its own explicit command, `npm run deps:update` (`install --no-frozen-lockfile`), which skips
// the frozen install and records the stamp after it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const stampFile = join(root, 'node_modules', '.install-stamp');

function pnpm(args) {
  // `npm exec` fetches the exact pnpm named in packageManager once and caches it.
  const result = spawnSync('npm', ['exec', '--yes', `--package=${packageManager}`, '--', 'pnpm', ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

// The install is current while the lockfile and every workspace manifest are unchanged.
const manifests = () =>
  ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json', ...workspacePackageJsons()].map((file) => join(root, file));
const lockfileHash = () => {
  const hash = createHash('sha256');
  for (const file of manifests()) if (existsSync(file)) hash.update(file).update(readFileSync(file));
  return hash.digest('hex');
};
const args = process.argv.slice(2);
if (args[0] === 'install') {
  const status = pnpm(args);
  if (status === 0) writeFileSync(stampFile, lockfileHash());
  process.exit(status);
}
if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== lockfileHash()) {
  const status = pnpm(['install', '--frozen-lockfile']);
  if (status !== 0) process.exit(status);
  writeFileSync(stampFile, lockfileHash());
}
process.exit(pnpm(args));

function workspacePackageJsons() {
  const found = [];
  for (const parent of ['packages', 'packages/providers', 'examples']) {
    const dir = join(root, parent);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(dir, entry.name, 'package.json'))) found.push(`${parent}/${entry.name}/package.json`);
    }
  }
  for (const dir of ['bench', 'deploy/terraform']) if (existsSync(join(root, dir, 'package.json'))) found.push(`${dir}/package.json`);
  return found.sort();
}
