// A SAM user's path from an empty directory: `npm i @cognito-sms/handler`, then
// `sam deploy -t node_modules/@cognito-sms/handler/sam/template.yaml`. SAM resolves each
// function's CodeUri against the template's directory and zips what it finds there.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The package's main entry is dist/index.js; the package directory is its parent's parent.
const packageDir = dirname(dirname(createRequire(import.meta.url).resolve('@cognito-sms/handler')));
const templatePath = join(packageDir, 'sam', 'template.yaml');
const template = readFileSync(templatePath, 'utf8');
const values = (key: string) => [...template.matchAll(new RegExp(`^\\s+${key}: (\\S+)$`, 'gm'))].map((match) => match[1] as string);

describe('Consumer: the SAM template in @cognito-sms/handler', () => {
  it("points both functions' CodeUri at the installed dist/", () => {
    expect(values('CodeUri')).toEqual(['../dist', '../dist']);
    expect(resolve(dirname(templatePath), '../dist')).toBe(join(packageDir, 'dist'));
  });

  it('finds each Handler entry as an ES module in that directory', () => {
    const handlers = values('Handler');
    expect(handlers).toEqual(['index.handler', 'receipts.handler']);
    for (const handler of handlers) expect(existsSync(join(packageDir, 'dist', `${handler.split('.')[0]}.js`))).toBe(true);
    expect(JSON.parse(readFileSync(join(packageDir, 'dist', 'package.json'), 'utf8'))).toEqual({ type: 'module' });
  });
});
