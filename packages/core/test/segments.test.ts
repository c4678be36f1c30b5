import { describe, expect, it } from 'vitest';
import { smsSegments } from '../src/segments.js';

describe('Function: smsSegments', () => {
  it.each([
    ['', 'GSM-7', 0, 0],
    ['Your code is 123456', 'GSM-7', 1, 19],
    ['a'.repeat(160), 'GSM-7', 1, 160],
    ['a'.repeat(161), 'GSM-7', 2, 161],
    ['a'.repeat(306), 'GSM-7', 2, 306],
    ['a'.repeat(307), 'GSM-7', 3, 307],
    ['€'.repeat(80), 'GSM-7', 1, 160],
    ['Ihr Code lautet 123456. Grüße', 'GSM-7', 1, 29],
    ['Votre code : 123456 – merci', 'UCS-2', 1, 27],
    ['ж'.repeat(70), 'UCS-2', 1, 70],
    ['ж'.repeat(71), 'UCS-2', 2, 71],
  ])('counts %j as %s in %i segment(s) of %i units', (text, encoding, segments, units) => {
    expect(smsSegments(text)).toMatchObject({ encoding, segments, units });
  });

  it('never splits an extension character across GSM-7 segments', () => {
    // 152 plain characters, then '€' (2 septets) does not fit the first segment's 153.
    expect(smsSegments(`${'a'.repeat(152)}€${'a'.repeat(152)}`).segments).toBe(3);
  });

  it('never splits a surrogate pair across UCS-2 segments', () => {
    expect(smsSegments(`${'ж'.repeat(66)}😀${'ж'.repeat(66)}`).segments).toBe(3);
  });

  it('names the characters that force UCS-2', () => {
    expect(smsSegments('It’s “here”: 123456').nonGsmCharacters).toEqual(['’', '“', '”']);
  });
});
