import type { Destination, DestinationInspector, NumberType, PhoneMetadata } from './destination-types.js';
import { DestinationBlockedError } from './errors.js';

/** Every value of {@link NumberType}, for configuration parsing. */
export const NUMBER_TYPES: readonly NumberType[] = [
  'MOBILE',
  'FIXED_LINE',
  'FIXED_LINE_OR_MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
  'INVALID',
];

/**
 * `non-mobile` in configuration: every type an SMS code has no business going to, `INVALID`
 * included (a number that matches no pattern of its country is no mobile either).
 */
export const NON_MOBILE_NUMBER_TYPES: readonly NumberType[] = NUMBER_TYPES.filter(
  (type) => type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE',
);

/**
 * Loads libphonenumber-js metadata, lazily so a cold start pays only for what it uses:
 * `countries` (the `min` set, ~80 KB minified) tells the region of a number; `types` (the
 * `max` set, ~150 KB) also tells its type (mobile, premium rate, …). Both are their own chunk
 * in a bundle.
 *
 * @example `const inspector = createDestinationInspector(await loadPhoneMetadata('types'), { types: true })`
 */
export async function loadPhoneMetadata(detail: 'countries' | 'types'): Promise<PhoneMetadata> {
  const module = detail === 'types' ? await import('libphonenumber-js/max/metadata') : await import('libphonenumber-js/min/metadata');
  return module.default;
}

/**
 * Loads the parser (libphonenumber-js/core, ~38 KB) and the metadata it needs, and builds an
 * inspector: nothing of libphonenumber-js is loaded until this is called.
 *
 * @example `const inspector = await loadDestinationInspector({ types: config.blockedNumberTypes.length > 0 })`
 */
export async function loadDestinationInspector(options: { types?: boolean } = {}): Promise<DestinationInspector> {
  const types = options.types ?? false;
  const [{ createDestinationInspector }, metadata] = await Promise.all([
    import('./inspector.js'),
    loadPhoneMetadata(types ? 'types' : 'countries'),
  ]);
  return createDestinationInspector(metadata, { types });
}

/**
 * A destination key as operators write it: an ISO region (`GB`) or a calling code (`+44`).
 * `GB` matches only numbers of the United Kingdom; `+44` also matches Guernsey, Jersey and the
 * Isle of Man, which share the calling code.
 */
export const DESTINATION_KEY = /^(?:[A-Z]{2}|\+[1-9]\d{0,2})$/;

/**
 * The keys that describe a destination, most specific first: its region, then its calling code.
 *
 * @example `destinationKeys({ country: 'GG', callingCode: '44', type: undefined }) // ['GG', '+44']`
 */
export const destinationKeys = (destination: Destination): string[] => [
  ...(destination.country ? [destination.country] : []),
  ...(destination.callingCode ? [`+${destination.callingCode}`] : []),
];

/** Which destinations an SMS may go to: the SMS-pumping defence. */
export interface DestinationPolicy {
  /** When non-empty, only these regions or calling codes are served. */
  readonly allowedCountries?: readonly string[];
  /** Never served, even when allowed. */
  readonly blockedCountries?: readonly string[];
  /** Number types never served; needs an inspector with types. */
  readonly blockedNumberTypes?: readonly NumberType[];
  /**
   * Serve a destination whose region is unknown (a number that does not parse, such as
   * `+99999999999`, or a calling code of no region, such as `+882`) although other rules are
   * set. Default false: such a number could otherwise slip past every block list.
   */
  readonly allowUnknownCountry?: boolean;
}

/**
 * Refuses a destination the policy excludes, before anything is decrypted or sent. Once any
 * rule is set, a destination of unknown region is refused too, unless `allowUnknownCountry`.
 *
 * @throws {DestinationBlockedError} `CountryNotAllowed`, `CountryBlocked`, `UnknownDestination` or `NumberTypeBlocked`.
 * @example `screenDestination(inspector.inspect(to), { blockedCountries: ['+882'], blockedNumberTypes: ['PREMIUM_RATE'] })`
 */
export function screenDestination(destination: Destination, policy: DestinationPolicy): void {
  const keys = destinationKeys(destination);
  const where = destination.country ?? (destination.callingCode ? `+${destination.callingCode}` : 'an unknown country');
  const allowed = policy.allowedCountries ?? [];
  if (allowed.length > 0 && !keys.some((key) => allowed.includes(key))) {
    throw new DestinationBlockedError('CountryNotAllowed', `${where} is not in SMS_ALLOWED_COUNTRIES`, destination);
  }
  const blocked = (policy.blockedCountries ?? []).find((key) => keys.includes(key));
  if (blocked) {
    throw new DestinationBlockedError('CountryBlocked', `${where} is blocked by SMS_BLOCKED_COUNTRIES (${blocked})`, destination);
  }
  const blockedTypes = policy.blockedNumberTypes ?? [];
  // An allowed list has refused it already; block lists alone cannot name what has no region.
  if (
    destination.country === undefined &&
    blockedTypes.length + (policy.blockedCountries?.length ?? 0) > 0 &&
    !policy.allowUnknownCountry
  ) {
    throw new DestinationBlockedError(
      'UnknownDestination',
      `the number's country is unknown (${destination.callingCode ? `calling code +${destination.callingCode}` : 'it does not parse'}); refused while SMS_BLOCKED_COUNTRIES or SMS_BLOCKED_NUMBER_TYPES is set, unless SMS_ALLOW_UNKNOWN_COUNTRY=true`,
      destination,
    );
  }
  const type = destination.type;
  if (type && blockedTypes.includes(type)) {
    throw new DestinationBlockedError(
      'NumberTypeBlocked',
      `the number is ${type === 'INVALID' ? 'not a valid number' : `a ${type} number`} in ${where}, blocked by SMS_BLOCKED_NUMBER_TYPES`,
      destination,
    );
  }
}
