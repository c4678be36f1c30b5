import { createServer } from 'node:net';
import { isCognitoSmsError } from '@cognito-sms/core';
import { cognitoEvent } from '@cognito-sms/testkit';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { contextWithRemaining, logLines, metricValues, useProviderEmulators } from './policy-support.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const p = useProviderEmulators();
const CODE = '604218';
const PHONE = '+447700900123';
// Short backoff so retries do not slow the suite; the backoff itself is tested with a fake clock in core.
const FAST = { SMS_RETRY_BASE_DELAY_MS: '1' };

const signUp = async () => cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt(CODE) });
const attempts = () =>
  logLines(h.output, 'SMS attempt failed').map((line) => ({ provider: line.provider, errorCode: line.errorCode, next: line.next }));

/** A port nothing listens on: connections are refused. */
const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};

describe('Handler: failover and retries through SMS_PROVIDER chains', () => {
  it('retries a provider that answers 429 and delivers there without failing over', async () => {
    // Prepare
    const handler = await createHandler(h.env({ ...p.env('alpha', 'beta'), ...FAST }));
    p.alpha.enqueue({ status: 429, body: { error: 'rate limited' } });
    // Act
    const receipt = await handler(await signUp(), h.context);
    // Assess
    expect(receipt.provider).toBe('alpha');
    expect(p.alpha.requests).toHaveLength(2);
    expect(p.beta.requests).toHaveLength(0);
    expect(attempts()).toEqual([{ provider: 'alpha', errorCode: 'HTTP_429', next: 'retry' }]);
  });

  it('fails over to the next provider once the retries on a throttling one are used up', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha', 'beta'), ...FAST, SMS_MAX_RETRIES: '2' }));
    p.alpha.enqueue({ status: 429 }, { status: 429 }, { status: 429 });
    const receipt = await handler(await signUp(), h.context);
    expect(receipt.provider).toBe('beta');
    expect(p.alpha.requests).toHaveLength(3);
    expect(p.posted(p.beta)).toEqual([expect.objectContaining({ to: PHONE, body: `Your verification code is ${CODE}` })]);
    expect(attempts().map((a) => a.next)).toEqual(['retry', 'retry', 'failover']);
  });

  it('fails over at once when Retry-After asks for longer than SMS_RETRY_MAX_DELAY_MS', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha', 'beta'), SMS_RETRY_MAX_DELAY_MS: '1000' }));
    p.alpha.enqueue({ status: 429, headers: { 'retry-after': '30' } });
    const receipt = await handler(await signUp(), h.context);
    expect(receipt.provider).toBe('beta');
    expect(p.alpha.requests).toHaveLength(1);
    expect(logLines(h.output, 'SMS attempt failed')[0]).toMatchObject({
      next: 'failover',
      reason: expect.stringContaining('Retry-After 30000 ms'),
    });
  });

  it('waits the Retry-After a provider asks for when it is within the cap', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha', 'beta'), SMS_RETRY_MAX_DELAY_MS: '2000' }));
    p.alpha.enqueue({ status: 429, headers: { 'retry-after': '1' } });
    const receipt = await handler(await signUp(), h.context);
    expect(receipt.provider).toBe('alpha');
    expect(logLines(h.output, 'SMS attempt failed')[0]).toMatchObject({ next: 'retry', delayMs: 1000 });
  });

  it('fails over on a 5xx without retrying the same provider: the default for ambiguous errors', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha', 'beta'), ...FAST }));
    p.alpha.enqueue({ status: 503 });
    const receipt = await handler(await signUp(), h.context);
    expect(receipt.provider).toBe('beta');
    expect(p.alpha.requests).toHaveLength(1);
    expect(logLines(h.output, 'SMS attempt failed')[0]).toMatchObject({
      provider: 'alpha',
      ambiguous: true,
      next: 'failover',
      nextProvider: 'beta',
    });
  });

  it('fails over when the first provider does not answer within SMS_ATTEMPT_TIMEOUT_MS', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha', 'beta'), SMS_ATTEMPT_TIMEOUT_MS: '300' }));
    p.alpha.enqueue({ status: 202, body: { id: 'late' }, delayMs: 5000 });
    const receipt = await handler(await signUp(), h.context);
    expect(receipt.provider).toBe('beta');
    expect(attempts()).toEqual([{ provider: 'alpha', errorCode: 'Timeout', next: 'failover' }]);
  });

  it('retries, then fails over, when the first provider refuses connections', async () => {
    const env = { ...p.env('alpha', 'beta'), ...FAST, SMS_MAX_RETRIES: '1', ALPHA_URL: `http://127.0.0.1:${await closedPort()}/sms` };
    const handler = await createHandler(h.env(env));
    const receipt = await handler(await signUp(), h.context);
    expect(receipt.provider).toBe('beta');
    expect(attempts()).toEqual([
      { provider: 'alpha', errorCode: 'ECONNREFUSED', next: 'retry' },
      { provider: 'alpha', errorCode: 'ECONNREFUSED', next: 'failover' },
    ]);
  });

  it('stops at a permanent error: the next provider is never tried and the invocation fails', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha', 'beta'), ...FAST }));
    p.alpha.enqueue({ status: 400, body: { error: 'invalid number' } });
    const error = await handler(await signUp(), h.context).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'ProviderError', provider: 'alpha', code: 'HTTP_400', retryable: false });
    expect(p.beta.requests).toHaveLength(0);
    expect(attempts()).toEqual([{ provider: 'alpha', errorCode: 'HTTP_400', next: 'stop' }]);
    expect(metricValues(h.output, 'SmsFailed')).toEqual([expect.objectContaining({ value: 1, provider: 'alpha' })]);
  });

  it('SMS_ON_AMBIGUOUS_ERROR=stop never sends again after a 5xx', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha', 'beta'), SMS_ON_AMBIGUOUS_ERROR: 'stop' }));
    p.alpha.enqueue({ status: 502 });
    await expect(handler(await signUp(), h.context)).rejects.toMatchObject({ code: 'HTTP_502' });
    expect(p.beta.requests).toHaveLength(0);
  });

  it('SMS_ON_AMBIGUOUS_ERROR=retry retries a 5xx on the same provider', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha', 'beta'), ...FAST, SMS_ON_AMBIGUOUS_ERROR: 'retry' }));
    p.alpha.enqueue({ status: 500 });
    await expect(handler(await signUp(), h.context)).resolves.toMatchObject({ provider: 'alpha' });
    expect(p.beta.requests).toHaveLength(0);
  });

  it('ends before the Lambda does when every provider stalls: each attempt is bounded by the remaining time', async () => {
    // Prepare: 1.5 s left, the default 500 ms margin, providers that answer after 10 s.
    const handler = await createHandler(h.env({ ...p.env('alpha', 'beta') }));
    p.alpha.enqueue({ status: 202, delayMs: 10_000 });
    p.beta.enqueue({ status: 202, delayMs: 10_000 });
    const event = await signUp();
    const context = contextWithRemaining(1500);
    // Act
    const error = await handler(event, context).then(
      () => undefined,
      (e: unknown) => e,
    );
    // Assess: the handler gave up while the Lambda still had time left, and said why.
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(isCognitoSmsError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'DeliveryTimeoutError', code: 'DeliveryTimeout', retryable: true });
    expect(p.beta.requests).toHaveLength(0);
  });

  it('logs one line per attempt, with neither the code nor the phone number', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha', 'beta'), ...FAST }));
    p.alpha.enqueue({ status: 429 }, { status: 503 });
    await handler(await signUp(), h.context);
    expect(logLines(h.output, 'SMS attempt failed')).toHaveLength(2);
    expect(logLines(h.output, 'SMS sent')).toEqual([
      expect.objectContaining({ provider: 'beta', attempt: 3, to: '+44********23', country: 'GB' }),
    ]);
    const everything = h.output.join('');
    expect(everything).not.toContain(CODE);
    expect(everything).not.toContain(PHONE);
  });
});
