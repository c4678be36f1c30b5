import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { reportFigures } from './support.js';

// Supply chain, offline: scripts/supply-chain.mjs reads the manifests, pnpm-lock.yaml,
// pnpm-workspace.yaml and the installed packages; this test holds its findings to the policy.
// `node scripts/supply-chain.mjs --audit` adds `pnpm audit` (needs the registry), reported in
// docs/reliability.md.

const root = fileURLToPath(new URL('../../../../', import.meta.url));

interface SupplyChainReport {
  packageManager: string;
  lockfileVersion: string;
  workspacePackages: number;
  lockedPackages: number;
  installedLockedPackages: number;
  unpinned: string[];
  lockfileMismatches: string[];
  withoutIntegrity: string[];
  allowBuilds: { approved: string[]; denied: string[] };
  withInstallScripts: { package: string; name: string; scripts: string[]; allowBuilds: boolean | null }[];
  unreviewed: string[];
  problems: string[];
}

let report: SupplyChainReport;
let exitCode = 0;

beforeAll(() => {
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, ['scripts/supply-chain.mjs', '--json'], { cwd: root, encoding: 'utf8' });
  } catch (error) {
    // Exit status 1 means a check failed; the JSON is still on stdout.
    exitCode = (error as { status?: number }).status ?? 1;
    stdout = (error as { stdout?: string }).stdout ?? '{}';
  }
  report = JSON.parse(stdout) as SupplyChainReport;
  reportFigures('supply-chain', { ...report });
});

describe('Reliability: supply chain', () => {
  it('pins the package manager to an exact version', () => {
    expect(report.packageManager).toMatch(/^pnpm@\d+\.\d+\.\d+$/);
    expect(JSON.parse(readFileSync(`${root}package.json`, 'utf8')).packageManager).toBe(report.packageManager);
  });

  it('pins every dependency of every workspace package to an exact version (or workspace:*)', () => {
    expect(report.workspacePackages).toBeGreaterThan(10);
    expect(report.unpinned).toEqual([]);
  });

  it('has a lockfile that matches every manifest, so a frozen install succeeds', () => {
    expect(report.lockfileVersion).toBe('9.0');
    expect(report.lockfileMismatches).toEqual([]);
  });

  it('locks every package with a sha512 integrity hash', () => {
    expect(report.lockedPackages).toBeGreaterThan(100);
    expect(report.withoutIntegrity).toEqual([]);
  });

  it('runs install scripts only for the packages allowBuilds approves: esbuild and classic-level; aws-sdk and core-js are denied', () => {
    // Prepare: what pnpm-workspace.yaml says.
    expect(report.allowBuilds).toEqual({ approved: ['classic-level', 'esbuild'], denied: ['aws-sdk', 'core-js'] });
    // Assess: every installed package with an install script (or a binding.gyp) was reviewed there…
    expect(report.unreviewed).toEqual([]);
    // …and the ones that may run are exactly the approved ones.
    const mayRun = report.withInstallScripts.filter((entry) => entry.allowBuilds === true).map((entry) => entry.name);
    expect([...new Set(mayRun)].sort()).toEqual(['classic-level', 'esbuild']);
    expect(report.withInstallScripts.every((entry) => entry.allowBuilds !== null)).toBe(true);
  });

  it('reports no problem and exits 0', () => {
    expect(report.problems).toEqual([]);
    expect(exitCode).toBe(0);
  });
});

describe('Script: scripts/pnpm.mjs', () => {
  // A copy of the script in a scratch root, with an `npm` on PATH that records its arguments:
  // what the script asks pnpm to do is checked without installing anything.
  const runScript = (scratch: string, args: string[]) => {
    execFileSync(process.execPath, [join(scratch, 'scripts', 'pnpm.mjs'), ...args], {
      cwd: scratch,
      env: { ...process.env, CI: '', PATH: `${join(scratch, 'bin')}${delimiter}${process.env.PATH ?? ''}` },
    });
    const calls = readFileSync(join(scratch, 'npm-calls'), 'utf8').trim().split('\n');
    writeFileSync(join(scratch, 'npm-calls'), '');
    // Only what follows `npm exec --yes --package=pnpm@x --`: the pnpm arguments.
    return calls.map((line) => line.split(' -- pnpm ')[1]);
  };
  const scratchRoot = () => {
    const scratch = mkdtempSync(join(tmpdir(), 'pnpm-mjs-'));
    mkdirSync(join(scratch, 'scripts'));
    mkdirSync(join(scratch, 'bin'));
    mkdirSync(join(scratch, 'node_modules'));
    copyFileSync(join(root, 'scripts', 'pnpm.mjs'), join(scratch, 'scripts', 'pnpm.mjs'));
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ packageManager: 'pnpm@12.4.2' }));
    writeFileSync(join(scratch, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n");
    writeFileSync(join(scratch, 'npm-calls'), '');
    const npm = join(scratch, 'bin', 'npm');
    writeFileSync(npm, `#!/bin/sh\necho "$*" >> "${join(scratch, 'npm-calls')}"\n`);
    chmodSync(npm, 0o755);
    return scratch;
  };

  it.skipIf(process.platform === 'win32')(
    'installs with --frozen-lockfile outside CI, and only deps:update may change the lockfile',
    () => {
      // Prepare
      const scratch = scratchRoot();
      try {
        // Act + Assess: a fresh clone installs frozen, then runs the command.
        expect(runScript(scratch, ['run', 'build:run'])).toEqual(['install --frozen-lockfile', 'run build:run']);
        // Nothing changed since: no install.
        expect(runScript(scratch, ['run', 'build:run'])).toEqual(['run build:run']);
        // A manifest changed: frozen again, never a silent lockfile rewrite.
        writeFileSync(join(scratch, 'package.json'), JSON.stringify({ packageManager: 'pnpm@12.4.2', dependencies: { zod: '4.0.0' } }));
        expect(runScript(scratch, ['run', 'build:run'])).toEqual(['install --frozen-lockfile', 'run build:run']);
        // The explicit update runs alone (no frozen install before it, which would fail) and stamps the install.
        writeFileSync(join(scratch, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n# updated\n");
        expect(runScript(scratch, ['install', '--no-frozen-lockfile'])).toEqual(['install --no-frozen-lockfile']);
        expect(runScript(scratch, ['run', 'build:run'])).toEqual(['run build:run']);
        expect(JSON.parse(readFileSync(`${root}package.json`, 'utf8')).scripts['deps:update']).toBe(
          'node scripts/pnpm.mjs install --no-frozen-lockfile',
        );
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    },
  );
});
