import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

  it('runs install scripts only for the packages allowBuilds approves: esbuild and classic-level; aws-sdk is denied', () => {
    // Prepare: what pnpm-workspace.yaml says.
    expect(report.allowBuilds).toEqual({ approved: ['classic-level', 'esbuild'], denied: ['aws-sdk'] });
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
