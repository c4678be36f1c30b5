#!/usr/bin/env node
// What every package we publish must look like, in one place: which workspace packages are
// published (every one that is not `private`), the manifest fields that keep the workspace out
// of the tarball, and a LICENSE beside each README.
//
//   node scripts/publishing.mjs           # check every publishable package; exit 1 on a problem
//   node scripts/publishing.mjs --write   # bring every publishable package in line
//   … --repository https://github.com/<owner>/<repo>
//                                         # also check (or --write) each `repository`: npm's
//                                         # provenance check refuses a package whose
//                                         # repository.url is not the repository that built it
//
// In the workspace, `exports` carries the `@cognito-sms/source` condition so vitest, tsc and
// esbuild read TypeScript sources without a build. A published package has no sources, so its
// `publishConfig.exports` (which pnpm pack and pnpm publish put in the tarball in place of
// `exports`) is the same map without that condition.
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SOURCE_CONDITION = '@cognito-sms/source';
/** Source maps point at sources the tarball does not hold. */
const NO_MAPS = '!dist/**/*.map';

/** Workspace package directories (relative to the root), from pnpm-workspace.yaml's `dir/*` and `dir` entries. */
export function workspaceDirs() {
  const globs = [];
  let inPackages = false;
  for (const line of readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').split('\n')) {
    if (/^packages:\s*$/.test(line)) inPackages = true;
    else if (/^\S/.test(line)) inPackages = false;
    else if (inPackages) {
      const match = /^\s+-\s+['"]?([^'"#]+?)['"]?\s*$/.exec(line);
      if (match) globs.push(match[1]);
    }
  }
  const dirs = [];
  for (const glob of globs) {
    if (glob.endsWith('/*')) {
      const parent = glob.slice(0, -2);
      if (!existsSync(join(root, parent))) continue;
      for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
        if (entry.isDirectory() && existsSync(join(root, parent, entry.name, 'package.json'))) dirs.push(`${parent}/${entry.name}`);
      }
    } else if (existsSync(join(root, glob, 'package.json'))) dirs.push(glob);
  }
  return dirs.sort();
}

/**
 * The packages meant for users: every workspace package that is not `private`.
 *
 * @example `publishablePackages().map((p) => p.manifest.name) // ['@cognito-sms/cdk', …]`
 */
export function publishablePackages() {
  return workspaceDirs()
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => manifest.private !== true);
}

/**
 * An `exports` map without the workspace's source condition, at any depth.
 *
 * @example `publishedExports({ '.': { '@cognito-sms/source': './src/index.ts', default: './dist/index.js' } }) // { '.': { default: './dist/index.js' } }`
 */
export function publishedExports(exports) {
  if (typeof exports !== 'object' || exports === null || Array.isArray(exports)) return exports;
  return Object.fromEntries(
    Object.entries(exports)
      .filter(([key]) => key !== SOURCE_CONDITION)
      .map(([key, value]) => [key, publishedExports(value)]),
  );
}

/** `files` for the tarball: the manifest's entries without sources, and no source maps. */
export function publishedFiles(files = ['dist']) {
  return [...files.filter((entry) => entry !== 'src' && !entry.startsWith('src/') && entry !== NO_MAPS), NO_MAPS];
}

/** `repository` of the package in `dir` of the GitHub repository at `url`. */
export const repositoryField = (url, dir) => ({ type: 'git', url: `git+${url.replace(/\/$/, '')}.git`, directory: dir });

/**
 * The manifest as it must be committed: `files` and `publishConfig.exports` derived from
 * `exports`, and `repository` when the repository's URL is given.
 */
export function alignedManifest(manifest, { dir, repository } = {}) {
  return {
    ...manifest,
    ...(repository ? { repository: repositoryField(repository, dir) } : {}),
    files: publishedFiles(manifest.files),
    publishConfig: { ...manifest.publishConfig, exports: publishedExports(manifest.exports) },
  };
}

/** What keeps one package from packing cleanly, each as a sentence. */
export function packageProblems({ dir, manifest }, { repository } = {}) {
  const problems = [];
  const at = (text) => problems.push(`${dir}: ${text}`);
  const aligned = alignedManifest(manifest, { dir, repository });
  if (repository && JSON.stringify(manifest.repository) !== JSON.stringify(aligned.repository)) {
    at(`\`repository\` must be ${JSON.stringify(aligned.repository)} (npm provenance checks it)`);
  }
  if (!manifest.exports) at('has no `exports` map');
  if (JSON.stringify(manifest.files) !== JSON.stringify(aligned.files)) at(`\`files\` must be ${JSON.stringify(aligned.files)}`);
  if (JSON.stringify(manifest.publishConfig?.exports) !== JSON.stringify(aligned.publishConfig.exports)) {
    at(`\`publishConfig.exports\` must be \`exports\` without "${SOURCE_CONDITION}"`);
  }
  if (manifest.license !== 'Apache-2.0') at('`license` must be "Apache-2.0"');
  if (!existsSync(join(root, dir, 'README.md'))) at('has no README.md');
  const license = join(root, dir, 'LICENSE');
  if (!existsSync(license) || !readFileSync(license).equals(readFileSync(join(root, 'LICENSE'))))
    at('LICENSE must be a copy of the root LICENSE');
  return problems;
}

/** Writes the aligned manifest and the LICENSE copy of one package (a new provider's, for instance). */
export function alignPackage(dir, { repository } = {}) {
  const file = join(root, dir, 'package.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, `${JSON.stringify(alignedManifest(manifest, { dir, repository }), null, 2)}\n`);
  copyFileSync(join(root, 'LICENSE'), join(root, dir, 'LICENSE'));
}

// What a packed tarball may hold, checked by scripts/consumer-check.mjs.

/** The regular files of a .tgz (ustar), path → content. */
export function readTarball(file) {
  const data = gunzipSync(readFileSync(file));
  const files = new Map();
  for (let offset = 0; offset + 512 <= data.length; ) {
    const header = data.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const text = (start, end) => header.subarray(start, end).toString('utf8').replace(/\0.*$/s, '');
    const size = Number.parseInt(text(124, 136).trim() || '0', 8);
    const type = text(156, 157);
    const prefix = text(345, 500);
    const name = (prefix ? `${prefix}/` : '') + text(0, 100);
    if (type === '0' || type === '') files.set(name.replace(/^package\//, ''), data.subarray(offset + 512, offset + 512 + size));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** Export targets of an exports map: [subpath, target] pairs, conditions flattened. */
export function exportTargets(exports, subpath = '.') {
  if (typeof exports === 'string') return [[subpath, exports]];
  if (typeof exports !== 'object' || exports === null) return [];
  return Object.entries(exports).flatMap(([key, value]) => exportTargets(value, key.startsWith('.') ? key : subpath));
}

/** attw's `esm-only` profile: resolutions an ESM-only package does not serve. */
export const ESM_ONLY_IGNORED = ['node10', 'node16-cjs'];
// dist/package.json: the handler's dist/ is a Lambda asset as it stands, ESM by its `"type": "module"`.
const ALLOWED = /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/package\.json|dist\/.+\.(js|d\.ts|cjs|mjs))$/;

/** What is wrong with one packed tarball's contents, and the entry points attw must check. */
export function tarballProblems(files, extraFiles) {
  const problems = [];
  for (const path of files.keys()) {
    if (/(^|\/)(test|tests|__tests__)\/|\.test\.|\.spec\./.test(path)) problems.push(`holds a test file: ${path}`);
    else if (!ALLOWED.test(path) && !extraFiles.some((entry) => path === entry || path.startsWith(`${entry}/`)))
      problems.push(`holds ${path} (only built JS, .d.ts, README, LICENSE)`);
  }
  for (const required of ['package.json', 'README.md', 'LICENSE']) if (!files.has(required)) problems.push(`has no ${required}`);
  const manifestText = files.get('package.json')?.toString('utf8') ?? '{}';
  if (manifestText.includes('workspace:')) problems.push('package.json holds a workspace: specifier');
  if (manifestText.includes(SOURCE_CONDITION)) problems.push(`package.json holds the ${SOURCE_CONDITION} condition`);
  const manifest = JSON.parse(manifestText);
  const wildcardEntries = [];
  for (const [subpath, target] of exportTargets(manifest.exports)) {
    const path = target.replace(/^\.\//, '');
    if (!path.includes('*')) {
      if (!files.has(path)) problems.push(`exports "${subpath}" → ${target}, which is not in the tarball`);
      continue;
    }
    const [before, after] = path.split('*');
    const matches = [...files.keys()].filter((file) => file.startsWith(before) && file.endsWith(after));
    if (matches.length === 0) problems.push(`exports "${subpath}" → ${target} matches no file`);
    if (path.endsWith('.js')) {
      for (const match of matches) wildcardEntries.push(subpath.replace('*', match.slice(before.length, match.length - after.length)));
    }
  }
  return { problems, manifest, wildcardEntries: [...new Set(wildcardEntries)] };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const packages = publishablePackages();
  const at = process.argv.indexOf('--repository');
  const repository = at > 0 ? process.argv[at + 1] : undefined;
  if (at > 0 && !/^https:\/\/github\.com\/[^/\s]+\/[^/\s]+$/.test(repository ?? '')) {
    console.error('--repository takes the GitHub URL, e.g. https://github.com/acme/cognito-sms');
    process.exit(2);
  }
  if (process.argv.includes('--write')) {
    for (const { dir } of packages) alignPackage(dir, { repository });
    console.log(`aligned ${packages.length} packages`);
  } else {
    const problems = packages.flatMap((pkg) => packageProblems(pkg, { repository }));
    for (const problem of problems) console.error(problem);
    if (problems.length > 0) {
      const fix = `node ${relative(process.cwd(), fileURLToPath(import.meta.url))} --write${repository ? ` --repository ${repository}` : ''}`;
      console.error(`\n${problems.length} problem(s); \`${fix}\` fixes the manifests and LICENSE copies`);
      process.exit(1);
    }
    console.log(`${packages.length} publishable packages: manifests and LICENSE files in line`);
  }
}
