import { describe, expect, it } from 'vitest';
import { DeliveryRejectedError } from '../src/errors.js';
import { assertE164, isE164, maskPhoneNumber } from '../src/phone.js';

describe('Function: assertE164', () => {
  it.each(['+14155550100', '+447700900123', '+8613800138000', '+1234567'])('accepts %s', (n) => {
    expect(assertE164(n)).toBe(n);
  });

  it.each(['4155550100', '+0123456789', '+1 415 555 0100', '+1234', '+1234567890123456', '', '+44abc'])(
    'throws DeliveryRejectedError for %j without repeating the full number',
    (n) => {
      expect(isE164(n)).toBe(false);
      try {
        assertE164(n);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(DeliveryRejectedError);
        expect((error as DeliveryRejectedError).code).toBe('InvalidPhoneNumber');
        if (n.replace(/\D/g, '').length > 4) expect((error as Error).message).not.toContain(n);
      }
    },
  );
});

describe('Function: maskPhoneNumber', () => {
  it('keeps the country prefix and the last two digits only', () => {
    expect(maskPhoneNumber('+447700900123')).toBe('+44********23');
    expect(maskPhoneNumber('12')).toBe('**');
  });

  it.each([
    ['+2901234', '+2******'],
    ['+29012345', '+2******5'],
    ['+290123456', '+29******6'],
    ['+2901234567', '+29******67'],
    ['123456', '******'],
  ])('shows less of a short number: %s as %s', (number, masked) => {
    expect(maskPhoneNumber(number)).toBe(masked);
  });

  it('hides at least six digits and shows at most four, for every length', () => {
    for (let length = 1; length <= 20; length++) {
      const digits = '1234567890'.repeat(2).slice(0, length);
      const masked = maskPhoneNumber(`+${digits}`);
      const shown = masked.replace(/ \(\d+ digits\)$/, '').replace(/\D/g, '').length;
      expect(shown, masked).toBeLessThanOrEqual(Math.max(0, Math.min(4, length - 6)));
      if (length <= 15) expect(masked.split('*').length - 1, masked).toBe(length - shown);
    }
  });
});
