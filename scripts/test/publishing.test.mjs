// The rules scripts/consumer-check.mjs holds every tarball to, on tarballs that break them.
import { describe, expect, it } from 'vitest';
import {
  alignedManifest,
  packageProblems,
  publishablePackages,
  publishedExports,
  SOURCE_CONDITION,
  tarballProblems,
} from '../publishing.mjs';

const files = (entries) => new Map(Object.entries(entries).map(([path, text]) => [path, Buffer.from(text)]));
const manifest = (extra = {}) =>
  JSON.stringify({
    name: '@cognito-sms/x',
    version: '1.0.0',
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    ...extra,
  });
const clean = { 'package.json': manifest(), 'README.md': '# x', LICENSE: 'Apache', 'dist/index.js': '', 'dist/index.d.ts': '' };

describe('Function: publishedExports', () => {
  it('drops the source condition at every depth and keeps the rest in order', () => {
    // Act
    const published = publishedExports({
      '.': { [SOURCE_CONDITION]: './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
      './emulators/*': { node: { [SOURCE_CONDITION]: './src/emulators/*.ts', default: './dist/emulators/*.js' } },
    });
    // Assess
    expect(published).toEqual({
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './emulators/*': { node: { default: './dist/emulators/*.js' } },
    });
    expect(Object.keys(published['.'])).toEqual(['types', 'default']);
  });
});

describe('Function: packageProblems', () => {
  it('finds nothing to fix in the committed packages', () => {
    expect(publishablePackages().flatMap((pkg) => packageProblems(pkg))).toEqual([]);
  });

  it('lists every published package and no private one', () => {
    const names = publishablePackages().map(({ manifest }) => manifest.name);
    expect(names).toEqual(
      expect.arrayContaining(['@cognito-sms/core', '@cognito-sms/handler', '@cognito-sms/cdk', '@cognito-sms/testkit']),
    );
    expect(names).not.toContain('@cognito-sms/demo');
    // deploy/terraform is a workspace package only for its tests.
    expect(names).not.toContain('@cognito-sms/terraform');
    expect(names.every((name) => !name.startsWith('@example/'))).toBe(true);
  });

  it('reports sources in files, a leaking source condition and a foreign repository', () => {
    // Prepare
    const core = publishablePackages().find(({ manifest }) => manifest.name === '@cognito-sms/core');
    const broken = { ...core.manifest, files: ['dist', 'src'], publishConfig: { exports: core.manifest.exports } };
    // Act
    const problems = packageProblems({ dir: core.dir, manifest: broken }, { repository: 'https://github.com/acme/cognito-sms' });
    // Assess
    expect(problems.join('\n')).toContain('`files` must be ["dist","!dist/**/*.map"]');
    expect(problems.join('\n')).toContain(`\`publishConfig.exports\` must be \`exports\` without "${SOURCE_CONDITION}"`);
    expect(problems.join('\n')).toContain('"url":"git+https://github.com/acme/cognito-sms.git","directory":"packages/core"');
  });

  it('aligns a manifest so that it has no problem left', () => {
    const core = publishablePackages().find(({ manifest }) => manifest.name === '@cognito-sms/core');
    const broken = { ...core.manifest, files: ['dist', 'src'], publishConfig: undefined };
    const repository = 'https://github.com/acme/cognito-sms';
    const aligned = alignedManifest(broken, { dir: core.dir, repository });
    expect(packageProblems({ dir: core.dir, manifest: aligned }, { repository })).toEqual([]);
  });
});

describe('Function: tarballProblems', () => {
  it('accepts built JS, types, README, LICENSE and expands wildcard exports into entry points', () => {
    // Prepare
    const tarball = files({
      ...clean,
      'package.json': manifest({
        exports: { '.': './dist/index.js', './emulators/*': { types: './dist/e/*.d.ts', default: './dist/e/*.js' } },
      }),
      'dist/e/twilio.js': '',
      'dist/e/twilio.d.ts': '',
      'dist/e/sns.js': '',
      'dist/e/sns.d.ts': '',
    });
    // Act
    const { problems, wildcardEntries } = tarballProblems(tarball, []);
    // Assess
    expect(problems).toEqual([]);
    expect(wildcardEntries.sort()).toEqual(['./emulators/sns', './emulators/twilio']);
  });

  it('refuses sources, tests, maps, workspace specifiers, the source condition and missing targets', () => {
    // Prepare
    const tarball = files({
      'package.json': manifest({
        exports: { '.': { [SOURCE_CONDITION]: './src/index.ts', default: './dist/index.js' }, './gone': './dist/gone.js' },
        dependencies: { '@cognito-sms/core': 'workspace:*' },
      }),
      'dist/index.js': '',
      'dist/index.js.map': '',
      'src/index.ts': '',
      'dist/test/index.test.js': '',
    });
    // Act
    const text = tarballProblems(tarball, []).problems.join('\n');
    // Assess
    for (const expected of [
      'holds src/index.ts',
      'holds dist/index.js.map',
      'holds a test file: dist/test/index.test.js',
      'has no README.md',
      'has no LICENSE',
      'package.json holds a workspace: specifier',
      `package.json holds the ${SOURCE_CONDITION} condition`,
      'exports "./gone" → ./dist/gone.js, which is not in the tarball',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it("allows the extra files a package's `files` lists, and nothing else at the top", () => {
    const tarball = files({ ...clean, 'dynalite-server.cjs': '', 'notes.txt': '' });
    expect(tarballProblems(tarball, ['dynalite-server.cjs']).problems).toEqual(['holds notes.txt (only built JS, .d.ts, README, LICENSE)']);
  });

  it('allows the files under a directory that `files` lists, and not a sibling that shares its prefix', () => {
    const tarball = files({ ...clean, 'sam/template.yaml': '', 'samples/notes.txt': '' });
    expect(tarballProblems(tarball, ['sam']).problems).toEqual(['holds samples/notes.txt (only built JS, .d.ts, README, LICENSE)']);
  });
});
