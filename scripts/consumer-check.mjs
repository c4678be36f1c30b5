#!/usr/bin/env node
// The consumer check: what a user gets from the registry, proved before a release.
//
//   node scripts/consumer-check.mjs          # after `npm run build`; `npm test` runs it beside vitest
//   KEEP_CONSUMER_APP=1 node scripts/…       # keep the temporary app for a look
//
// 1. Packs every publishable package (every workspace package that is not private) once, with
//    pnpm, which turns `workspace:` specifiers into versions and `publishConfig.exports` into
//    `exports`.
// 2. Checks each tarball: only built JavaScript, .d.ts, README, LICENSE and package.json; no
//    `workspace:` specifier, no source condition, every export target present; publint and
//    arethetypeswrong (ESM-only profile: the packages have no CommonJS entry) clean, offline.
// 3. Installs all tarballs with npm into ONE new app under the OS temp directory, outside the
//    workspace (only the registry is reached, for the third-party dependencies, and npm's cache
//    is preferred), next to a third-party adapter package (scripts/consumer-app/acme-adapter)
//    that depends on the installed @cognito-sms/core only; builds the adapter and type-checks
//    the app's tests against the installed types.
// 4. Runs the app's tests with vitest (scripts/consumer-app/test): a CDK app synthesised with
//    CognitoSmsSender, the SAM template the handler ships, the installed handler against the
//    testkit's loopback KMS and emulators, and the adapter through the installed testkit's
//    conformance suite.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { ESM_ONLY_IGNORED, packageProblems, publishablePackages, readTarball, root, tarballProblems } from './publishing.mjs';

const started = performance.now();
const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const log = (text) => console.log(`consumer-check [${seconds()}] ${text}`);
const children = new Set();
const fail = (text) => {
  console.error(`consumer-check: ${text}`);
  for (const child of children) child.kill();
  process.exit(1);
};
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
// Child tools run as a user would run them, not with the npm/pnpm/vitest settings of the
// command that started this script.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_|vitest)/i.test(key)));
const childEnv = { ...cleanEnv, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

/** Runs a command to completion; resolves with its status and output. */
function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: childEnv, ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => {
      children.delete(child);
      resolve({ status, output });
    });
  });
}

// 0. The manifests agree with scripts/publishing.mjs, and the packages are built.
const packages = publishablePackages();
const manifestProblems = packages.flatMap(packageProblems);
if (manifestProblems.length > 0) fail(`${manifestProblems.join('\n')}\n(node scripts/publishing.mjs --write fixes these)`);
const unbuilt = packages.filter(({ dir }) => !existsSync(join(root, dir, 'dist')));
if (unbuilt.length > 0) fail(`not built: ${unbuilt.map(({ dir }) => dir).join(', ')}; run \`npm run build\` first`);

// 1. Pack, once, every package in one pnpm call.
const work = mkdtempSync(join(tmpdir(), 'cognito-sms-consumer-'));
const tarballDir = join(work, 'tarballs');
mkdirSync(tarballDir);
const packed = spawnSync(
  process.execPath,
  [
    join(root, 'scripts', 'pnpm.mjs'),
    '--reporter=silent',
    '-r',
    ...packages.map(({ dir }) => `--filter=./${dir}`),
    'pack',
    '--pack-destination',
    tarballDir,
    '--json',
  ],
  { cwd: root, encoding: 'utf8', env: cleanEnv },
);
if (packed.status !== 0) fail(`pnpm pack failed:\n${packed.stdout}${packed.stderr}`);
const packResults = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')));
if (packResults.length !== packages.length) fail(`packed ${packResults.length} of ${packages.length} packages`);
log(`packed ${packResults.length} packages`);

// 2. Each tarball's contents and publint; arethetypeswrong below, during the install.
const tarballs = packResults.map(({ name, filename }) => {
  const { dir, manifest: workspaceManifest } = packages.find(({ manifest }) => manifest.name === name);
  const extraFiles = (workspaceManifest.files ?? []).filter((entry) => entry !== 'dist' && !entry.startsWith('!'));
  return { name, dir, filename, files: readTarball(filename), extraFiles };
});
const problems = [];
for (const tarball of tarballs) {
  const checked = tarballProblems(tarball.files, tarball.extraFiles);
  tarball.version = checked.manifest.version;
  tarball.wildcardEntries = checked.wildcardEntries;
  for (const problem of checked.problems) problems.push(`${tarball.name}: ${problem}`);
  const data = readFileSync(tarball.filename);
  const linted = await publint({
    pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) },
    level: 'suggestion',
    strict: true,
  });
  for (const message of linted.messages) problems.push(`${tarball.name}: publint ${message.type}: ${formatMessage(message, linted.pkg)}`);
}
if (problems.length > 0) fail(problems.join('\n'));
log('tarball contents and publint clean');

// 3. The app outside the workspace: all tarballs and the adapter, one npm install. It runs
// while arethetypeswrong checks the tarballs.
const app = join(work, 'app');
cpSync(join(root, 'scripts', 'consumer-app'), app, { recursive: true });
const manifestOf = (dir) => readJson(join(root, dir, 'package.json'));
const pin = (dir, field, name) => {
  const version = manifestOf(dir)[field]?.[name];
  if (!version) fail(`${dir}/package.json has no ${field}.${name}`);
  return version;
};
const core = tarballs.find(({ name }) => name === '@cognito-sms/core');
writeFileSync(
  join(app, 'acme-adapter', 'package.json'),
  `${JSON.stringify(
    {
      name: '@acme/cognito-sms-provider-acme',
      version: '1.0.0',
      type: 'module',
      sideEffects: false,
      exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
      files: ['dist'],
      peerDependencies: { '@cognito-sms/core': `^${core.version}` },
      dependencies: { zod: pin('packages/core', 'dependencies', 'zod') },
    },
    null,
    2,
  )}\n`,
);
writeFileSync(
  join(app, 'package.json'),
  `${JSON.stringify(
    {
      name: 'cognito-sms-consumer-app',
      private: true,
      type: 'module',
      workspaces: ['acme-adapter'],
      dependencies: {
        ...Object.fromEntries(tarballs.map(({ name, filename }) => [name, `file:${filename}`])),
        '@acme/cognito-sms-provider-acme': '1.0.0',
        'aws-cdk-lib': pin('packages/cdk', 'dependencies', 'aws-cdk-lib'),
        constructs: pin('packages/cdk', 'dependencies', 'constructs'),
      },
      devDependencies: {
        '@types/node': pin('.', 'devDependencies', '@types/node'),
        typescript: pin('.', 'devDependencies', 'typescript'),
        vitest: pin('packages/testkit', 'devDependencies', 'vitest'),
      },
    },
    null,
    2,
  )}\n`,
);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const installing = run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app });

// arethetypeswrong's core, in this process: one TypeScript load for every tarball (its CLI,
// `attw <tgz> --profile esm-only`, prints the same findings as a table).
const attw = await import('@arethetypeswrong/core');
const typeProblems = [];
for (const tarball of tarballs) {
  const analysis = await attw.checkPackage(attw.createPackageFromTarballData(new Uint8Array(readFileSync(tarball.filename))), {
    includeEntrypoints: tarball.wildcardEntries,
  });
  if (!analysis.types) typeProblems.push(`${tarball.name}: attw found no types`);
  for (const problem of analysis.problems ?? []) {
    // The ESM-only profile: no CommonJS resolution is expected to work.
    if ('resolutionKind' in problem && ESM_ONLY_IGNORED.includes(problem.resolutionKind)) continue;
    typeProblems.push(`${tarball.name}: attw ${problem.kind}: ${JSON.stringify(problem)}`);
  }
}
if (typeProblems.length > 0) fail(typeProblems.join('\n'));
log(
  `arethetypeswrong clean (ESM-only profile), ${tarballs.reduce((sum, t) => sum + t.wildcardEntries.length, 0)} wildcard entries expanded`,
);

const installed = await installing;
if (installed.status !== 0) fail(`npm install in ${app} failed:\n${installed.output}`);
log(`installed into ${app}`);

const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
const adapterBuild = await run(process.execPath, [tsc, '-p', 'acme-adapter'], { cwd: app });
if (adapterBuild.status !== 0) fail(`tsc -p acme-adapter (in ${app}) failed:\n${adapterBuild.output}`);
log('built the adapter against the installed @cognito-sms/core');

// 4. The app's tests, with the app's own vitest, while tsc type-checks them against the
// installed types.
const [typecheck, tests] = await Promise.all([
  run(process.execPath, [tsc, '-p', '.'], { cwd: app }),
  run(process.execPath, [join(app, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], {
    cwd: app,
    // The AWS SDK warns on Node 20 once per process; the handler's own Lambda runtime is nodejs22.x.
    env: { ...childEnv, NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  }),
]);
console.log(tests.output.replace(/\n{2,}/g, '\n').trimEnd());
if (tests.status !== 0) fail(`the consumer app's tests failed (app kept at ${app})`);
if (typecheck.status !== 0) fail(`tsc -p . (in ${app}) failed (app kept at ${app}):\n${typecheck.output}`);
log('app tests passed; the app type-checks against the installed types');

if (process.env.KEEP_CONSUMER_APP) log(`kept ${work}`);
else {
  // Deleting the app's ~400 MB node_modules takes seconds; a detached process does it after we exit.
  spawn(process.execPath, ['-e', `require('node:fs').rmSync(${JSON.stringify(work)}, { recursive: true, force: true })`], {
    detached: true,
    stdio: 'ignore',
  }).unref();
}
log('passed');
