import { DeliveryRejectedError } from './errors.js';

const E164 = /^\+[1-9]\d{6,14}$/;

/** @example `isE164('+447700900123') // true` */
export const isE164 = (value: string): boolean => E164.test(value);

/**
 * Checks that a number is E.164 (`+` then 7 to 15 digits, no leading zero) and returns it.
 *
 * @throws {DeliveryRejectedError} code `InvalidPhoneNumber`, with the number masked.
 * @example `assertE164('+14155550100')`
 */
export function assertE164(value: string): string {
  if (!isE164(value)) {
    throw new DeliveryRejectedError(
      'InvalidPhoneNumber',
      `phone_number ${maskPhoneNumber(value)} is not E.164 (expected "+", the country code and the number: 7 to 15 digits, no spaces)`,
    );
  }
  return value;
}

// Digits a masked number always hides, and the most it shows: a 7-digit number shown as
// `+44***23` would leave 1,000 candidates, few enough to try them all.
const HIDDEN_DIGITS = 6;
const SHOWN_DIGITS = 4;

/**
 * Masks a phone number for logs: keeps the `+`, up to two leading digits (enough to tell the
 * country) and up to the last two, and replaces the rest with `*`. At least six digits are
 * always hidden and at most four shown, so a short number shows less: one leading digit for
 * seven digits, one at each end for eight, two and one for nine.
 *
 * @example
 * ```ts
 * maskPhoneNumber('+447700900123') // '+44********23'
 * maskPhoneNumber('+2901234') // '+2******'
 * ```
 */
export function maskPhoneNumber(value: string): string {
  const digits = value.replace(/\D/g, '');
  const shown = Math.min(SHOWN_DIGITS, digits.length - HIDDEN_DIGITS);
  if (shown <= 0) return '*'.repeat(digits.length);
  const prefix = value.startsWith('+') ? '+' : '';
  // No real number has more than 15 digits; an oversized one must not bloat a log line.
  if (digits.length > 15) return `${prefix}${digits.slice(0, 2)}…${digits.slice(-2)} (${digits.length} digits)`;
  // The country first: it tells an operator more than the end of the number.
  const lead = Math.min(2, Math.ceil(shown / 2));
  const trail = shown - lead;
  return `${prefix}${digits.slice(0, lead)}${'*'.repeat(digits.length - shown)}${trail > 0 ? digits.slice(-trail) : ''}`;
}
