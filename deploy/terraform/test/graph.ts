import type { Json } from './hcl.js';

/**
 * Terraform's static reference graph of a root configuration and its module calls: node →
 * the nodes its expressions name, both branches of every conditional included (as Terraform
 * draws it). Nodes are `<module path>:<address>`, e.g. `module.sms:var.user_pool_id`.
 */
export function referenceGraph(root: Json, modules: Record<string, Json>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const edge = (from: string, to: string) => {
    // A validation names its own variable.
    if (from === to) return;
    if (!graph.has(from)) graph.set(from, new Set());
    graph.get(from)?.add(to);
  };
  const visit = (path: string, configuration: Json, callerArgs?: { path: string; args: Json; root: Json }) => {
    const refs = (value: unknown, from: string, scope: string, own: Json) => {
      for (const target of referencesIn(value, new Set(Object.keys(own.resource ?? {})))) {
        if (target.startsWith('module.')) {
          const [, name, output] = target.split('.');
          const child = modules[name as string];
          if (!child) throw new Error(`unknown module ${target}`);
          for (const o of output ? [output] : Object.keys(child.output ?? {}))
            edge(from, `${scope === '' ? '' : `${scope}.`}module.${name}:output.${o}`);
        } else edge(from, `${scope}:${target}`);
      }
    };
    const node = (address: string) => `${path}:${address}`;
    for (const [kind, prefix] of [
      ['resource', ''],
      ['data', 'data.'],
    ] as const) {
      for (const [type, byName] of Object.entries((configuration[kind] ?? {}) as Record<string, Record<string, Json[]>>)) {
        for (const [name, blocks] of Object.entries(byName)) {
          const address = node(`${prefix}${type}.${name}`);
          graph.set(address, graph.get(address) ?? new Set());
          refs(blocks, address, path, configuration);
        }
      }
    }
    for (const [name, value] of Object.entries(Object.assign({}, ...(configuration.locals ?? [])) as Record<string, Json>)) {
      graph.set(node(`local.${name}`), new Set());
      refs(value, node(`local.${name}`), path, configuration);
    }
    for (const [name, blocks] of Object.entries((configuration.output ?? {}) as Record<string, Json[]>)) {
      graph.set(node(`output.${name}`), new Set());
      refs(blocks, node(`output.${name}`), path, configuration);
    }
    for (const [name, blocks] of Object.entries((configuration.variable ?? {}) as Record<string, Json[]>)) {
      const address = node(`var.${name}`);
      graph.set(address, new Set());
      // Validations: conservatively the variable's own edges.
      refs(blocks[0]?.validation ?? [], address, path, configuration);
      const passed = callerArgs?.args[name];
      if (callerArgs && passed !== undefined) refs(passed, address, callerArgs.path, callerArgs.root);
    }
  };
  visit('', root);
  for (const [name, blocks] of Object.entries((root.module ?? {}) as Record<string, Json[]>)) {
    const child = modules[name];
    if (!child) throw new Error(`no configuration for module ${name}`);
    const { source: _source, depends_on, count, for_each, ...args } = blocks[0];
    if (depends_on || count || for_each) throw new Error(`module ${name}: depends_on, count and for_each are not modelled`);
    visit(`module.${name}`, child, { path: '', args, root });
  }
  return graph;
}

/** Every reference an HCL value's `${…}` expressions make, nested templates included, as addresses. */
function referencesIn(value: unknown, resourceTypes: Set<string>): Set<string> {
  const found = new Set<string>();
  const text = JSON.stringify(value);
  let index = text.indexOf('${');
  while (index !== -1) {
    let depth = 0;
    let end = index + 1;
    for (; end < text.length; end++) {
      if (text[end] === '{') depth++;
      if (text[end] === '}' && --depth === 0) break;
    }
    const expression = text.slice(index + 2, end);
    for (const [, name] of expression.matchAll(/(?<![\w.])var\.(\w+)/g)) found.add(`var.${name}`);
    for (const [, name] of expression.matchAll(/(?<![\w.])local\.(\w+)/g)) found.add(`local.${name}`);
    for (const [, name, output] of expression.matchAll(/(?<![\w.])module\.(\w+)(?:\.(\w+))?/g))
      found.add(`module.${name}${output ? `.${output}` : ''}`);
    for (const [, type, name] of expression.matchAll(/(?<![\w.])data\.(\w+)\.(\w+)/g)) found.add(`data.${type}.${name}`);
    for (const [, type, name] of expression.matchAll(/(?<![\w.])([a-z][a-z0-9]*_\w+)\.(\w+)/g)) {
      if (resourceTypes.has(type as string)) found.add(`${type}.${name}`);
    }
    index = text.indexOf('${', end);
  }
  return found;
}

/** A cycle of the graph as its nodes in order, or undefined. */
export function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const dfs = (node: string): string[] | undefined => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) throw new Error(`${node} refers to the undeclared ${next}`);
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = dfs(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    if (!state.has(node)) {
      const cycle = dfs(node);
      if (cycle) return cycle;
    }
  }
  return undefined;
}
