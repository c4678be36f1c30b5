// The one redactor every adapter gets without asking: deliver() knows the exact code or
// temporary password at send time and removes it from whatever an adapter throws, before the
// error is logged, counted or rethrown. The adapters' own redactors guess from the SMS body
// (`redactProviderText`, `scrubProviderText`, `redactor`); this one does not need to guess.
import { unescapeHtml } from './compose.js';

const REDACTED = '[redacted]';
// Deep enough for an SDK error's cause and its `$response.body`; bounded so a cyclic or huge
// object graph costs little.
const MAX_DEPTH = 5;

const escapeHtml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * Every form in which a provider may echo a secret: as is, URL-encoded (`encodeURIComponent`
 * and form encoding, `+` for a space), HTML-escaped (named and numeric quotes), and JSON-escaped;
 * each for the value and for its HTML-unescaped text (Cognito HTML-escapes temporary passwords,
 * the SMS carries them unescaped). Longest first, so a longer form is replaced before a part of it.
 *
 * @example `secretForms('a&b') // ['a%26b', 'a&amp;b', 'a&b', …]`
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>();
  for (const value of new Set([secret, unescapeHtml(secret)])) {
    forms.add(value);
    forms.add(encodeURIComponent(value));
    forms.add(new URLSearchParams({ v: value }).toString().slice(2));
    forms.add(escapeHtml(value));
    forms.add(escapeHtml(value).replace(/&#39;/g, '&#x27;'));
    forms.add(JSON.stringify(value).slice(1, -1));
  }
  forms.delete('');
  return [...forms].sort((a, b) => b.length - a.length);
}

const scrubText = (text: string, forms: readonly string[]): string => {
  let out = text;
  for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
  return out;
};

/**
 * Removes every form of a secret (see {@link secretForms}) from an error, in place: its
 * message, stack, every own string property (`code`, provider fields), and the same, depth
 * first, through nested errors, arrays and plain objects (`cause`, `errors`, a response body).
 * A nested value that cannot be rewritten (frozen) is replaced by `[redacted]` in its parent.
 * Returns the same error.
 *
 * @example `throw scrubSecret(error, secretForms(code.reveal()))`
 */
export function scrubSecret<E extends object>(error: E, forms: readonly string[]): E {
  if (forms.length > 0) scrubObject(error, forms, 0, new Set());
  return error;
}

/** False when something in `target` still holds the secret. */
function scrubObject(target: object, forms: readonly string[], depth: number, seen: Set<object>): boolean {
  if (seen.has(target)) return true;
  seen.add(target);
  let clean = true;
  for (const key of Reflect.ownKeys(target)) {
    if (typeof key !== 'string') continue;
    const value = (target as Record<string, unknown>)[key];
    const scrubbed = scrubValue(value, forms, depth + 1, seen);
    if (scrubbed === value) continue;
    if (!Reflect.set(target, key, scrubbed) && !redefine(target, key, scrubbed)) clean = false;
  }
  return clean;
}

function scrubValue(value: unknown, forms: readonly string[], depth: number, seen: Set<object>): unknown {
  if (typeof value === 'string') return scrubText(value, forms);
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
  const walkable = value instanceof Error || Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype;
  if (!walkable) return value;
  return scrubObject(value, forms, depth, seen) ? value : REDACTED;
}

function redefine(target: object, key: string, value: unknown): boolean {
  try {
    Object.defineProperty(target, key, { value, writable: true, configurable: true });
    return true;
  } catch {
    return false;
  }
}
