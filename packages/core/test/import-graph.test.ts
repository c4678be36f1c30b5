import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every relative import of core/src, static, dynamic, re-export or type-only: a type-only
// circle is still a circle to a reader, and to a bundler once someone turns it into a value.
const SOURCE = fileURLToPath(new URL('../src/', import.meta.url));
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]\.\/([^'"]+)\.js['"]/g;

const importGraph = (): Map<string, string[]> =>
  new Map(
    readdirSync(SOURCE)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => {
        const text = readFileSync(`${SOURCE}${file}`, 'utf8');
        return [file.replace(/\.ts$/, ''), [...new Set([...text.matchAll(RELATIVE_IMPORT)].map((m) => m[1] as string))]];
      }),
  );

/** The first import circle found, as the path that closes it (`a → b → a`), or undefined. */
function findCircle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const done = new Set<string>();
  const visit = (module: string, path: string[]): string[] | undefined => {
    const seen = path.indexOf(module);
    if (seen >= 0) return [...path.slice(seen), module];
    if (done.has(module)) return undefined;
    for (const next of graph.get(module) ?? []) {
      const circle = visit(next, [...path, module]);
      if (circle) return circle;
    }
    done.add(module);
    return undefined;
  };
  for (const module of graph.keys()) {
    const circle = visit(module, []);
    if (circle) return circle;
  }
  return undefined;
}

describe('Module graph: core/src', () => {
  it('finds a circle when there is one (the walk itself works)', () => {
    const graph = new Map([
      ['destination', ['errors', 'inspector']],
      ['inspector', ['destination']],
      ['errors', []],
    ]);
    expect(findCircle(graph)).toEqual(['destination', 'inspector', 'destination']);
  });

  it('reads the imports of the real sources, dynamic and type-only included', () => {
    const graph = importGraph();
    expect(graph.get('destination')).toEqual(expect.arrayContaining(['destination-types', 'errors', 'inspector']));
    expect(graph.get('inspector')).toEqual(['destination-types']);
  });

  it('has no import circle', () => {
    expect(findCircle(importGraph())).toBeUndefined();
  });
});
