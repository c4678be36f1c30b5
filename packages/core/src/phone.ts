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

/**
 * Masks a phone number for logs: keeps the `+`, the first two digits (enough to tell the
 * country) and the last two, and replaces the rest with `*`.
 *
 * @example `maskPhoneNumber('+447700900123') // '+44********23'`
 */
export function maskPhoneNumber(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length <= 4) return '*'.repeat(digits.length);
  const prefix = value.startsWith('+') ? '+' : '';
  // No real number has more than 15 digits; an oversized one must not bloat a log line.
  if (digits.length > 15) return `${prefix}${digits.slice(0, 2)}…${digits.slice(-2)} (${digits.length} digits)`;
  return `${prefix}${digits.slice(0, 2)}${'*'.repeat(digits.length - 4)}${digits.slice(-2)}`;
}
