import { describe, expect, it } from 'vitest';
import { ProviderError } from '../src/errors.js';
import { type Clock, DEFAULT_DELIVERY_POLICY, type DeliveryEvent, type DeliveryPolicy, deliver, parseRetryAfter } from '../src/policy.js';
import type { Logger, SendOptions, SmsMessage, SmsProvider } from '../src/provider.js';

/** A clock that moves only when told: sleeps advance it at once, timeouts fire when passed. */
function fakeClock() {
  let time = 0;
  const timers: { at: number; controller: AbortController }[] = [];
  const deadlines = new WeakMap<AbortSignal, number>();
  const sleeps: number[] = [];
  const advance = (ms: number) => {
    time += ms;
    for (const timer of timers) {
      if (!timer.controller.signal.aborted && timer.at <= time) timer.controller.abort(new DOMException('timed out', 'TimeoutError'));
    }
  };
  const clock: Clock & { advance(ms: number): void; sleeps: number[]; deadline(signal: AbortSignal): number } = {
    now: () => time,
    sleep: async (ms) => {
      sleeps.push(ms);
      advance(ms);
    },
    timeout: (ms) => {
      const controller = new AbortController();
      timers.push({ at: time + ms, controller });
      deadlines.set(controller.signal, time + ms);
      return controller.signal;
    },
    advance,
    sleeps,
    deadline: (signal) => deadlines.get(signal) ?? Number.POSITIVE_INFINITY,
  };
  return clock;
}

type Step = { ok: true; takesMs?: number } | { error: ProviderError | Error; takesMs?: number } | { hangs: true };

/** A provider that plays its steps in order, taking fake time; a hanging step waits for the abort. */
function scriptedProvider(id: string, clock: ReturnType<typeof fakeClock>, steps: Step[]) {
  const calls: { message: SmsMessage; at: number; budgetMs: number }[] = [];
  const provider: SmsProvider = {
    id,
    async send(message, { signal }: SendOptions) {
      calls.push({ message, at: clock.now(), budgetMs: clock.deadline(signal) - clock.now() });
      const step = steps.shift() ?? { ok: true };
      const takes = 'hangs' in step ? Number.POSITIVE_INFINITY : (step.takesMs ?? 10);
      const deadline = clock.deadline(signal);
      if (clock.now() + takes >= deadline) {
        clock.advance(deadline - clock.now());
        throw signal.reason;
      }
      clock.advance(takes);
      if ('error' in step) throw step.error;
      return { provider: id, messageId: `${id}-${calls.length}` };
    },
  };
  return Object.assign(provider, { calls });
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const recordingLogger = () => {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const log = (level: string) => (message: string, fields?: unknown) =>
    lines.push({ level, message, fields: (fields ?? {}) as Record<string, unknown> });
  return { logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') } as Logger, lines };
};

const message: SmsMessage = {
  to: '+447700900123',
  body: 'Your code is 123456',
  trigger: 'CustomSMSSender_SignUp',
  userPoolId: 'eu-west-1_Pool1',
};
const throttled = (provider: string, retryAfterMs?: number) =>
  new ProviderError({
    provider,
    code: '429',
    message: 'slow down',
    retryable: true,
    notAccepted: true,
    status: 429,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
const serverError = (provider: string) =>
  new ProviderError({ provider, code: '503', message: 'unavailable', retryable: true, status: 503 });
const invalidNumber = (provider: string) =>
  new ProviderError({ provider, code: '21211', message: 'invalid number', retryable: false, notAccepted: true, status: 400 });

function run(
  providers: SmsProvider[],
  clock: ReturnType<typeof fakeClock>,
  overrides: Partial<DeliveryPolicy> = {},
  extra: { remainingMs?: number; logger?: Logger; senderFor?: (id: string) => string | undefined } = {},
) {
  const events: DeliveryEvent[] = [];
  const deadline = extra.remainingMs ?? 30_000;
  const promise = deliver(providers, message, {
    policy: { ...DEFAULT_DELIVERY_POLICY, ...overrides },
    remainingTimeMs: () => deadline - clock.now(),
    logger: extra.logger ?? silent,
    clock,
    random: () => 1,
    onEvent: (event) => events.push(event),
    ...(extra.senderFor ? { senderFor: extra.senderFor } : {}),
  });
  return { promise, events };
}

describe('Function: deliver', () => {
  it('stops at a permanent error without trying the next provider', async () => {
    // Prepare
    const clock = fakeClock();
    const first = scriptedProvider('first', clock, [{ error: invalidNumber('first') }]);
    const second = scriptedProvider('second', clock, []);
    // Act
    const { promise, events } = run([first, second], clock);
    // Assess
    await expect(promise).rejects.toMatchObject({ name: 'ProviderError', code: '21211' });
    expect(second.calls).toHaveLength(0);
    expect(events.at(-1)).toMatchObject({ type: 'failed', provider: 'first', errorCode: '21211' });
  });

  it('retries a throttled provider with exponential backoff and full jitter, then delivers there', async () => {
    const clock = fakeClock();
    const first = scriptedProvider('first', clock, [{ error: throttled('first') }, { error: throttled('first') }, { ok: true }]);
    const { promise, events } = run([first], clock);
    await expect(promise).resolves.toMatchObject({ provider: 'first' });
    // random() = 1: the full ceiling, 100 ms then 200 ms.
    expect(clock.sleeps).toEqual([100, 200]);
    expect(events.filter((e) => e.type === 'attempt').map((e) => (e.type === 'attempt' ? e.next : undefined))).toEqual([
      'retry',
      'retry',
      undefined,
    ]);
  });

  it('scales the jitter by the random source and caps the backoff at retryMaxDelayMs', async () => {
    const clock = fakeClock();
    const steps: Step[] = Array.from({ length: 4 }, () => ({ error: throttled('first') }));
    const first = scriptedProvider('first', clock, [...steps, { ok: true }]);
    const events: DeliveryEvent[] = [];
    const promise = deliver([first], message, {
      policy: { ...DEFAULT_DELIVERY_POLICY, maxRetries: 4, retryBaseDelayMs: 100, retryMaxDelayMs: 300 },
      remainingTimeMs: () => 30_000 - clock.now(),
      logger: silent,
      clock,
      random: () => 0.5,
      onEvent: (event) => events.push(event),
    });
    await expect(promise).resolves.toMatchObject({ provider: 'first' });
    expect(clock.sleeps).toEqual([50, 100, 150, 150]);
  });

  it('fails over once the retries on a throttled provider are used up', async () => {
    const clock = fakeClock();
    const first = scriptedProvider('first', clock, [
      { error: throttled('first') },
      { error: throttled('first') },
      { error: throttled('first') },
    ]);
    const second = scriptedProvider('second', clock, [{ ok: true }]);
    const { promise, events } = run([first, second], clock);
    await expect(promise).resolves.toMatchObject({ provider: 'second' });
    expect(first.calls).toHaveLength(3);
    expect(events.filter((e) => e.type === 'attempt' && e.next === 'failover')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'sent', provider: 'second', attempts: 4 });
  });

  it('waits exactly the Retry-After a provider asks for when it is within the cap', async () => {
    const clock = fakeClock();
    const first = scriptedProvider('first', clock, [{ error: throttled('first', 750) }, { ok: true }]);
    const { promise } = run([first], clock);
    await expect(promise).resolves.toMatchObject({ provider: 'first' });
    expect(clock.sleeps).toEqual([750]);
  });

  it('fails over at once, without waiting, when Retry-After exceeds the cap', async () => {
    const clock = fakeClock();
    const { logger, lines } = recordingLogger();
    const first = scriptedProvider('first', clock, [{ error: throttled('first', 30_000) }]);
    const second = scriptedProvider('second', clock, [{ ok: true }]);
    const { promise } = run([first, second], clock, {}, { logger });
    await expect(promise).resolves.toMatchObject({ provider: 'second' });
    expect(clock.sleeps).toEqual([]);
    expect(lines.find((l) => l.message === 'SMS attempt failed')?.fields).toMatchObject({
      next: 'failover',
      reason: expect.stringContaining('Retry-After'),
    });
  });

  it('fails over on an ambiguous 5xx without retrying the same provider (default: failover)', async () => {
    const clock = fakeClock();
    const first = scriptedProvider('first', clock, [{ error: serverError('first') }]);
    const second = scriptedProvider('second', clock, [{ ok: true }]);
    const { promise } = run([first, second], clock);
    await expect(promise).resolves.toMatchObject({ provider: 'second' });
    expect(first.calls).toHaveLength(1);
  });

  it('retries an ambiguous 5xx on the same provider when onAmbiguousError is retry', async () => {
    const clock = fakeClock();
    const first = scriptedProvider('first', clock, [{ error: serverError('first') }, { ok: true }]);
    const second = scriptedProvider('second', clock, []);
    const { promise } = run([first, second], clock, { onAmbiguousError: 'retry' });
    await expect(promise).resolves.toMatchObject({ provider: 'first' });
    expect(second.calls).toHaveLength(0);
  });

  it('sends nothing more after an ambiguous failure when onAmbiguousError is stop', async () => {
    const clock = fakeClock();
    const first = scriptedProvider('first', clock, [{ hangs: true }]);
    const second = scriptedProvider('second', clock, []);
    const { promise, events } = run([first, second], clock, { onAmbiguousError: 'stop' });
    await expect(promise).rejects.toMatchObject({ name: 'ProviderError', code: 'Timeout' });
    expect(second.calls).toHaveLength(0);
    expect(events.at(-1)).toMatchObject({ type: 'failed', errorCode: 'Timeout' });
  });

  it('with the defaults, reaches the second provider within a few seconds when the first never answers', async () => {
    const clock = fakeClock();
    const first = scriptedProvider('first', clock, [{ hangs: true }]);
    const second = scriptedProvider('second', clock, [{ ok: true }]);
    const { promise } = run([first, second], clock);
    await expect(promise).resolves.toMatchObject({ provider: 'second' });
    expect(first.calls[0]?.budgetMs).toBe(DEFAULT_DELIVERY_POLICY.attemptTimeoutMs);
    expect(second.calls[0]?.at).toBe(DEFAULT_DELIVERY_POLICY.attemptTimeoutMs);
    expect(second.calls[0]?.at).toBeLessThanOrEqual(5000);
  });

  it('bounds every attempt by the remaining time minus the margin and ends before the Lambda does', async () => {
    const clock = fakeClock();
    const first = scriptedProvider('first', clock, [{ hangs: true }]);
    const second = scriptedProvider('second', clock, [{ hangs: true }]);
    const { promise, events } = run([first, second], clock, { attemptTimeoutMs: 4000, safetyMarginMs: 500 }, { remainingMs: 3000 });
    await expect(promise).rejects.toMatchObject({ name: 'DeliveryTimeoutError', code: 'DeliveryTimeout', retryable: true });
    expect(first.calls[0]?.budgetMs).toBe(2500);
    expect(second.calls).toHaveLength(0);
    expect(clock.now()).toBeLessThanOrEqual(3000 - 500);
    expect(events.at(-1)).toMatchObject({ type: 'failed', errorCode: 'DeliveryTimeout', provider: 'first' });
  });

  it('fails over instead of waiting for a retry that the remaining time cannot fit', async () => {
    const clock = fakeClock();
    const first = scriptedProvider('first', clock, [{ error: throttled('first', 900), takesMs: 100 }]);
    const second = scriptedProvider('second', clock, [{ ok: true }]);
    const { promise } = run([first, second], clock, { retryMaxDelayMs: 1000 }, { remainingMs: 1400 });
    await expect(promise).resolves.toMatchObject({ provider: 'second' });
    expect(clock.sleeps).toEqual([]);
  });

  it('classifies an adapter that throws a bare TimeoutError as ambiguous, and anything else as permanent', async () => {
    const clock = fakeClock();
    const first = scriptedProvider('first', clock, [{ error: new DOMException('late', 'TimeoutError') }]);
    const second = scriptedProvider('second', clock, [{ error: new TypeError('bug') }]);
    const third = scriptedProvider('third', clock, []);
    const { promise } = run([first, second, third], clock);
    await expect(promise).rejects.toMatchObject({ name: 'ProviderError', code: 'AdapterError', retryable: false });
    expect(second.calls).toHaveLength(1);
    expect(third.calls).toHaveLength(0);
  });

  it('hands each provider its own sender and logs one line per attempt without the number', async () => {
    const clock = fakeClock();
    const { logger, lines } = recordingLogger();
    const first = scriptedProvider('first', clock, [{ error: serverError('first') }]);
    const second = scriptedProvider('second', clock, [{ ok: true }]);
    const { promise } = run([first, second], clock, {}, { logger, senderFor: (id) => (id === 'first' ? 'AcmeOne' : undefined) });
    await promise;
    expect(first.calls[0]?.message.sender).toBe('AcmeOne');
    expect(second.calls[0]?.message).not.toHaveProperty('sender');
    expect(lines.map((l) => l.message)).toEqual(['SMS attempt failed', 'SMS sent']);
    expect(JSON.stringify(lines)).not.toContain('+447700900123');
    expect(JSON.stringify(lines)).not.toContain('123456');
    expect(lines[0]?.fields).toMatchObject({
      provider: 'first',
      attempt: 1,
      ambiguous: true,
      next: 'failover',
      nextProvider: 'second',
      to: '+44********23',
    });
  });
});

describe('Function: parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates, and ignores anything else', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('is carried by ProviderError only when it is a finite, non-negative number', () => {
    expect(throttled('p', 1200).retryAfterMs).toBe(1200);
    expect(throttled('p', Number.NaN).retryAfterMs).toBeUndefined();
    expect(throttled('p').retryAfterMs).toBeUndefined();
  });
});
