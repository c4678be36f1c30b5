// Status callbacks an emulator sends back, the way a provider calls the URL a message named:
// each emulator builds and signs its provider's documented request, this sends it and keeps
// what the receiver answered, so a test can await them and assert on the outcome.
import { setTimeout as sleep } from 'node:timers/promises';

/** Where an emulated message ends up; each emulator maps it to its provider's status words. */
export type DeliveryOutcome = 'delivered' | 'undelivered' | 'failed' | 'expired';

/** Decides the outcome of each message by its destination (E.164), e.g. one country failing. */
export type OutcomeByDestination = (to: string) => DeliveryOutcome;

/** One callback request, signed as the provider signs it. */
export interface StatusCallback {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body; empty for GET (the parameters are then in `url`). */
  readonly body: string;
  /** Wait this long after the previous callback before sending (a provider reports after a while). */
  readonly delayMs?: number;
}

/** A callback sent, with the receiver's answer (`status` undefined when it could not be reached). */
export interface SentCallback extends StatusCallback {
  readonly status: number | undefined;
  readonly responseBody: string;
}

export interface CallbackSender {
  /** Sends in order: a message's callbacks reach the receiver one after the other. */
  send(callback: StatusCallback): void;
  /** Resolves once every callback sent so far has been answered, with all of them in order. */
  settled(): Promise<readonly SentCallback[]>;
  /** Forgets what was sent. */
  reset(): void;
}

/**
 * The callback queue an emulator uses: sends one at a time (a provider reports `sent` before
 * `delivered`), records every answer, never throws into the emulator.
 *
 * @example
 * ```ts
 * const callbacks = createCallbackSender();
 * callbacks.send({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body });
 * const [first] = await callbacks.settled();
 * ```
 */
export function createCallbackSender(): CallbackSender {
  let sent: SentCallback[] = [];
  let tail: Promise<unknown> = Promise.resolve();
  return {
    send(callback) {
      const batch = sent;
      tail = tail.then(async () => {
        if (callback.delayMs) await sleep(callback.delayMs);
        const answer = await deliver(callback);
        batch.push({ ...callback, ...answer });
      });
    },
    async settled() {
      let current: Promise<unknown>;
      do {
        current = tail;
        await current;
      } while (current !== tail);
      return [...sent];
    },
    reset() {
      sent = [];
    },
  };
}

async function deliver(callback: StatusCallback): Promise<{ status: number | undefined; responseBody: string }> {
  try {
    const response = await fetch(callback.url, {
      method: callback.method,
      headers: callback.headers,
      ...(callback.method === 'POST' ? { body: callback.body } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, responseBody: await response.text() };
  } catch (error) {
    return { status: undefined, responseBody: error instanceof Error ? error.message : String(error) };
  }
}
