// Bundles the Lambda entry with esbuild: one ESM file per entry plus one chunk per provider,
// so a cold start loads only the adapters that SMS_PROVIDER names.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { leanBundlePlugins } from './scripts/esbuild-plugins.mjs';

await rm('dist', { recursive: true, force: true });
const result = await build({
  entryPoints: {
    index: 'src/index.ts',
    'create-handler': 'src/create-handler.ts',
    receipts: 'src/receipts.ts',
    'create-receipts-handler': 'src/create-receipts-handler.ts',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // Workspace packages are bundled from their TypeScript sources; published ones from ESM.
  conditions: ['@cognito-sms/source', 'module'],
  mainFields: ['module', 'main'],
  minify: true,
  // No source maps: the published package holds no sources for them to point at (the Lambda
  // bundles of scripts/bundle.mjs keep theirs).
  sourcemap: false,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  // Some dependencies are CommonJS and call require() on Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  metafile: true,
  logLevel: 'warning',
  plugins: leanBundlePlugins,
});
// dist/ is a Lambda asset as it stands (the CDK construct's default outside this repository):
// Lambda reads index.js and receipts.js as ES modules only with this beside them.
await writeFile('dist/package.json', '{ "type": "module" }\n');

// The SAM template ships in the package, its CodeUri on this dist/: `npm i @cognito-sms/handler`
// then `sam deploy -t node_modules/@cognito-sms/handler/sam/template.yaml` needs no clone.
const REPOSITORY_CODE_URI = 'CodeUri: ../../packages/handler/dist-lambda/all.zip';
const samTemplate = await readFile('../../deploy/sam/template.yaml', 'utf8');
if (samTemplate.split(REPOSITORY_CODE_URI).length !== 3) {
  throw new Error(`deploy/sam/template.yaml must name "${REPOSITORY_CODE_URI}" for both functions`);
}
await mkdir('sam', { recursive: true });
await writeFile('sam/template.yaml', samTemplate.replaceAll(REPOSITORY_CODE_URI, 'CodeUri: ../dist'));
const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
const total = outputs.reduce((sum, [, output]) => sum + output.bytes, 0);
console.log(
  `handler bundle: ${outputs.length} files, ${(total / 1024).toFixed(0)} KiB (dist/index.js ${(result.metafile.outputs['dist/index.js'].bytes / 1024).toFixed(0)} KiB)`,
);
