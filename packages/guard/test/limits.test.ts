import { describe, expect, it } from 'vitest';
import { parseDestinationTable, parseRateLimits, parseSpendLimits, toMicros } from '../src/limits.js';

describe('Function: parseRateLimits', () => {
  it('reads a comma list of COUNT/WINDOW with s, m, h, d windows', () => {
    expect(parseRateLimits('3/10m, 10/d,1/s,100/h').limits).toEqual([
      { count: 3, windowSeconds: 600, text: '3/10m' },
      { count: 10, windowSeconds: 86_400, text: '10/d' },
      { count: 1, windowSeconds: 1, text: '1/s' },
      { count: 100, windowSeconds: 3600, text: '100/h' },
    ]);
  });
  it('reads off and none as no limit', () => {
    expect(parseRateLimits('off')).toEqual({ limits: [], problems: [] });
    expect(parseRateLimits('NONE')).toEqual({ limits: [], problems: [] });
  });
  it('names each malformed item', () => {
    const { problems } = parseRateLimits('3/10x,0/h,abc,5/40d,2/h/3');
    expect(problems).toEqual([
      expect.stringContaining('"10x" is not a window'),
      expect.stringContaining('"0/h" is not COUNT/WINDOW'),
      expect.stringContaining('"abc" is not COUNT/WINDOW'),
      expect.stringContaining('"40d": a window lasts 1 second to 31 days'),
      expect.stringContaining('"2/h/3" is not COUNT/WINDOW'),
    ]);
  });
});

describe('Function: parseSpendLimits', () => {
  it('reads amounts in millionths so the store adds whole numbers', () => {
    expect(parseSpendLimits('20/h,200.5/d').limits).toEqual([
      { amountMicros: 20_000_000, windowSeconds: 3600, text: '20/h' },
      { amountMicros: 200_500_000, windowSeconds: 86_400, text: '200.5/d' },
    ]);
    expect(parseSpendLimits('-1/h').problems).toHaveLength(1);
  });
  it('converts prices exactly', () => {
    expect(toMicros('0.0083')).toBe(8300);
    expect(toMicros('0.05')).toBe(50_000);
    expect(toMicros('1e3')).toBeUndefined();
  });
});

describe('Function: parseDestinationTable', () => {
  it('reads KEYS=VALUE by ISO code, calling code or default', () => {
    const { table, problems } = parseDestinationTable('default=0.05; us,CA=0.0083;+44=0.04', (v) => toMicros(v) ?? 'bad');
    expect(problems).toEqual([]);
    expect([...table]).toEqual([
      ['default', 50_000],
      ['US', 8300],
      ['CA', 8300],
      ['+44', 40_000],
    ]);
  });
  it('refuses unknown keys, duplicates and items without =', () => {
    const { problems } = parseDestinationTable('USA=1;US=1;US=2;x', (v) => toMicros(v) ?? 'bad');
    expect(problems).toEqual([
      expect.stringContaining('"USA" is not an ISO 3166 country code'),
      'US is listed twice',
      expect.stringContaining('"x" is not KEYS=VALUE'),
    ]);
  });
});
