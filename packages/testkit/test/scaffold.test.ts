import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const out = join(root, 'packages', 'providers', `__scaffold-${process.pid}`);
const generated = join(out, 'acme');
const node = (args: string[], cwd = root) => spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000 });
const nodeAsync = (args: string[], cwd: string) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    execFile(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number' && !error.killed) reject(error);
      else resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('Script: npm run new-provider', () => {
  it('creates a provider package whose conformance suite and typecheck pass as generated', async () => {
    // Act
    const created = node(['scripts/new-provider.mjs', 'acme', '--no-register', '--out', out]);
    // Assess
    expect(created.status, created.stderr).toBe(0);
    for (const file of [
      'package.json',
      'README.md',
      'src/index.ts',
      'src/acme.ts',
      'src/errors.ts',
      'test/emulator.ts',
      'test/conformance.test.ts',
    ]) {
      expect(existsSync(join(generated, file)), file).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(join(generated, 'package.json'), 'utf8')) as { name: string };
    expect(manifest.name).toBe('@cognito-sms/provider-acme');
    expect(readFileSync(join(generated, 'README.md'), 'utf8')).toContain('ACME_API_KEY');

    // The generated package resolves its dependencies as an installed workspace package would;
    // the console provider has the same ones (core, zod, testkit).
    symlinkSync(join(root, 'packages', 'providers', 'console', 'node_modules'), join(generated, 'node_modules'), 'dir');
    // In the workspace, vitest.workspace.ts's `packages` project finds packages/providers/*/test;
    // this package sits one level deeper, so it gets the same settings in a config of its own.
    writeFileSync(
      join(generated, 'vitest.config.ts'),
      "import { sharedProject } from '../../../../vitest.shared.js';\n\nexport default sharedProject('provider-acme');\n",
    );
    writeFileSync(
      join(generated, 'tsconfig.check.json'),
      JSON.stringify({ extends: '../../../../tsconfig.base.json', compilerOptions: { noEmit: true }, include: ['src', 'test'] }),
    );
    // The generated suite and its typecheck are independent: both run at once.
    const [tests, typecheck] = await Promise.all([
      nodeAsync([join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter=dot'], generated),
      nodeAsync([join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.check.json'], generated),
    ]);
    expect(tests.status, tests.stdout + tests.stderr).toBe(0);
    expect(tests.stdout).toMatch(/11 passed/);
    expect(typecheck.status, typecheck.stdout).toBe(0);
  }, 180_000);

  it('refuses an id that is not lower-case letters, digits and dashes', () => {
    mkdirSync(out, { recursive: true });
    const run = node(['scripts/new-provider.mjs', 'Acme SMS', '--no-register', '--out', out]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('lower-case letters, digits and dashes');
  });
});
