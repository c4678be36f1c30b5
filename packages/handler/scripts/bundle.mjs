#!/usr/bin/env node
// Builds Lambda-ready bundles of the handler that contain only the chosen providers.
//
//   npm run bundle                                  one bundle per built-in provider, plus `all`
//   npm run bundle -- --providers twilio            one bundle: dist-lambda/twilio/ and twilio.zip
//   npm run bundle -- --providers twilio,sns        one bundle holding both: dist-lambda/sns+twilio/
//   npm run bundle -- --providers twilio --providers sns --arch x86_64
//
// Each bundle is minified ESM for the nodejs22.x runtime: index.mjs (handler `index.handler`,
// holding the provider when there is only one; otherwise one lazily imported chunk per
// provider) and receipts.mjs (`receipts.handler`, the receipts function: a build of its own, so
// neither entry loads the other's files), source maps next to them, a zip of the .mjs files and
// a manifest. The provider set is fixed at build time by replacing src/providers.ts and
// src/receipts-providers.ts with generated maps of only the chosen ids, so no other adapter (or
// its SDK) can reach the bundle.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, version as esbuildVersion } from 'esbuild';
import { zipSync } from 'fflate';
import { leanBundlePlugins } from './esbuild-plugins.mjs';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const providersModule = join(packageDir, 'src', 'providers.ts');
const receiptsModule = join(packageDir, 'src', 'receipts-providers.ts');
const ARCHITECTURES = ['arm64', 'x86_64'];
// Entries get a fixed date so the same input gives a byte-identical zip (and CDK asset hash).
const ZIP_MTIME = new Date(2000, 0, 1);
// -rw-r--r--: Lambda's runtime user must be able to read every file.
const ZIP_FILE_ATTRS = { os: 3, attrs: (0o100644 << 16) >>> 0, mtime: ZIP_MTIME };

const USAGE = `Usage: npm run bundle -- [--providers <ids>]... [--arch arm64|x86_64] [--outdir <dir>] [--metafile]

  --providers <ids>   comma list of built-in provider ids for one bundle; repeat for more bundles;
                      "all" = every built-in provider. Default: one bundle per provider, plus "all".
  --arch <arch>       Lambda architecture recorded in the manifest (default arm64). The JavaScript
                      is the same for both; the architecture is a property of the function.
  --outdir <dir>      output directory (default: packages/handler/dist-lambda; relative paths are
                      resolved from packages/handler)
  --metafile          also write esbuild's metafile as <name>.meta.json (for bundle analysis)`;

/** Built-in provider ids: the handler's `@cognito-sms/provider-<id>` dependencies. */
async function builtInProviderIds() {
  const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8'));
  return Object.keys(manifest.dependencies ?? {})
    .filter((name) => name.startsWith('@cognito-sms/provider-'))
    .map((name) => name.slice('@cognito-sms/provider-'.length))
    .sort();
}

/**
 * The directory and zip name of a bundle: its provider ids sorted and joined with "+", so the
 * same set always lands in the same place (the CDK construct computes the name the same way).
 */
export function bundleName(providerIds, allIds) {
  const ids = [...new Set(providerIds)].sort();
  if (allIds && ids.length === allIds.length && ids.every((id, i) => id === allIds[i])) return 'all';
  return ids.join('+');
}

/**
 * A map module of only `ids`, keeping its export name and shape: `BUILT_IN_PROVIDERS` of
 * src/providers.ts, or `BUILT_IN_RECEIPTS` of src/receipts-providers.ts (specifier
 * `@cognito-sms/provider-<id>/receipts`).
 */
function generatedMap(exportName, ids, specifier) {
  // One entry: it is the only one that can be named, so every cold start loads it. A static
  // import puts it in the entry file with the code it shares with the handler, instead of a
  // lazy chunk plus the shared chunks esbuild splits off between the two.
  if (ids.length === 1) {
    return `import * as only from ${JSON.stringify(specifier(ids[0]))};\nexport const ${exportName} = { ${JSON.stringify(ids[0])}: async () => only };\n`;
  }
  return `export const ${exportName} = {\n${ids.map((id) => `  ${JSON.stringify(id)}: () => import(${JSON.stringify(specifier(id))}),`).join('\n')}\n};\n`;
}

/** Replaces the map modules with generated ones (`maps`: absolute path → contents). */
function onlyProviders(maps) {
  return {
    name: 'cognito-sms-only-providers',
    setup(pluginBuild) {
      const replaced = new Set();
      pluginBuild.onLoad({ filter: /[\\/]src[\\/](providers|receipts-providers)\.ts$/ }, (args) => {
        const contents = maps.get(resolve(args.path));
        if (contents === undefined) return undefined;
        replaced.add(resolve(args.path));
        return {
          contents: `// Generated by scripts/bundle.mjs: the providers of this bundle only.\n${contents}`,
          loader: 'ts',
          resolveDir: dirname(args.path),
        };
      });
      pluginBuild.onEnd((result) => {
        // A renamed or moved map module would otherwise silently ship every provider.
        for (const path of maps.keys()) {
          if (!replaced.has(path) && result.errors.length === 0) {
            result.errors.push({ text: `the provider map ${relative(packageDir, path)} was never loaded, so it could not be replaced` });
          }
        }
      });
    },
  };
}

/** The ids among `ids` whose package publishes a `./receipts` subpath. */
async function idsWithReceipts(ids) {
  const withReceipts = [];
  for (const id of ids) {
    const manifest = JSON.parse(await readFile(join(packageDir, '..', 'providers', id, 'package.json'), 'utf8'));
    if (manifest.exports?.['./receipts']) withReceipts.push(id);
  }
  return withReceipts;
}

async function listFiles(dir, base = dir) {
  const files = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path, base)));
    else files.push(relative(base, path).split(sep).join('/'));
  }
  return files.sort();
}

/** Builds one bundle and returns what the size table and the manifest need. */
async function bundleOne({ ids, name, arch, outdir, metafile }) {
  const dir = join(outdir, name);
  await rm(dir, { recursive: true, force: true });
  const common = {
    absWorkingDir: packageDir,
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // One chunk per provider: a bundle with several providers loads only those SMS_PROVIDER names.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    // Workspace packages from their sources; `module` picks the AWS SDK's ESM builds, which
    // esbuild can tree-shake (its CommonJS builds bundle ~140 KB more per client).
    conditions: ['@cognito-sms/source', 'module'],
    mainFields: ['module', 'main'],
    minify: true,
    // Maps sit next to the code for decoding stack traces; they are left out of the zip.
    sourcemap: 'linked',
    legalComments: 'none',
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    metafile: true,
    logLevel: 'warning',
  };
  const providerSpecifier = (id) => `@cognito-sms/provider-${id}`;
  const result = await build({
    ...common,
    entryPoints: { index: 'src/index.ts' },
    plugins: [
      onlyProviders(new Map([[providersModule, generatedMap('BUILT_IN_PROVIDERS', ids, providerSpecifier)]])),
      ...leanBundlePlugins,
    ],
  });
  // The receipts function (receipts.handler) is a build of its own, so the sender's cold start
  // keeps its files; it holds no provider's sending half, only each one's `./receipts` part.
  const receiptIds = await idsWithReceipts(ids);
  const receiptsResult = await build({
    ...common,
    entryPoints: { receipts: 'src/receipts.ts' },
    plugins: [
      onlyProviders(
        new Map([
          [providersModule, generatedMap('BUILT_IN_PROVIDERS', [], providerSpecifier)],
          [receiptsModule, generatedMap('BUILT_IN_RECEIPTS', receiptIds, (id) => `${providerSpecifier(id)}/receipts`)],
        ]),
      ),
      ...leanBundlePlugins,
    ],
  });

  const files = await listFiles(dir);
  const code = files.filter((file) => file.endsWith('.mjs'));
  const entries = {};
  let jsBytes = 0;
  for (const file of code) {
    const bytes = await readFile(join(dir, file));
    jsBytes += bytes.length;
    entries[file] = [bytes, ZIP_FILE_ATTRS];
  }
  let mapBytes = 0;
  for (const file of files.filter((f) => f.endsWith('.map'))) mapBytes += (await stat(join(dir, file))).size;
  const zip = zipSync(entries, { level: 9 });
  const zipPath = join(outdir, `${name}.zip`);
  await writeFile(zipPath, zip);

  const manifest = {
    name,
    providers: ids,
    architecture: arch,
    runtime: 'nodejs22.x',
    handler: 'index.handler',
    receiptsHandler: 'receipts.handler',
    receiptsProviders: receiptIds,
    zip: `${name}.zip`,
    zipBytes: zip.length,
    zipSha256: createHash('sha256').update(zip).digest('hex'),
    files: Object.fromEntries(await Promise.all(files.map(async (f) => [f, (await stat(join(dir, f))).size]))),
    esbuild: esbuildVersion,
  };
  await writeFile(join(outdir, `${name}.manifest.json`), `${JSON.stringify(manifest, null, 2)}\n`);
  if (metafile) {
    await writeFile(join(outdir, `${name}.meta.json`), JSON.stringify(result.metafile));
    await writeFile(join(outdir, `${name}.receipts.meta.json`), JSON.stringify(receiptsResult.metafile));
  }
  const indexBytes = (await stat(join(dir, 'index.mjs'))).size;
  const receiptsBytes = (await stat(join(dir, 'receipts.mjs'))).size;
  return { name, ids, arch, indexBytes, receiptsBytes, jsBytes, mapBytes, zipBytes: zip.length, chunks: code.length };
}

function printTable(rows, outdir) {
  const kb = (bytes) => (bytes / 1024).toFixed(0);
  const table = [
    ['bundle', 'providers', 'arch', 'index.mjs KB', 'receipts.mjs KB', 'all .mjs KB', 'files', 'maps KB', 'zip KB'],
    ...rows.map((r) => [
      r.name,
      r.ids.join(','),
      r.arch,
      kb(r.indexBytes),
      kb(r.receiptsBytes),
      kb(r.jsBytes),
      String(r.chunks),
      kb(r.mapBytes),
      kb(r.zipBytes),
    ]),
  ];
  const widths = table[0].map((_, col) => Math.max(...table.map((row) => row[col].length)));
  const line = (row) => row.map((cell, col) => (col < 3 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  ');
  console.log(
    `Lambda bundles in ${relative(process.cwd(), outdir) || '.'} (runtime nodejs22.x, handlers index.handler and receipts.handler):`,
  );
  console.log(line(table[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of table.slice(1)) console.log(line(row));
}

async function main() {
  // pnpm passes the `--` of `npm run bundle -- --providers …` through to the script.
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  let options;
  try {
    ({ values: options } = parseArgs({
      args,
      options: {
        providers: { type: 'string', multiple: true },
        arch: { type: 'string', default: 'arm64' },
        outdir: { type: 'string', default: 'dist-lambda' },
        metafile: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (!ARCHITECTURES.includes(options.arch)) {
    console.error(`--arch must be one of ${ARCHITECTURES.join(', ')}; got "${options.arch}"`);
    return 2;
  }
  const allIds = await builtInProviderIds();
  const sets = options.providers
    ? options.providers.map((list) =>
        list
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean),
      )
    : [...allIds.map((id) => [id]), ['all']];
  const bundles = [];
  for (const set of sets) {
    const ids = set.includes('all') ? allIds : [...new Set(set)].sort();
    const unknown = ids.filter((id) => !allIds.includes(id));
    if (ids.length === 0 || unknown.length > 0) {
      console.error(
        `${ids.length === 0 ? 'empty --providers list' : `unknown provider id(s): ${unknown.join(', ')}`}; built-in providers: ${allIds.join(', ')} (or "all")`,
      );
      return 2;
    }
    const name = bundleName(ids, allIds);
    if (!bundles.some((b) => b.name === name)) bundles.push({ ids, name });
  }

  const outdir = resolve(packageDir, options.outdir);
  await mkdir(outdir, { recursive: true });
  const rows = [];
  for (const { ids, name } of bundles) {
    rows.push(await bundleOne({ ids, name, arch: options.arch, outdir, metafile: options.metafile }));
  }
  printTable(rows, outdir);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main().catch((error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 1;
  });
}
