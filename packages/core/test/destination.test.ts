import { beforeAll, describe, expect, it } from 'vitest';
import {
  destinationKeys,
  loadDestinationInspector,
  loadPhoneMetadata,
  NON_MOBILE_NUMBER_TYPES,
  screenDestination,
} from '../src/destination.js';
import type { DestinationInspector } from '../src/destination-types.js';
import { DestinationBlockedError, isDestinationBlockedError } from '../src/errors.js';
import { createDestinationInspector } from '../src/inspector.js';

let countries: DestinationInspector;
let types: DestinationInspector;
beforeAll(async () => {
  countries = await loadDestinationInspector();
  types = await loadDestinationInspector({ types: true });
});

describe('Function: createDestinationInspector', () => {
  it.each([
    ['+14155550100', 'US', '1'],
    ['+447400123456', 'GB', '44'],
    ['+447781123456', 'GG', '44'],
    ['+447700900123', 'GB', '44'],
    ['+77011234567', 'KZ', '7'],
    ['+33612345678', 'FR', '33'],
    ['+882351234567', undefined, '882'],
  ])('tells the region of %s: %s (+%s)', (number, country, callingCode) => {
    expect(countries.inspect(number)).toEqual({ country, callingCode, type: undefined });
  });

  it.each([
    ['+33612345678', 'MOBILE'],
    ['+33899123456', 'PREMIUM_RATE'],
    ['+19005550123', 'PREMIUM_RATE'],
    ['+18005550100', 'TOLL_FREE'],
    ['+441534123456', 'FIXED_LINE'],
    ['+447700900123', 'INVALID'],
  ])('tells the type of %s with the full metadata: %s', (number, type) => {
    expect(types.inspect(number).type).toBe(type);
  });

  it('refuses to detect types on metadata that cannot tell them', async () => {
    const metadata = await loadPhoneMetadata('countries');
    expect(() => createDestinationInspector(metadata, { types: true })).toThrow(/max metadata/);
  });
});

describe('Function: screenDestination', () => {
  const gb = { country: 'GB', callingCode: '44', type: 'MOBILE' as const };
  const gg = { country: 'GG', callingCode: '44', type: 'MOBILE' as const };

  it('allows everything when nothing is configured', () => {
    expect(() => screenDestination(gb, {})).not.toThrow();
  });

  it('refuses a region outside the allowed list, by ISO code or calling code', () => {
    expect(() => screenDestination(gg, { allowedCountries: ['GB'] })).toThrow(DestinationBlockedError);
    expect(() => screenDestination(gg, { allowedCountries: ['+44'] })).not.toThrow();
  });

  it('refuses a blocked region even when it is allowed, and says which entry blocked it', () => {
    try {
      screenDestination(gb, { allowedCountries: ['+44'], blockedCountries: ['GB'] });
      expect.unreachable();
    } catch (error) {
      expect(isDestinationBlockedError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'CountryBlocked', country: 'GB', retryable: false });
      expect((error as Error).message).toContain('SMS_BLOCKED_COUNTRIES (GB)');
    }
  });

  it('refuses the blocked number types, and unknown regions when an allowed list is set', () => {
    expect(() => screenDestination({ ...gb, type: 'PREMIUM_RATE' }, { blockedNumberTypes: NON_MOBILE_NUMBER_TYPES })).toThrow(
      /PREMIUM_RATE number in GB/,
    );
    expect(() => screenDestination(gb, { blockedNumberTypes: NON_MOBILE_NUMBER_TYPES })).not.toThrow();
    expect(() => screenDestination({ country: undefined, callingCode: '882', type: undefined }, { allowedCountries: ['GB'] })).toThrow(
      /\+882 is not in/,
    );
  });

  it('counts INVALID as non-mobile', () => {
    expect(NON_MOBILE_NUMBER_TYPES).toContain('INVALID');
    expect(NON_MOBILE_NUMBER_TYPES).not.toContain('MOBILE');
    expect(NON_MOBILE_NUMBER_TYPES).not.toContain('FIXED_LINE_OR_MOBILE');
  });

  it('refuses a destination of unknown region once a block list is set, unless allowUnknownCountry', () => {
    const unparsed = { country: undefined, callingCode: '', type: 'INVALID' as const };
    const noRegion = { country: undefined, callingCode: '882', type: 'MOBILE' as const };
    for (const destination of [unparsed, noRegion]) {
      expect(() => screenDestination(destination, {})).not.toThrow();
      for (const policy of [{ blockedCountries: ['RU'] }, { blockedNumberTypes: ['PREMIUM_RATE' as const] }]) {
        expect(() => screenDestination(destination, policy)).toThrow(expect.objectContaining({ code: 'UnknownDestination' }));
        expect(() => screenDestination(destination, { ...policy, allowUnknownCountry: true })).not.toThrow();
      }
    }
    expect(() => screenDestination(unparsed, { blockedNumberTypes: NON_MOBILE_NUMBER_TYPES, allowUnknownCountry: true })).toThrow(
      /not a valid number/,
    );
  });

  it('lists the region before the calling code', () => {
    expect(destinationKeys(gg)).toEqual(['GG', '+44']);
  });
});
