// Sizes and profiles: the node_modules closure of the reference, the files a cold start loads,
// the bytes of each package inside our loaded chunks (esbuild metafile), and a CPU profile's
// self time by package (through the bundles' source maps).
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package a file belongs to: the name after the last `node_modules/`, or for workspace
 * sources `cognito-sms:<package dir>` (core, handler, providers/twilio, …).
 */
export function packageOf(file, repoRoot) {
  const normalized = file.split(sep).join('/');
  const at = normalized.lastIndexOf('/node_modules/');
  if (at >= 0) {
    const parts = normalized.slice(at + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const rel = relative(repoRoot, file).split(sep).join('/');
  const workspace = /^packages\/(providers\/[^/]+|[^/]+)\//.exec(rel);
  if (workspace) return `cognito-sms:${workspace[1]}`;
  if (rel.startsWith('bench/')) return 'bench';
  return rel;
}

/**
 * What `npm install` would put next to the reference handler: the packages `roots` and
 * everything they depend on (dependencies and installed optionalDependencies), resolved the way
 * Node resolves them from each package's real directory. Files of nested node_modules are
 * counted with their own package.
 */
export function closureOf(fromDir, roots) {
  const seen = new Map();
  const visit = (name, from) => {
    const dir = findPackageDir(name, from);
    if (!dir || seen.has(dir)) return;
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    seen.set(dir, manifest.name);
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) visit(dep, dir);
  };
  for (const root of roots) visit(root, fromDir);
  let bytes = 0;
  let files = 0;
  for (const dir of seen.keys()) {
    for (const file of walk(dir)) {
      bytes += statSync(file).size;
      files += 1;
    }
  }
  return { packages: seen.size, bytes, files };
}

function findPackageDir(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : walk(join(dir, entry.name));
    return entry.isFile() ? [join(dir, entry.name)] : [];
  });
}

/** Bytes and count of the files a cold start loaded, and the bytes by package. */
export function summarizeLoaded(paths, repoRoot) {
  const files = [...new Set(paths)].filter((f) => existsSync(f));
  const byPackage = new Map();
  let bytes = 0;
  for (const file of files) {
    const size = statSync(file).size;
    bytes += size;
    const pkg = packageOf(file, repoRoot);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + size);
  }
  return {
    bytes,
    files: files.length,
    paths: files,
    byPackage: [...byPackage].map(([name, b]) => ({ package: name, bytes: b })).sort((a, b) => b.bytes - a.bytes),
  };
}

/**
 * For our bundles: the bytes each source package contributes to the chunks a cold start
 * loaded (esbuild metafile `bytesInOutput`), largest first.
 */
export function bytesByPackage(bundle, loadedPaths, repoRoot) {
  if (!bundle.metafile) return undefined;
  const loaded = new Set(loadedPaths.map((p) => resolve(p)));
  const totals = new Map();
  for (const [output, meta] of Object.entries(bundle.metafile.outputs)) {
    if (!loaded.has(resolve(bundle.metafileBase, output))) continue;
    for (const [input, { bytesInOutput }] of Object.entries(meta.inputs)) {
      const pkg = packageOf(resolve(bundle.metafileBase, input), repoRoot);
      totals.set(pkg, (totals.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].map(([name, bytes]) => ({ package: name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/**
 * A V8 CPU profile's time by package. Each sample's time goes to the package of the innermost
 * frame on its stack that belongs to a package (through source maps for bundles); samples with
 * no such frame go to Node's own buckets (module loading and compiling, GC, idle). So a
 * `require()` made by the aws-sdk counts for the aws-sdk, as does the code it runs.
 */
export function analyzeProfile(file, repoRoot) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n.id);
  const maps = new Map();
  const sourceMapFor = (path) => {
    if (!maps.has(path)) {
      const mapFile = `${path}.map`;
      maps.set(path, existsSync(mapFile) ? { map: new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))), dir: dirname(mapFile) } : null);
    }
    return maps.get(path);
  };
  const ownPackage = new Map();
  const packageOfNode = (node) => {
    if (ownPackage.has(node.id)) return ownPackage.get(node.id);
    const { url, functionName, lineNumber, columnNumber } = node.callFrame;
    let pkg;
    if (functionName === '(garbage collector)') pkg = '(gc)';
    else if (functionName === '(idle)') pkg = '(idle)';
    else if (url.startsWith('file://') && !fileURLToPath(url).startsWith(join(repoRoot, 'bench', 'lib'))) {
      // (bench/lib/child.mjs, the harness, is left out: what it calls is module loading.)
      const path = fileURLToPath(url);
      const sm = path.endsWith('.mjs') ? sourceMapFor(path) : null;
      if (sm) {
        const entry = sm.map.findEntry(lineNumber, columnNumber);
        // Line 0 column 0 is a chunk's own top level: the statements esbuild hoisted there from
        // many ES modules, so it belongs to no one package.
        pkg = entry?.originalSource
          ? packageOf(resolve(sm.dir, entry.originalSource.replace(/^file:\/\//, '')), repoRoot)
          : 'top level of bundle chunks (mixed)';
      } else pkg = packageOf(path, repoRoot);
    }
    ownPackage.set(node.id, pkg);
    return pkg;
  };
  const attributed = new Map();
  const attribute = (id) => {
    if (attributed.has(id)) return attributed.get(id);
    const node = nodes.get(id);
    let pkg = packageOfNode(node);
    if (pkg === undefined) {
      const parent = parents.get(id);
      pkg = parent === undefined ? 'node: module loading, compiling, runtime' : attribute(parent);
    }
    attributed.set(id, pkg);
    return pkg;
  };
  const totals = new Map();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    totalUs += us;
    const pkg = attribute(id);
    totals.set(pkg, (totals.get(pkg) ?? 0) + us);
  });
  return {
    totalMs: totalUs / 1000,
    byPackage: [...totals].map(([name, us]) => ({ package: name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms),
  };
}
