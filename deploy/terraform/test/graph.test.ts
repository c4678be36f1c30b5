import { describe, expect, it } from 'vitest';
import { findCycle, referenceGraph } from './graph.js';
import { exampleDir, loadConfiguration, moduleDir } from './hcl.js';

describe('Terraform reference graph of the example and the module', () => {
  it('has no cycle (terraform plan would fail with "Error: Cycle")', async () => {
    const graph = referenceGraph(await loadConfiguration(exampleDir), { sms: await loadConfiguration(moduleDir) });
    expect(graph.get(':aws_cognito_user_pool.pool')).toContain('module.sms:output.kms_key_arn');
    expect(graph.get('module.sms:var.user_pool_id')).toContain(':aws_cognito_user_pool.pool');
    expect(findCycle(graph)).toBeUndefined();
  });

  it('reports a cycle through a module variable and output', () => {
    const root = {
      resource: { aws_thing: { a: [{ key: '${module.m.out}' }] } },
      module: { m: [{ source: './m', id: '${aws_thing.a.id}' }] },
    };
    const child = { variable: { id: [{}] }, locals: [{ x: '${true ? "*" : var.id}' }], output: { out: [{ value: '${local.x}' }] } };
    expect(findCycle(referenceGraph(root, { m: child }))).toEqual([
      ':aws_thing.a',
      'module.m:output.out',
      'module.m:local.x',
      'module.m:var.id',
      ':aws_thing.a',
    ]);
  });
});
