const REDACTED = '[redacted]';

/**
 * A value that must never reach a log: a one-time code, a temporary password, a credential.
 * It prints `[redacted]` through `String()`, template literals, `JSON.stringify` and
 * `util.inspect` (so `console.log` and Powertools Logger too); only {@link Secret.reveal}
 * gives the value back.
 *
 * @example
 * ```ts
 * const token = new Secret('hunter2');
 * `${token}`;            // '[redacted]'
 * token.reveal();        // 'hunter2'
 * ```
 */
export class Secret<T extends string = string> {
  readonly #value: T;
  constructor(value: T) {
    this.#value = value;
  }
  /** The value itself. Call it only where the value is handed to its one legitimate consumer. */
  reveal(): T {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  // Node's util.inspect looks this symbol up by its registered name; using Symbol.for keeps
  // this file free of a `node:util` import.
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }
}

/** @example `isSecret(config.authToken)` */
export const isSecret = (value: unknown): value is Secret =>
  value instanceof Secret || (typeof value === 'object' && value !== null && typeof (value as Secret).reveal === 'function');
