import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface JsonReport {
  testResults: { assertionResults: { title: string; status: string }[] }[];
}

describe('Function: describeProviderConformance', () => {
  it('fails an adapter that breaks the contract, on exactly the broken clauses', () => {
    // Prepare
    const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
    const config = fileURLToPath(new URL('./fixtures/broken-adapter/vitest.config.ts', import.meta.url));
    // Act
    const run = spawnSync(process.execPath, [vitest, 'run', '--config', config, '--reporter=json'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    // Assess
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as JsonReport;
    const results = Object.fromEntries(report.testResults.flatMap((file) => file.assertionResults.map((t) => [t.title, t.status])));
    expect(results).toMatchObject({
      'returns a receipt with the provider id and its message id, after one request': 'passed',
      'classifies a documented permanent answer as permanent': 'failed',
      'classifies a documented retryable answer as retryable, without retrying on its own': 'failed',
      'classifies a dropped connection as retryable': 'failed',
      'rejects at once, sending nothing, when the signal is already aborted': 'failed',
      'rejects with a retryable Timeout when the provider is slower than the signal, and sends nothing afterwards': 'failed',
      'keeps credentials out of the parsed configuration when it is printed': 'passed',
    });
  });
});
