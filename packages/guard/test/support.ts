import type { Destination, GuardRequest } from '@cognito-sms/core';
import type { GuardSettings } from '../src/guard.js';
import { parseDestinationTable, parseRateLimits, parseSpendLimits, toMicros } from '../src/limits.js';

export const NO_LIMITS: GuardSettings = {
  perNumber: [],
  perUser: [],
  perPrefix: [],
  prefixDigits: 6,
  perCountry: new Map(),
  global: [],
  prices: new Map(),
  budget: [],
  homeCountries: [],
  quarantineSeconds: 0,
  onStoreError: 'open',
  exemptNumbers: [],
};

export const limits = (text: string) => parseRateLimits(text).limits;
export const countryLimits = (text: string) =>
  parseDestinationTable(text, (value) => {
    const parsed = parseRateLimits(value);
    return parsed.problems[0] ?? parsed.limits;
  }).table;
export const prices = (text: string) => parseDestinationTable(text, (value) => toMicros(value) ?? 'bad price').table;
export const budget = (text: string) => parseSpendLimits(text).limits;

const DESTINATIONS: Record<string, Destination> = {
  '44': { country: 'GB', callingCode: '44', type: undefined },
  '1': { country: 'US', callingCode: '1', type: undefined },
  '880': { country: 'BD', callingCode: '880', type: undefined },
  '49': { country: 'DE', callingCode: '49', type: undefined },
};

/** A request to `to` (E.164), with the destination its calling code tells. */
export function request(to: string, overrides: Partial<GuardRequest> = {}): GuardRequest {
  const code = ['880', '44', '49', '1'].find((c) => to.startsWith(`+${c}`)) ?? '44';
  return {
    to,
    destination: DESTINATIONS[code] as Destination,
    userPoolId: 'eu-west-1_Pool1',
    userKey: `user-${to}`,
    trigger: 'CustomSMSSender_SignUp',
    segments: 1,
    ...overrides,
  };
}

export const signal = () => AbortSignal.timeout(5000);

/** A clock the test moves. */
export function fakeClock(start = Date.UTC(2026, 11, 6, 12, 0, 0)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}
