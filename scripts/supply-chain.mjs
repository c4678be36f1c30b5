#!/usr/bin/env node
// Supply-chain checks, offline: the package manager and every dependency are pinned to exact
// versions, the lockfile matches every workspace manifest (a frozen install would succeed) and
// gives an integrity hash for every package, and the only installed packages with install
// scripts are the ones pnpm-workspace.yaml's `allowBuilds` reviewed (esbuild and classic-level
// approved; aws-sdk denied).
//
//   node scripts/supply-chain.mjs           # human-readable report; exit 1 when a check fails
//   node scripts/supply-chain.mjs --json    # the report as JSON (what the reliability test reads)
//   node scripts/supply-chain.mjs --audit   # also `pnpm audit` against the npm registry (network)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspaceDirs } from './publishing.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const read = (file) => readFileSync(join(root, file), 'utf8');
const EXACT = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'];
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

/** `allowBuilds:` of pnpm-workspace.yaml: package name → true (approved) / false (denied). */
function allowBuilds() {
  const result = {};
  let inside = false;
  for (const line of read('pnpm-workspace.yaml').split('\n')) {
    if (/^allowBuilds:\s*$/.test(line)) inside = true;
    else if (/^\S/.test(line)) inside = false;
    else if (inside) {
      const match = /^\s+['"]?([^'":#\s]+)['"]?:\s*(true|false)\s*(?:#.*)?$/.exec(line);
      if (match) result[match[1]] = match[2] === 'true';
    }
  }
  return result;
}

/**
 * The project's lockfile document (pnpm 11+ writes its own bootstrap document first):
 * importers with their specifiers, and the packages section's keys and resolutions.
 */
function readLockfile() {
  const documents = read('pnpm-lock.yaml')
    .split(/^---\s*$/m)
    .filter((doc) => doc.trim() !== '');
  const project =
    documents.find((doc) => /^settings:/m.test(doc) || /^importers:\s*\n\s*\n?\s+packages\//m.test(doc)) ??
    documents[documents.length - 1] ??
    '';
  const lockfileVersion = /^lockfileVersion:\s*'?([^'\n]+)'?/m.exec(project)?.[1];
  const importers = {};
  const packages = {};
  let section;
  let importer;
  let field;
  let dependency;
  let current;
  for (const line of project.split('\n')) {
    if (/^\S/.test(line)) {
      section = line.replace(/:.*$/, '');
      continue;
    }
    if (section === 'importers') {
      const importerLine = /^ {2}(?! )(\S[^:]*):\s*$/.exec(line);
      const fieldLine = /^ {4}(\w+):\s*$/.exec(line);
      const dependencyLine = /^ {6}'?([^':]+(?::[^':]+)?)'?:\s*$/.exec(line);
      const valueLine = /^ {8}(specifier|version):\s*(.+)$/.exec(line);
      if (importerLine) {
        importer = importerLine[1];
        importers[importer] = {};
      } else if (fieldLine) {
        field = fieldLine[1];
        importers[importer][field] ??= {};
      } else if (dependencyLine) {
        dependency = dependencyLine[1];
        importers[importer][field][dependency] = {};
      } else if (valueLine) {
        importers[importer][field][dependency][valueLine[1]] = valueLine[2].replace(/^'|'$/g, '');
      }
    } else if (section === 'packages') {
      const packageLine = /^ {2}(?! )'?([^']+?)'?:\s*$/.exec(line);
      const resolutionLine = /^ {4}resolution:\s*\{(.*)\}\s*$/.exec(line);
      if (packageLine) {
        current = packageLine[1];
        packages[current] = { integrity: undefined, tarball: undefined };
      } else if (current && resolutionLine) {
        packages[current].integrity = /integrity:\s*([^,}\s]+)/.exec(resolutionLine[1])?.[1];
        packages[current].tarball = /tarball:\s*([^,}\s]+)/.exec(resolutionLine[1])?.[1];
      }
    }
  }
  return { lockfileVersion, importers, packages };
}

/** `@scope/name@1.2.3` → { name: '@scope/name', version: '1.2.3' }. */
const splitKey = (key) => {
  const at = key.lastIndexOf('@');
  return { name: key.slice(0, at), version: key.slice(at + 1) };
};

/** Installed package.json files under node_modules/.pnpm, by `name@version`. */
function installedManifests() {
  const store = join(root, 'node_modules', '.pnpm');
  const found = new Map();
  if (!existsSync(store)) return found;
  for (const entry of readdirSync(store)) {
    const modules = join(store, entry, 'node_modules');
    if (!existsSync(modules)) continue;
    for (const name of readdirSync(modules)) {
      const candidates = name.startsWith('@') ? readdirSync(join(modules, name)).map((inner) => `${name}/${inner}`) : [name];
      for (const candidate of candidates) {
        // Only the package the store entry is for, not its linked dependencies.
        if (!entry.startsWith(`${candidate.replace('/', '+')}@`)) continue;
        const dir = join(modules, candidate);
        const manifest = join(dir, 'package.json');
        if (!existsSync(manifest)) continue;
        try {
          const json = JSON.parse(readFileSync(manifest, 'utf8'));
          found.set(`${json.name}@${json.version}`, { dir, json });
        } catch {
          // A broken manifest is not a package pnpm would build.
        }
      }
    }
  }
  return found;
}

export function checkSupplyChain() {
  const rootManifest = JSON.parse(read('package.json'));
  const problems = [];
  const packageManager = rootManifest.packageManager ?? null;
  if (!/^pnpm@\d+\.\d+\.\d+$/.test(packageManager ?? '')) problems.push(`packageManager is not an exact pnpm version: ${packageManager}`);

  const lockfile = readLockfile();
  // The root manifest's dependencies are pinned and locked like every package's.
  const dirs = ['.', ...workspaceDirs()];
  const unpinned = [];
  const lockfileMismatches = [];
  for (const dir of dirs) {
    const manifest = JSON.parse(read(join(dir, 'package.json')));
    for (const field of DEPENDENCY_FIELDS) {
      for (const [name, spec] of Object.entries(manifest[field] ?? {})) {
        if (!EXACT.test(spec) && spec !== 'workspace:*') unpinned.push(`${dir}: ${field}.${name} = ${spec}`);
        const locked = lockfile.importers[dir]?.[field]?.[name];
        if (!locked) lockfileMismatches.push(`${dir}: ${field}.${name} is not in pnpm-lock.yaml`);
        else if (locked.specifier !== spec)
          lockfileMismatches.push(`${dir}: ${field}.${name} is ${spec}, the lockfile has ${locked.specifier}`);
      }
    }
    for (const field of DEPENDENCY_FIELDS) {
      for (const name of Object.keys(lockfile.importers[dir]?.[field] ?? {})) {
        if (!(name in (manifest[field] ?? {})))
          lockfileMismatches.push(`${dir}: ${field}.${name} is in pnpm-lock.yaml but not in package.json`);
      }
    }
  }
  for (const importer of Object.keys(lockfile.importers)) {
    if (!dirs.includes(importer))
      lockfileMismatches.push(`pnpm-lock.yaml has an importer for ${importer}, which is not a workspace package`);
  }
  const withoutIntegrity = Object.entries(lockfile.packages)
    .filter(([, resolution]) => !resolution.integrity || !/^sha512-/.test(resolution.integrity))
    .map(([key]) => key);

  // Install scripts: explicit ones, and the implicit `node-gyp rebuild` of a package with a binding.gyp.
  const builds = allowBuilds();
  const manifests = installedManifests();
  const withInstallScripts = [];
  const notInstalled = [];
  for (const key of Object.keys(lockfile.packages)) {
    const installed = manifests.get(key);
    if (!installed) {
      notInstalled.push(key);
      continue;
    }
    const scripts = INSTALL_SCRIPTS.filter((name) => installed.json.scripts?.[name]);
    const gyp = !installed.json.scripts?.install && existsSync(join(installed.dir, 'binding.gyp')) ? ['binding.gyp'] : [];
    if (scripts.length + gyp.length > 0) {
      const { name } = splitKey(key);
      withInstallScripts.push({ package: key, name, scripts: [...scripts, ...gyp], allowBuilds: builds[name] ?? null });
    }
  }
  // Packages pnpm skipped on this platform (other OS/CPU builds) are the only ones not installed.
  let skipped = [];
  try {
    skipped = JSON.parse(readFileSync(join(root, 'node_modules', '.modules.yaml'), 'utf8')).skipped ?? [];
  } catch {
    // Without install metadata every locked package must be installed.
  }
  // The rest are dependencies of skipped packages (reported, not checked: nothing of theirs is installed).
  const unchecked = notInstalled.filter((key) => !skipped.includes(key));
  const unreviewed = withInstallScripts.filter((entry) => entry.allowBuilds === null).map((entry) => entry.package);
  const approved = Object.entries(builds)
    .filter(([, allowed]) => allowed)
    .map(([name]) => name)
    .sort();
  const denied = Object.entries(builds)
    .filter(([, allowed]) => !allowed)
    .map(([name]) => name)
    .sort();
  if (unpinned.length > 0) problems.push(`${unpinned.length} dependency specifier(s) are not exact versions`);
  if (lockfileMismatches.length > 0) problems.push(`${lockfileMismatches.length} difference(s) between the manifests and pnpm-lock.yaml`);
  if (withoutIntegrity.length > 0) problems.push(`${withoutIntegrity.length} locked package(s) without a sha512 integrity`);
  if (unreviewed.length > 0) problems.push(`install scripts not reviewed in allowBuilds: ${unreviewed.join(', ')}`);

  return {
    packageManager,
    lockfileVersion: lockfile.lockfileVersion,
    workspacePackages: dirs.length,
    lockedPackages: Object.keys(lockfile.packages).length,
    installedLockedPackages: Object.keys(lockfile.packages).length - notInstalled.length,
    skippedForPlatform: notInstalled.length - unchecked.length,
    unchecked,
    unpinned,
    lockfileMismatches,
    withoutIntegrity,
    allowBuilds: { approved, denied },
    withInstallScripts,
    unreviewed,
    problems,
  };
}

/** `pnpm audit --json` through the pinned pnpm (as scripts/pnpm.mjs runs it): advisories by severity. */
function audit(packageManager) {
  const result = spawnSync('npm', ['exec', '--yes', `--package=${packageManager}`, '--', 'pnpm', 'audit', '--json'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
    maxBuffer: 64 * 1024 * 1024,
  });
  try {
    const report = JSON.parse(result.stdout);
    const advisories = Object.values(report.advisories ?? {}).map((a) => ({
      module: a.module_name,
      severity: a.severity,
      title: a.title,
      vulnerable: a.vulnerable_versions,
      patched: a.patched_versions,
      paths: (a.findings ?? []).flatMap((f) => f.paths ?? []).slice(0, 5),
    }));
    return {
      ok: true,
      exitCode: result.status,
      vulnerabilities: report.metadata?.vulnerabilities ?? null,
      dependencies: report.metadata?.totalDependencies ?? null,
      advisories,
    };
  } catch {
    return { ok: false, exitCode: result.status, error: (result.stderr || result.stdout || String(result.error)).trim().slice(0, 2000) };
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const report = checkSupplyChain();
  if (process.argv.includes('--audit')) report.audit = audit(report.packageManager);
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const lines = [
      `package manager: ${report.packageManager}; lockfile v${report.lockfileVersion}; ${report.workspacePackages} workspace packages; ${report.lockedPackages} locked packages (${report.installedLockedPackages} installed, ${report.skippedForPlatform} for other platforms)`,
      `unpinned specifiers: ${report.unpinned.length}; manifest/lockfile differences: ${report.lockfileMismatches.length}; packages without integrity: ${report.withoutIntegrity.length}`,
      `allowBuilds: approved ${report.allowBuilds.approved.join(', ') || '(none)'}; denied ${report.allowBuilds.denied.join(', ') || '(none)'}`,
      ...report.withInstallScripts.map(
        (e) =>
          `  install script: ${e.package} (${e.scripts.join(', ')}) → ${e.allowBuilds === null ? 'NOT REVIEWED' : e.allowBuilds ? 'approved' : 'denied'}`,
      ),
      ...[...report.unpinned, ...report.lockfileMismatches, ...report.withoutIntegrity].map((line) => `  ${line}`),
    ];
    if (report.audit) {
      lines.push(
        report.audit.ok
          ? `pnpm audit: ${JSON.stringify(report.audit.vulnerabilities)} over ${report.audit.dependencies} dependencies`
          : `pnpm audit could not run: ${report.audit.error}`,
        ...(report.audit.advisories ?? []).map(
          (a) => `  ${a.severity}: ${a.module} ${a.vulnerable} — ${a.title} (patched: ${a.patched}; e.g. ${a.paths[0] ?? '?'})`,
        ),
      );
    }
    lines.push(
      report.problems.length === 0
        ? 'supply chain: OK'
        : `supply chain: ${report.problems.length} problem(s):\n  ${report.problems.join('\n  ')}`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  process.exit(report.problems.length === 0 ? 0 : 1);
}
