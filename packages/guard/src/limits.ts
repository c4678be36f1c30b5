import { DESTINATION_KEY } from '@cognito-sms/core';

/** One limit: at most `count` within each fixed window of `windowSeconds` (aligned to the epoch, UTC). */
export interface RateLimit {
  readonly count: number;
  readonly windowSeconds: number;
  /** As written, e.g. `3/10m`: what error messages and logs name. */
  readonly text: string;
}

/** A spend limit: at most `amount` (in the currency of the prices) within each window. */
export interface SpendLimit {
  /** In millionths of the currency unit, so the store adds whole numbers. */
  readonly amountMicros: number;
  readonly windowSeconds: number;
  readonly text: string;
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
const WINDOW = /^(\d*)([smhd])$/;
const MAX_WINDOW_SECONDS = 31 * 86_400;

/** `10m` → 600. */
function parseWindow(text: string): number | string {
  const match = WINDOW.exec(text);
  if (!match) return `${JSON.stringify(text)} is not a window: a unit s, m, h or d, optionally after a number (10m, h, 7d)`;
  const seconds = Number(match[1] || '1') * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
  if (seconds <= 0 || seconds > MAX_WINDOW_SECONDS) return `${JSON.stringify(text)}: a window lasts 1 second to 31 days`;
  return seconds;
}

/** Splits `a,b` and `a;b` lists, dropping blanks. */
const items = (value: string, separator: string) =>
  value
    .split(separator)
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * Parses a limit list, `COUNT/WINDOW` separated by commas: every limit of the list must hold.
 * `off` or `none` is the empty list.
 *
 * @returns the limits, or the problems found (one message each).
 * @example `parseRateLimits('3/10m,10/d') // { limits: [{ count: 3, windowSeconds: 600, text: '3/10m' }, …] }`
 */
export function parseRateLimits(value: string): { limits: RateLimit[]; problems: string[] } {
  const limits: RateLimit[] = [];
  const problems: string[] = [];
  if (/^(off|none)$/i.test(value.trim())) return { limits, problems };
  for (const item of items(value, ',')) {
    const [count = '', window = '', ...rest] = item.split('/');
    const windowSeconds = parseWindow(window.trim());
    if (rest.length > 0 || !/^\d+$/.test(count.trim()) || Number(count) < 1 || Number(count) > 1e9) {
      problems.push(`${JSON.stringify(item)} is not COUNT/WINDOW with a whole COUNT of 1 or more (e.g. 5/10m, 20/d)`);
    } else if (typeof windowSeconds === 'string') problems.push(windowSeconds);
    else limits.push({ count: Number(count), windowSeconds, text: `${Number(count)}/${window.trim()}` });
  }
  return { limits, problems };
}

/**
 * Parses `20/h,200/d`: spend per window, in the currency of `SMS_PRICES`.
 *
 * @example `parseSpendLimits('20/h') // { limits: [{ amountMicros: 20_000_000, windowSeconds: 3600, text: '20/h' }] }`
 */
export function parseSpendLimits(value: string): { limits: SpendLimit[]; problems: string[] } {
  const limits: SpendLimit[] = [];
  const problems: string[] = [];
  for (const item of items(value, ',')) {
    const [amount = '', window = '', ...rest] = item.split('/');
    const windowSeconds = parseWindow(window.trim());
    const micros = toMicros(amount.trim());
    if (rest.length > 0 || micros === undefined || micros <= 0) {
      problems.push(`${JSON.stringify(item)} is not AMOUNT/WINDOW with a positive AMOUNT (e.g. 20/h, 200/d)`);
    } else if (typeof windowSeconds === 'string') problems.push(windowSeconds);
    else limits.push({ amountMicros: micros, windowSeconds, text: `${amount.trim()}/${window.trim()}` });
  }
  return { limits, problems };
}

/** `0.0083` → 8300; undefined when not a non-negative decimal. */
export function toMicros(text: string): number | undefined {
  if (!/^\d+(?:\.\d+)?$/.test(text)) return undefined;
  const micros = Math.round(Number(text) * 1e6);
  return Number.isSafeInteger(micros) ? micros : undefined;
}

/**
 * Parses a table by destination, `KEYS=VALUE` separated by `;`, keys ISO codes, calling codes
 * or `default` (the syntax of `SMS_ROUTES`): `default=50/h;US,CA=5000/h`.
 *
 * @example `parseDestinationTable('default=0.05;US=0.0083', toMicros)`
 */
export function parseDestinationTable<T>(
  value: string,
  parseValue: (text: string) => T | string,
): { table: Map<string, T>; problems: string[] } {
  const table = new Map<string, T>();
  const problems: string[] = [];
  for (const item of items(value, ';')) {
    const at = item.indexOf('=');
    if (at <= 0 || at === item.length - 1) {
      problems.push(`${JSON.stringify(item)} is not KEYS=VALUE (e.g. "default=50/h;US=5000/h")`);
      continue;
    }
    const parsed = parseValue(item.slice(at + 1).trim());
    if (typeof parsed === 'string') {
      problems.push(parsed);
      continue;
    }
    for (const raw of items(item.slice(0, at), ',')) {
      const key = raw.toLowerCase() === 'default' ? 'default' : raw.toUpperCase();
      if (key !== 'default' && !DESTINATION_KEY.test(key))
        problems.push(`${JSON.stringify(raw)} is not an ISO 3166 country code (GB), a calling code (+44) or default`);
      else if (table.has(key)) problems.push(`${key} is listed twice`);
      else table.set(key, parsed);
    }
  }
  return { table, problems };
}
