// Internal to core: not exported from a package entry.

/**
 * Repeats a value in an error message as JSON, cut to `max` characters (80 by default) with its
 * full length noted, so an oversized input (an event field, an Encryption SDK header value of up
 * to 64 KB) cannot bloat an error or a log line.
 *
 * @example `quoteCapped('x'.repeat(1000)) // '"xxx…xxx…" (1002 characters)'`
 */
export const quoteCapped = (value: unknown, max = 80): string => {
  const quoted = JSON.stringify(value) ?? String(value);
  return quoted.length > max ? `${quoted.slice(0, max - 3)}…" (${quoted.length} characters)` : quoted;
};
