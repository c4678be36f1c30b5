/** How an SMS text travels: GSM-7 (160 characters a segment) or UCS-2 (70). */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** What a text costs to send. */
export interface SmsSegmentInfo {
  readonly encoding: SmsEncoding;
  /** Segments billed: 1 up to 160 GSM-7 septets (70 UCS-2 units), then 153 (67) per segment. */
  readonly segments: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes. */
  readonly units: number;
  /** The characters that forced UCS-2, at most five, in order of appearance (for warnings). */
  readonly nonGsmCharacters: readonly string[];
}

// GSM 03.38 default alphabet (the escape 0x1B excluded) and its extension table, whose
// characters take two septets (escape + character).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENDED = new Set('\f^{}\\[~]|€');

const GSM_SINGLE = 160;
const GSM_MULTI = 153;
const UCS2_SINGLE = 70;
const UCS2_MULTI = 67;

/**
 * Counts the segments a text is billed as. An extension character (`€`, `{`, …) takes two
 * septets and a surrogate pair two UCS-2 units; neither is split across segments, as
 * handsets and carriers do not split them.
 *
 * @example
 * ```ts
 * smsSegments('Your code is 123456')       // { encoding: 'GSM-7', segments: 1, units: 19, nonGsmCharacters: [] }
 * smsSegments('Ihr Code: 123456 – danke')  // { encoding: 'UCS-2', …, nonGsmCharacters: ['–'] }
 * ```
 */
export function smsSegments(text: string): SmsSegmentInfo {
  const characters = Array.from(text);
  const nonGsm: string[] = [];
  for (const character of characters) {
    if (!GSM_BASIC.has(character) && !GSM_EXTENDED.has(character) && !nonGsm.includes(character)) {
      nonGsm.push(character);
    }
  }
  if (nonGsm.length === 0) {
    const sizes = characters.map((character) => (GSM_EXTENDED.has(character) ? 2 : 1));
    return { encoding: 'GSM-7', ...count(sizes, GSM_SINGLE, GSM_MULTI), nonGsmCharacters: [] };
  }
  const sizes = characters.map((character) => character.length);
  return { encoding: 'UCS-2', ...count(sizes, UCS2_SINGLE, UCS2_MULTI), nonGsmCharacters: nonGsm.slice(0, 5) };
}

function count(sizes: readonly number[], single: number, multi: number): { segments: number; units: number } {
  const units = sizes.reduce((sum, size) => sum + size, 0);
  if (units <= single) return { segments: units === 0 ? 0 : 1, units };
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > multi) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return { segments, units };
}
