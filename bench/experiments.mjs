#!/usr/bin/env node
// Measures proposed changes to the bundle before anyone makes them: builds the handler per
// provider with a variant of scripts/bundle.mjs's settings (bench/lib/build.mjs buildVariant),
// then runs the bench with those builds next to the shipped ones.
//
//   node bench/experiments.mjs [--providers twilio,sns,vonage] [--variants native-ecc,all] [-- run.mjs options]
//
// Variants (every one starts from scripts/bundle.mjs's settings, see lib/build.mjs buildVariant):
//   native-ecc  the Encryption SDK's per-decrypt decompression of the signing public key done by
//            Node's ECDH.convertKey instead of bn.js (stands in for a custom CMM in core)
//   module   esbuild conditions ['@cognito-sms/source', 'module'], so @smithy/* and @aws-sdk/*
//            subpath exports resolve to their tree-shakable dist-es instead of dist-cjs
//   zod-ns   `import * as z from 'zod'` instead of `import { z } from 'zod'` in our sources
//   both     module + zod-ns
//   all      module + zod-ns + native-ecc
// module and zod-ns landed in 0358f91: on a tree that has it they change nothing (kept to re-check).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildVariant } from './lib/build.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const VARIANTS = {
  module: { conditions: ['@cognito-sms/source', 'module'] },
  'zod-ns': { zodNamespaceImport: true },
  both: { conditions: ['@cognito-sms/source', 'module'], zodNamespaceImport: true },
  'native-ecc': { nativeEcc: true },
  all: { conditions: ['@cognito-sms/source', 'module'], zodNamespaceImport: true, nativeEcc: true },
};

const { values, positionals } = parseArgs({
  options: { providers: { type: 'string', default: 'twilio,sns,vonage' }, variants: { type: 'string', default: 'native-ecc' } },
  allowPositionals: true,
});
const providers = values.providers.split(',');
const variants = values.variants.split(',');
const args = [];
for (const variant of variants) {
  if (!VARIANTS[variant]) throw new Error(`unknown variant ${variant}; one of ${Object.keys(VARIANTS).join(', ')}`);
  for (const provider of providers) {
    const dir = join(benchDir, 'out', 'variants', variant, provider);
    const built = await buildVariant(provider, dir, VARIANTS[variant]);
    console.error(`built ${variant}/${provider}: ${built.jsFiles} files, ${(built.jsBytes / 1024).toFixed(0)} KiB`);
    args.push('--variant', `${provider}+${variant}:${provider}:${dir}`);
  }
}
const child = spawn(process.execPath, [join(benchDir, 'run.mjs'), '--targets', ['reference', ...providers].join(','), ...args, ...positionals], { stdio: 'inherit' });
child.on('close', (code) => {
  process.exitCode = code ?? 1;
});
