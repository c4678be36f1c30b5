import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BundleNotFoundError, bundleName, DEFAULT_BUNDLE_DIR, findBundle, requireBundle } from '../src/index.js';
import { fakeBundleDir } from './support.js';

describe('Function: bundleName', () => {
  it('sorts and de-duplicates the ids, as npm run bundle names its output', () => {
    expect(bundleName(['twilio'])).toBe('twilio');
    expect(bundleName(['twilio', 'sns', 'twilio'])).toBe('sns+twilio');
  });
});

describe('Function: findBundle', () => {
  it('points at packages/handler/dist-lambda by default', () => {
    expect(DEFAULT_BUNDLE_DIR.replaceAll('\\', '/')).toMatch(/packages\/handler\/dist-lambda\/$/);
  });

  it('finds the bundle of exactly these providers, in any order', () => {
    const dir = fakeBundleDir([{ name: 'sns+twilio', providers: ['sns', 'twilio'] }]);
    expect(findBundle(['twilio', 'sns'], dir)?.zipPath).toBe(join(dir, 'sns+twilio.zip'));
    expect(findBundle(['twilio'], dir)).toBeUndefined();
  });

  it('falls back to "all" only when the providers are exactly its providers', () => {
    const dir = fakeBundleDir([{ name: 'all', providers: ['console', 'sns', 'twilio'] }]);
    expect(findBundle(['twilio', 'console', 'sns'], dir)?.manifest.name).toBe('all');
    expect(findBundle(['twilio'], dir)).toBeUndefined();
  });

  it('ignores a manifest whose zip is gone', () => {
    const dir = fakeBundleDir([{ name: 'twilio', providers: ['twilio'] }]);
    rmSync(join(dir, 'twilio.zip'));
    expect(findBundle(['twilio'], dir)).toBeUndefined();
    expect(() => requireBundle(['twilio'], dir)).toThrow(BundleNotFoundError);
    expect(() => requireBundle(['twilio'], dir)).toThrow(/npm run bundle -- --providers twilio/);
  });
});
