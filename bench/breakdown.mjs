#!/usr/bin/env node
// Import cost of each piece of our bundle and of the reference, alone: each piece is bundled the
// way scripts/bundle.mjs bundles the handler (minified ESM, same banner and conditions) — or,
// for the reference's packages, required unbundled from node_modules as it deploys them — and
// imported in fresh processes, interleaved; medians of wall time, CPU time and peak RSS.
//
//   node bench/breakdown.mjs [--runs 15]
//
// It answers "which part of the cold start is ours and which an SDK's own": see RESULTS.md.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(benchDir, '..');
const handlerDir = join(repoRoot, 'packages', 'handler');
const coreDir = join(repoRoot, 'packages', 'core');
const provider = (id) => join(repoRoot, 'packages', 'providers', id);
const esbuild = createRequire(join(handlerDir, 'package.json'))('esbuild');
const BANNER = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
const SOURCE = ['@cognito-sms/source'];
const MODULE = ['@cognito-sms/source', 'module'];

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Number(values.runs);
const outDir = join(benchDir, 'out', 'breakdown');

/** What is measured. `contents` is bundled from `dir` with `conditions`; `cjs` is required as is. */
const PIECES = [
  { name: 'empty module', group: 'baseline', contents: 'export {};', dir: handlerDir },
  // Ours, shared by every provider bundle
  { name: "zod: import { z } from 'zod' (as today)", group: 'ours', contents: "import { z } from 'zod'; export const s = z.object({ a: z.string().min(1), b: z.coerce.number().int() });", dir: coreDir },
  { name: "zod: import * as z from 'zod'", group: 'ours (proposed)', contents: "import * as z from 'zod'; export const s = z.object({ a: z.string().min(1), b: z.coerce.number().int() });", dir: coreDir },
  { name: 'libphonenumber-js core + min metadata', group: 'ours', contents: "import { parsePhoneNumberFromString } from 'libphonenumber-js/core'; import m from 'libphonenumber-js/min/metadata'; export const p = (n) => parsePhoneNumberFromString(n, m);", dir: coreDir },
  { name: 'tsyringe + reflect-metadata', group: 'ours', contents: "import 'reflect-metadata'; export { container } from 'tsyringe';", dir: handlerDir },
  { name: 'Powertools Logger', group: 'ours', contents: "import { Logger } from '@aws-lambda-powertools/logger'; export const l = new Logger({ serviceName: 'x' });", dir: handlerDir },
  { name: 'Powertools Metrics', group: 'ours', contents: "import { Metrics } from '@aws-lambda-powertools/metrics'; export const m = new Metrics({ namespace: 'x' });", dir: handlerDir },
  // SDKs we use, as bundle.mjs resolves them today and with the `module` condition
  { name: 'ESDK decrypt parts (core/src/decrypt.ts imports)', group: 'SDK', contents: "export { buildDecrypt } from '@aws-crypto/decrypt-node'; export { KmsKeyringClass } from '@aws-crypto/kms-keyring'; export { CommitmentPolicy, KeyringNode, NodeAlgorithmSuite } from '@aws-crypto/material-management-node'; export { deserializeFactory } from '@aws-crypto/serialize';", dir: coreDir },
  { name: '@aws-sdk/client-kms KMSClient + DecryptCommand', group: 'SDK', contents: "export { KMSClient, DecryptCommand } from '@aws-sdk/client-kms';", dir: handlerDir },
  { name: '@aws-sdk/client-kms, `module` condition', group: 'SDK (proposed)', contents: "export { KMSClient, DecryptCommand } from '@aws-sdk/client-kms';", dir: handlerDir, conditions: MODULE },
  { name: '@aws-sdk/client-sns SNSClient + PublishCommand', group: 'SDK', contents: "export { SNSClient, PublishCommand } from '@aws-sdk/client-sns';", dir: provider('sns') },
  { name: '@aws-sdk/client-sns, `module` condition', group: 'SDK (proposed)', contents: "export { SNSClient, PublishCommand } from '@aws-sdk/client-sns';", dir: provider('sns'), conditions: MODULE },
  { name: '@aws-sdk/client-kms + client-sns', group: 'SDK', contents: "export { KMSClient, DecryptCommand } from '@aws-sdk/client-kms'; export { SNSClient, PublishCommand } from '@aws-sdk/client-sns';", dir: provider('sns') },
  { name: '@aws-sdk/client-kms + client-sns, `module`', group: 'SDK (proposed)', contents: "export { KMSClient, DecryptCommand } from '@aws-sdk/client-kms'; export { SNSClient, PublishCommand } from '@aws-sdk/client-sns';", dir: provider('sns'), conditions: MODULE },
  { name: '@vonage/sms', group: 'SDK', contents: "export { SMS } from '@vonage/sms';", dir: provider('vonage') },
  { name: 'twilio: Domain + Version + Messages (the adapter)', group: 'SDK', contents: "import D from 'twilio/lib/base/Domain.js'; import V from 'twilio/lib/base/Version.js'; import { MessageListInstance } from 'twilio/lib/rest/api/v2010/account/message.js'; export { D, V, MessageListInstance };", dir: provider('twilio') },
  // Whole adapters (zod and core/provider included: shared with the handler in a real bundle)
  { name: 'adapter @cognito-sms/provider-twilio', group: 'ours', contents: "export { default } from '@cognito-sms/provider-twilio';", dir: handlerDir },
  { name: 'adapter @cognito-sms/provider-vonage', group: 'ours', contents: "export { default } from '@cognito-sms/provider-vonage';", dir: handlerDir },
  { name: 'adapter @cognito-sms/provider-sns', group: 'ours', contents: "export { default } from '@cognito-sms/provider-sns';", dir: handlerDir },
  // The reference's packages, unbundled, required from bench/node_modules as deployed
  { name: "require('aws-sdk') (v2)", group: 'reference', cjs: "require('aws-sdk');" },
  { name: "require('@aws-crypto/client-node')", group: 'reference', cjs: "require('@aws-crypto/client-node');" },
  { name: "require('twilio')", group: 'reference', cjs: "require('twilio');" },
  { name: 'the reference handler (all four + init)', group: 'reference', cjs: `require(${JSON.stringify(join(benchDir, 'reference', 'index.cjs'))});`, env: { KEY_ID: 'arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-4000-8000-000000000000', TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef', TWILIO_AUTH_TOKEN: 'x' } },
];

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const [i, piece] of PIECES.entries()) {
  if (piece.cjs) {
    // Placed in bench/out/breakdown so require() resolves from bench/node_modules.
    piece.file = join(outDir, `${i}.cjs`);
    writeFileSync(piece.file, `${piece.cjs}\n`);
    piece.bytes = null;
    continue;
  }
  piece.file = join(outDir, `${i}.mjs`);
  await esbuild.build({
    stdin: { contents: piece.contents, resolveDir: piece.dir, loader: 'ts', sourcefile: `${i}.ts` },
    outfile: piece.file,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    conditions: piece.conditions ?? SOURCE,
    mainFields: ['module', 'main'],
    minify: true,
    legalComments: 'none',
    banner: { js: BANNER },
    // Pieces that combine packages of several workspace packages resolve from all of them.
    nodePaths: [join(handlerDir, 'node_modules'), join(coreDir, 'node_modules')],
    logLevel: 'error',
  });
  piece.bytes = statSync(piece.file).size;
}

const measure = (piece) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(benchDir, 'lib', 'import-child.mjs'), piece.file], {
      cwd: outDir,
      env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...piece.env },
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdio[3].on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => (code === 0 && out ? resolve(JSON.parse(out)) : reject(new Error(`${piece.name}: exit ${code}\n${err}`))));
  });

const samples = PIECES.map(() => []);
for (let round = 0; round < runs; round++) {
  for (let k = 0; k < PIECES.length; k++) {
    const i = (k + round) % PIECES.length;
    samples[i].push(await measure(PIECES[i]));
  }
  process.stderr.write(`\rround ${round + 1}/${runs}`);
}
process.stderr.write('\n');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = (s.length - 1) / 2;
  return (s[Math.floor(m)] + s[Math.ceil(m)]) / 2;
};
const rows = PIECES.map((piece, i) => ({
  name: piece.name,
  group: piece.group,
  bytes: piece.bytes,
  wallMs: median(samples[i].map((s) => s.wallMs)),
  cpuMs: median(samples[i].map((s) => s.cpuMs)),
  maxRssBytes: median(samples[i].map((s) => s.maxRssBytes)),
}));
const base = rows[0];
const table = [
  ['piece', 'group', 'bundled KiB', 'import wall ms', 'CPU ms', 'peak RSS MiB (+ over empty)'],
  ...rows.map((r) => [
    r.name,
    r.group,
    r.bytes === null ? 'unbundled' : (r.bytes / 1024).toFixed(0),
    r.wallMs.toFixed(0),
    r.cpuMs.toFixed(0),
    `${(r.maxRssBytes / 1048576).toFixed(1)} (+${((r.maxRssBytes - base.maxRssBytes) / 1048576).toFixed(1)})`,
  ]),
];
const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
console.log(`Import cost alone, median of ${runs} fresh processes each (${process.version}); wall and CPU exclude node's own start.`);
for (const [n, r] of table.entries()) {
  console.log(r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
writeFileSync(join(benchDir, 'out', 'breakdown.json'), `${JSON.stringify({ node: process.version, runs, rows }, null, 2)}\n`);
