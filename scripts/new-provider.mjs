#!/usr/bin/env node
// Creates packages/providers/<id> from scripts/provider-template: a definition, a config
// schema, a fetch-based send with an error map, an emulator and a conformance test that pass
// as generated, and registers the id in the handler. Usage: npm run new-provider -- <id>
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alignedManifest } from './publishing.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const id = args.find((arg) => !arg.startsWith('--'));
const register = !args.includes('--no-register');
const outRoot = args.includes('--out') ? args[args.indexOf('--out') + 1] : join(root, 'packages', 'providers');

if (!id || !/^[a-z][a-z0-9-]*$/.test(id)) {
  console.error(
    'Usage: npm run new-provider -- <id> [--no-register]\n  <id>: lower-case letters, digits and dashes, e.g. acme or acme-sms',
  );
  process.exit(2);
}
const target = join(outRoot, id);
if (existsSync(target)) {
  console.error(`${relative(root, target)} already exists; choose another id or remove it first.`);
  process.exit(1);
}

const words = id.split('-');
const name = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
const camel = name[0].toLowerCase() + name.slice(1);
const envPrefix = id.replace(/[^a-z0-9]+/g, '_').toUpperCase();
const fill = (text) =>
  text
    .replaceAll('__ID__', id)
    .replaceAll('__NAME__', name)
    .replaceAll('__CAMEL__', camel)
    .replaceAll('__ENV__', envPrefix)
    .replaceAll('__UPPER__', envPrefix);

const template = join(root, 'scripts', 'provider-template');
const copy = (from, to) => {
  for (const entry of readdirSync(from)) {
    const source = join(from, entry);
    const dest = join(to, fill(entry).replace(/\.tmpl$/, ''));
    if (statSync(source).isDirectory()) {
      mkdirSync(dest, { recursive: true });
      copy(source, dest);
    } else {
      writeFileSync(dest, fill(readFileSync(source, 'utf8')));
    }
  }
};
mkdirSync(target, { recursive: true });
copy(template, target);

// Package files mirror packages/providers/console's, with this provider's name.
const depth = relative(target, root).split(/[\\/]/).length;
const up = '../'.repeat(depth);
const core = JSON.parse(readFileSync(join(root, 'packages', 'core', 'package.json'), 'utf8'));
const manifest = {
  name: `@cognito-sms/provider-${id}`,
  version: '0.1.0',
  description: `${name} adapter for cognito-sms.`,
  license: 'Apache-2.0',
  type: 'module',
  sideEffects: false,
  exports: { '.': { '@cognito-sms/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' } },
  files: ['dist'],
  scripts: { build: 'tsc -p tsconfig.build.json' },
  dependencies: { '@cognito-sms/core': 'workspace:*', zod: core.dependencies.zod },
  devDependencies: { '@cognito-sms/testkit': 'workspace:*' },
};
// Published like every other package: no sources or source condition in the tarball, a LICENSE.
writeFileSync(join(target, 'package.json'), `${JSON.stringify(alignedManifest(manifest), null, 2)}\n`);
copyFileSync(join(root, 'LICENSE'), join(target, 'LICENSE'));
writeFileSync(
  join(target, 'tsconfig.build.json'),
  `${JSON.stringify({ extends: `${up}tsconfig.base.json`, compilerOptions: { rootDir: 'src', outDir: 'dist', customConditions: [] }, include: ['src'] }, null, 2)}\n`,
);

if (register) {
  const registry = join(root, 'packages', 'handler', 'src', 'providers.ts');
  const source = readFileSync(registry, 'utf8');
  const key = /^[a-z][a-z0-9]*$/.test(id) ? id : `'${id}'`;
  const line = `  ${key}: () => import('@cognito-sms/provider-${id}') as DefinitionModule,\n`;
  if (!source.includes(`@cognito-sms/provider-${id}'`)) writeFileSync(registry, source.replace(/\n};\n/, `\n${line}};\n`));
  const handlerManifestPath = join(root, 'packages', 'handler', 'package.json');
  const handlerManifest = JSON.parse(readFileSync(handlerManifestPath, 'utf8'));
  handlerManifest.dependencies[`@cognito-sms/provider-${id}`] = 'workspace:*';
  handlerManifest.dependencies = Object.fromEntries(Object.entries(handlerManifest.dependencies).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(handlerManifestPath, `${JSON.stringify(handlerManifest, null, 2)}\n`);
}

console.log(`Created ${relative(root, target)}${register ? ` and registered "${id}" in packages/handler/src/providers.ts` : ''}.

Next:
  1. npm test                       (installs the new package; its conformance suite passes as generated)
  2. Fill in the TODO(${id}) marks: the API call in src/${id}.ts, the error codes in src/errors.ts,
     the emulator in test/emulator.ts from the provider's API reference, the README.
  3. npm test again: the conformance suite proves the adapter. Guide: docs/writing-an-adapter.md`);
