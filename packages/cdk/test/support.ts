import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';

/**
 * An app for tests: no version reporting, and CloudFormation's built-in template validation
 * only where a test asks for it (it loads a large WebAssembly engine, seconds per process).
 */
export const testApp = (options: { cloudFormationValidation?: boolean } = {}): App =>
  new App({
    analyticsReporting: false,
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
    // Findings of that validation fail the synthesis instead of printing warnings.
    context: { '@aws-cdk/core:validateAgainstDefaultRules': true },
  });

// The smallest valid zip: an empty end-of-central-directory record.
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);

/**
 * A directory shaped like `packages/handler/dist-lambda/` holding one bundle per entry, each
 * a manifest and an (empty) zip, as `npm run bundle` writes them.
 */
export function fakeBundleDir(
  bundles: { name: string; providers: string[]; architecture?: 'arm64' | 'x86_64'; receipts?: boolean }[],
): string {
  const dir = mkdtempSync(join(tmpdir(), 'cognito-sms-cdk-bundles-'));
  for (const { name, providers, architecture = 'arm64', receipts = true } of bundles) {
    writeFileSync(join(dir, `${name}.zip`), EMPTY_ZIP);
    const manifest = {
      name,
      providers,
      architecture,
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      // Bundles built before delivery receipts have neither field.
      ...(receipts ? { receiptsHandler: 'receipts.handler', receiptsProviders: providers.filter((id) => id !== 'console') } : {}),
      zip: `${name}.zip`,
      zipBytes: 22,
      zipSha256: '',
    };
    writeFileSync(join(dir, `${name}.manifest.json`), JSON.stringify(manifest));
  }
  return dir;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Logical ids a value refers to through Ref, Fn::GetAtt and Fn::Sub (pseudo parameters excluded). */
export function referencedIds(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedIds(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value as Record<string, Json>)) {
      if (key === 'Ref' && typeof inner === 'string') into.add(inner);
      else if (key === 'Fn::GetAtt') into.add(Array.isArray(inner) ? String(inner[0]) : (String(inner).split('.')[0] ?? ''));
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? inner[0] : inner;
        for (const match of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) into.add((match[1] ?? '').split('.')[0] ?? '');
        if (Array.isArray(inner)) referencedIds(inner[1], into);
      } else referencedIds(inner, into);
    }
  }
  for (const id of [...into]) if (id.startsWith('AWS::')) into.delete(id);
  return into;
}

/**
 * Dependency cycles between a template's resources (what CloudFormation refuses with
 * "Circular dependency between resources"), each as the list of logical ids on the cycle.
 */
export function dependencyCycles(template: {
  Resources?: Record<string, { DependsOn?: string | string[]; Properties?: unknown }>;
}): string[][] {
  const resources = template.Resources ?? {};
  const edges = new Map<string, string[]>();
  for (const [id, resource] of Object.entries(resources)) {
    const dependsOn = resource.DependsOn === undefined ? [] : ([] as string[]).concat(resource.DependsOn);
    edges.set(
      id,
      [...new Set([...dependsOn, ...referencedIds(resource.Properties)])].filter((dep) => dep in resources),
    );
  }
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string) => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of edges.get(id) ?? []) {
      if (state.get(dep) === 'visiting') cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
      else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of edges.keys()) if (!state.has(id)) visit(id);
  return cycles;
}
