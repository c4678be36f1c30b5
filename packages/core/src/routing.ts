import { destinationKeys } from './destination.js';
import type { Destination } from './destination-types.js';

/**
 * Provider chains by destination: keys are ISO regions (`GB`) or calling codes (`+44`); a
 * destination takes the chain of its region, else of its calling code, else the default.
 */
export interface RoutingTable<T> {
  readonly default: readonly T[];
  readonly routes: ReadonlyMap<string, readonly T[]>;
}

/**
 * The chain for a destination, and the key that chose it (`default` when none matched).
 *
 * @example `selectRoute({ default: [twilio], routes: new Map([['+1', [sns]]]) }, destination) // { key: '+1', providers: [sns] }`
 */
export function selectRoute<T>(table: RoutingTable<T>, destination: Destination): { key: string; providers: readonly T[] } {
  for (const key of destinationKeys(destination)) {
    const providers = table.routes.get(key);
    if (providers && providers.length > 0) return { key, providers };
  }
  return { key: 'default', providers: table.default };
}

/** The sender for a destination: one for every provider, and/or one per provider id. */
export interface SenderChoice {
  readonly any?: string;
  readonly byProvider?: Readonly<Record<string, string>>;
}

/** Senders by destination key (`GB`, `+44`, or `default`). */
export type SenderTable = ReadonlyMap<string, SenderChoice>;

/**
 * The sender to use with `providerId` for a destination: the most specific key that names one
 * (region, then calling code, then `default`), a per-provider sender before a shared one at
 * the same key. Undefined when nothing is configured: the adapter's own default applies.
 *
 * @example `selectSender(new Map([['GB', { any: 'Acme' }]]), destination, 'twilio') // 'Acme'`
 */
export function selectSender(table: SenderTable, destination: Destination, providerId: string): string | undefined {
  for (const key of [...destinationKeys(destination), 'default']) {
    const choice = table.get(key);
    const sender = choice?.byProvider?.[providerId] ?? choice?.any;
    if (sender !== undefined) return sender;
  }
  return undefined;
}
