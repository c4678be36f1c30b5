import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isSecret, Secret } from '../src/secret.js';

describe('Class: Secret', () => {
  const secret = new Secret('483920');

  it('prints [redacted] through String(), templates, JSON and util.inspect', () => {
    expect(String(secret)).toBe('[redacted]');
    expect(`${secret}`).toBe('[redacted]');
    expect(JSON.stringify({ code: secret })).toBe('{"code":"[redacted]"}');
    expect(inspect({ nested: { code: secret } }, { depth: 5 })).not.toContain('483920');
    expect(inspect(secret)).toBe('[redacted]');
  });

  it('gives the value back only through reveal()', () => {
    expect(secret.reveal()).toBe('483920');
    expect(Object.keys(secret)).toEqual([]);
    expect(isSecret(secret)).toBe(true);
    expect(isSecret('483920')).toBe(false);
  });
});
