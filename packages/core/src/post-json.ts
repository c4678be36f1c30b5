import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { ProviderError } from './errors.js';

/** A provider's answer to a JSON POST, read whole. */
export interface JsonAnswer {
  readonly status: number;
  /** The `Retry-After` header, as sent. */
  readonly retryAfter: string | null;
  /** The body parsed as JSON; `undefined` when it is empty or not JSON. */
  readonly body: unknown;
}

/**
 * POSTs `payload` as JSON with Node's `fetch` and reads the whole answer, for adapters that
 * call a provider's REST API directly. The body is always read (an unread body holds the
 * keep-alive connection), and the call returns only after undici has put the connection back
 * in its pool, one macrotask after the body ends: otherwise a quick second send opens a second
 * connection. Failures without an answer go through `transportError`, the adapter's own
 * classification (see `transportError` in this package).
 *
 * @example
 * ```ts
 * const { status, body } = await postJson(endpoint, { to }, { headers, signal, transportError: (e) => sinchTransportError(e, signal, false) });
 * ```
 */
export async function postJson(
  url: string,
  payload: unknown,
  options: { headers: Readonly<Record<string, string>>; signal: AbortSignal; transportError: (error: unknown) => ProviderError },
): Promise<JsonAnswer> {
  try {
    const response = await fetch(url, { method: 'POST', headers: options.headers, body: JSON.stringify(payload), signal: options.signal });
    const text = await response.text();
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: parseJson(text) };
  } catch (error) {
    throw options.transportError(error);
  } finally {
    await nextMacrotask();
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
