import { parsePhoneNumberFromString } from 'libphonenumber-js/core';
import type { DestinationInspector, PhoneMetadata } from './destination-types.js';

// Kept apart from destination.ts so the parser is loaded only with the metadata
// (loadDestinationInspector), never at import time.

/**
 * Builds an inspector on the given metadata. With `types: true` the metadata must be the
 * `max` set (checked on a known premium-rate number, so a wrong set fails at cold start
 * instead of blocking nothing).
 *
 * @example
 * ```ts
 * const { inspect } = createDestinationInspector(await loadPhoneMetadata('countries'));
 * inspect('+14155550100') // { country: 'US', callingCode: '1', type: undefined }
 * ```
 */
export function createDestinationInspector(metadata: PhoneMetadata, options: { types?: boolean } = {}): DestinationInspector {
  const types = options.types ?? false;
  if (types && parsePhoneNumberFromString('+33899123456', metadata)?.getType() !== 'PREMIUM_RATE') {
    throw new TypeError("number types need libphonenumber-js's max metadata: loadPhoneMetadata('types')");
  }
  return {
    detectsTypes: types,
    inspect(e164) {
      const parsed = parsePhoneNumberFromString(e164, metadata);
      if (!parsed) return { country: undefined, callingCode: '', type: types ? 'INVALID' : undefined };
      const callingCode = parsed.countryCallingCode;
      const country = parsed.country ?? metadata.country_calling_codes[callingCode]?.[0];
      const type = types ? (parsed.getType() ?? 'INVALID') : undefined;
      return { country, callingCode, type };
    },
  };
}
