// The shapes destination.ts and inspector.ts share, in a module of their own so neither imports
// the other: destination.ts loads inspector.ts lazily (with the metadata), and inspector.ts
// needs only these types.
import type { MetadataJson, PhoneNumberType } from 'libphonenumber-js/core';

/** libphonenumber-js metadata; `loadPhoneMetadata` (destination.ts) gives the right size. */
export type PhoneMetadata = MetadataJson;

/**
 * The kind of number, as libphonenumber's metadata tells it (`MOBILE`, `PREMIUM_RATE`, …), or
 * `INVALID` when the number matches no pattern of its country (unassigned ranges, drama
 * numbers such as +44 7700 900xxx).
 */
export type NumberType = PhoneNumberType | 'INVALID';

/** Where an SMS goes, as far as the metadata tells. Holds no part of the number itself. */
export interface Destination {
  /**
   * ISO 3166-1 alpha-2 region (`GB`, `US`, `GG`), or undefined when the calling code is not
   * assigned to a region (`+882`, `+979`). A number that matches no pattern of a shared
   * calling code gets the code's main region (`+44 7700 900123` → `GB`).
   */
  readonly country: string | undefined;
  /** The country calling code, digits only (`44`, `1`). Empty when the number is not parseable. */
  readonly callingCode: string;
  /** The number's type, only when the inspector was built with number types. */
  readonly type: NumberType | undefined;
}

/** Tells where a number goes. Built once per container from metadata. */
export interface DestinationInspector {
  /** True when `type` is filled in (the metadata carries the number-type patterns). */
  readonly detectsTypes: boolean;
  inspect(e164: string): Destination;
}
