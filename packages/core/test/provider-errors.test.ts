import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isProviderError, ProviderError } from '../src/errors.js';
import {
  isNeverConnected,
  redactor,
  redactProviderText,
  scrubProviderText,
  socketErrorCode,
  transportError,
  transportErrorInit,
} from '../src/provider-errors.js';

/** A Node socket error: `connect ECONNREFUSED …` with its errno code. */
const socketError = (code: string, message = `connect ${code} 127.0.0.1:443`) => Object.assign(new Error(message), { code });

/** What `fetch` (undici) throws when the connection fails: the socket error is the cause. */
const fetchFailed = (cause: unknown) => new TypeError('fetch failed', { cause });

const aborted = () => AbortSignal.abort(new DOMException('The operation timed out.', 'TimeoutError'));

const message = { to: '+447700900123', body: 'Your code is 482913. Do not share it.' };

describe('Function: isNeverConnected', () => {
  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])(
    'is true for %s: no connection was made',
    (code) => {
      // Act
      const result = isNeverConnected(code);

      // Assess
      expect(result).toBe(true);
    },
  );

  it.each(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'econnrefused', '', undefined])(
    'is false for %j: the request may have left, or nothing proves it did not',
    (code) => {
      // Act
      const result = isNeverConnected(code);

      // Assess
      expect(result).toBe(false);
    },
  );
});

describe('Function: socketErrorCode', () => {
  it('reads the code on the error itself (node:http)', () => {
    // Act
    const code = socketErrorCode(socketError('ECONNRESET'));

    // Assess
    expect(code).toBe('ECONNRESET');
  });

  it("finds the code on the cause of fetch's TypeError", () => {
    // Prepare
    const error = fetchFailed(socketError('ECONNREFUSED'));

    // Act
    const code = socketErrorCode(error);

    // Assess
    expect(code).toBe('ECONNREFUSED');
  });

  it('finds the code inside an AggregateError of the addresses tried', () => {
    // Prepare
    const error = fetchFailed(new AggregateError([new Error('no code here'), socketError('EHOSTUNREACH')], 'connect failed'));

    // Act
    const code = socketErrorCode(error);

    // Assess
    expect(code).toBe('EHOSTUNREACH');
  });

  it('skips codes that are not errno-style (numbers, lower case) and keeps looking down the chain', () => {
    // Prepare
    const error = Object.assign(new Error('provider said no', { cause: socketError('UND_ERR_SOCKET') }), { code: 21211 });
    const lowerCase = Object.assign(new Error('sdk', { cause: socketError('EPIPE') }), { code: 'invalid_number' });

    // Act
    const codes = [socketErrorCode(error), socketErrorCode(lowerCase)];

    // Assess
    expect(codes).toEqual(['UND_ERR_SOCKET', 'EPIPE']);
  });

  it('looks five levels deep and no further', () => {
    // Prepare
    const wrap = (cause: unknown, times: number): unknown => (times === 0 ? cause : wrap(new Error('wrapper', { cause }), times - 1));

    // Act
    const atFifth = socketErrorCode(wrap(socketError('ENOTFOUND'), 4));
    const atSixth = socketErrorCode(wrap(socketError('ENOTFOUND'), 5));

    // Assess
    expect(atFifth).toBe('ENOTFOUND');
    expect(atSixth).toBeUndefined();
  });

  it('returns undefined for a failure without a code, a cyclic cause chain, or something that is not an object', () => {
    // Prepare
    const cyclic: { cause?: unknown } = {};
    cyclic.cause = cyclic;

    // Act
    const codes = [fetchFailed(new Error('other side closed')), cyclic, 'ECONNREFUSED', undefined, null].map(socketErrorCode);

    // Assess
    expect(codes).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('Function: transportError', () => {
  it('makes a Timeout that is notAccepted when the signal fired before anything was sent, without a cause', () => {
    // Act
    const error = transportError('sinch', aborted().reason, { signal: aborted(), sentNothing: true, providerName: 'Sinch' });

    // Assess
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'sinch', code: 'Timeout', retryable: true, notAccepted: true, status: undefined });
    expect(error.message).toBe('sinch: the attempt had no time left; nothing was sent');
    expect(error.cause).toBeUndefined();
  });

  it('makes a Timeout that is not notAccepted once the request may have left, even when the error is a socket error', () => {
    // Act
    const error = transportError('sinch', fetchFailed(socketError('ECONNREFUSED')), { signal: aborted(), providerName: 'Sinch' });

    // Assess
    expect(error).toMatchObject({ code: 'Timeout', retryable: true, notAccepted: false });
    expect(error.message).toBe('sinch: no answer from Sinch before the deadline; the message may have been accepted');
  });

  it('makes a Timeout when timedOut says so, with no signal or one that has not fired', () => {
    // Act
    const withoutSignal = transportError('telnyx', undefined, { timedOut: true });
    const withLiveSignal = transportError('telnyx', new Error('sdk timeout'), { timedOut: true, signal: new AbortController().signal });

    // Assess
    expect([withoutSignal.code, withLiveSignal.code]).toEqual(['Timeout', 'Timeout']);
  });

  it('makes a retryable, notAccepted NetworkError when the connection was refused, keeping only the name and code', () => {
    // Prepare
    const cause = Object.assign(socketError('ECONNREFUSED'), { request: { headers: { authorization: 'Bearer s3cr3t-token' } } });

    // Act
    const error = transportError('infobip', fetchFailed(cause), { signal: new AbortController().signal, providerName: 'Infobip' });

    // Assess
    expect(error).toMatchObject({ provider: 'infobip', code: 'NetworkError', retryable: true, notAccepted: true });
    expect(error.message).toBe('infobip: the Infobip API could not be reached (ECONNREFUSED)');
    expect(error.cause).toEqual({ name: 'TypeError', code: 'ECONNREFUSED' });
    expect(`${JSON.stringify(error)} ${inspect(error, { depth: 8 })}`).not.toContain('s3cr3t-token');
  });

  it('makes a retryable NetworkError that is not notAccepted when the connection dropped after it was made', () => {
    // Act
    const error = transportError('sinch', fetchFailed(socketError('ECONNRESET')), { providerName: 'Sinch' });

    // Assess
    expect(error).toMatchObject({ code: 'NetworkError', retryable: true, notAccepted: false });
    expect(error.message).toContain('(ECONNRESET)');
  });

  it("names the error, or 'unknown', when no socket code is found, and the provider id when no name is given", () => {
    // Act
    const typeError = transportError('acme', fetchFailed(new Error('other side closed')));
    const thrownString = transportError('acme', 'boom');

    // Assess
    expect(typeError.message).toBe('acme: the acme API could not be reached (TypeError)');
    expect(typeError).toMatchObject({ code: 'NetworkError', notAccepted: false });
    expect(thrownString.message).toBe('acme: the acme API could not be reached (unknown)');
    expect(thrownString.cause).toEqual({ name: 'string', code: undefined });
  });

  it("uses the socket code as the error's code with networkCode 'socket', NetworkError when there is none", () => {
    // Act
    const reset = transportError('twilio', socketError('ECONNRESET'), { networkCode: 'socket' });
    const unknown = transportError('messagebird', fetchFailed(new Error('?')), { networkCode: 'socket' });

    // Assess
    expect([reset.code, reset.notAccepted]).toEqual(['ECONNRESET', false]);
    expect(unknown.code).toBe('NetworkError');
  });

  it("uses the adapter's wording where it gives one and the default elsewhere", () => {
    // Prepare
    const wording = {
      timeout: 'the SMS API did not answer within the attempt time budget',
      network: (code: string | undefined) => `the connection to the SMS API failed (${code ?? 'network failure'})`,
    };

    // Act
    const late = transportError('vonage', undefined, { timedOut: true, wording });
    const early = transportError('vonage', undefined, { timedOut: true, sentNothing: true, wording });
    const network = transportError('vonage', fetchFailed(new Error('?')), { wording });

    // Assess
    expect(late.message).toBe('vonage: the SMS API did not answer within the attempt time budget');
    expect(early.message).toBe('vonage: the attempt had no time left; nothing was sent');
    expect(network.message).toBe('vonage: the connection to the SMS API failed (network failure)');
  });

  it('is recognised by isProviderError', () => {
    // Act
    const error = transportError('plivo', fetchFailed(socketError('ENOTFOUND')));

    // Assess
    expect(isProviderError(error)).toBe(true);
    expect(error.name).toBe('ProviderError');
  });
});

describe('Function: transportErrorInit', () => {
  it("builds an adapter's own ProviderError subclass with the same fields", () => {
    // Prepare
    class AcmeError extends ProviderError {
      readonly acme = true;
    }

    // Act
    const error = new AcmeError(transportErrorInit('acme', fetchFailed(socketError('EAI_AGAIN')), { providerName: 'Acme' }));

    // Assess
    expect(error).toBeInstanceOf(AcmeError);
    expect(error).toMatchObject({ provider: 'acme', code: 'NetworkError', retryable: true, notAccepted: true, acme: true });
    expect(error.message).toBe('acme: the Acme API could not be reached (EAI_AGAIN)');
  });

  it('leaves out the cause when there is no error', () => {
    // Act
    const init = transportErrorInit('telnyx', undefined);

    // Assess
    expect(init).toMatchObject({ code: 'NetworkError', notAccepted: false, cause: undefined });
  });
});

describe('Function: redactProviderText', () => {
  it('masks the destination, with or without +, keeping the country prefix and the last two digits', () => {
    // Act
    const text = redactProviderText('Invalid parameter: PhoneNumber Reason: +447700900123 is not valid; neither is 447700900123', message);

    // Assess
    expect(text).toBe('Invalid parameter: PhoneNumber Reason: +44********23 is not valid; neither is 44********23');
  });

  it('removes the body, and the tokens of it that hold digits or symbols (the code)', () => {
    // Act
    const whole = redactProviderText(`Rejected: ${message.body}`, message);
    const code = redactProviderText('Message "482913" was blocked', message);

    // Assess
    expect(whole).toBe('Rejected: [message body]');
    expect(code).toBe('Message "[redacted]" was blocked');
  });

  it('removes a short code the body holds inside a longer token, echoed on its own', () => {
    // Act
    const text = redactProviderText('Body rejected near 4821, try again', { to: '+447700900123', body: 'Use code:4821 to sign in' });

    // Assess
    expect(text).toBe('Body rejected near [redacted], try again');
  });

  it('drops the values AWS validation messages quote, and masks or blanks other digit runs', () => {
    // Act
    const text = redactProviderText(
      "1 validation error: Value 'Your code is 1234' at 'messageBody' failed; also +14155550100 and 0123456",
      message,
    );

    // Assess
    expect(text).toBe("1 validation error: Value [redacted] at 'messageBody' failed; also +14*******00 and *******");
  });

  it('cuts the text at 300 characters', () => {
    // Act
    const text = redactProviderText('x'.repeat(400), message);

    // Assess
    expect(text).toBe(`${'x'.repeat(300)}…`);
  });
});

describe('Function: scrubProviderText', () => {
  it('blanks the destination (with and without +), the body and any run of five or more digits', () => {
    // Act
    const texts = [
      scrubProviderText("'447700900123' is not a valid phone number.", message),
      scrubProviderText('+447700900123 rejected', message),
      scrubProviderText(`echo: ${message.body}`, message),
      scrubProviderText('other number +14155550100 or 12345, but 1234 stays', message),
    ];

    // Assess
    expect(texts).toEqual([
      "'[redacted]' is not a valid phone number.",
      '[redacted] rejected',
      'echo: [redacted]',
      'other number [redacted] or [redacted], but 1234 stays',
    ]);
  });

  it('folds white space and cuts at maxLength (160 unless told), marking the cut', () => {
    // Act
    const folded = scrubProviderText('  too \n many\t spaces ', message);
    const byDefault = scrubProviderText('a'.repeat(200), message);
    const at120 = scrubProviderText('a'.repeat(200), message, 120);

    // Assess
    expect(folded).toBe('too many spaces');
    expect(byDefault).toBe(`${'a'.repeat(157)}...`);
    expect(at120).toBe(`${'a'.repeat(117)}...`);
  });

  it('returns undefined for a blank text or something that is not a string', () => {
    // Act
    const results = [scrubProviderText('   ', message), scrubProviderText(undefined, message), scrubProviderText({ error: 'x' }, message)];

    // Assess
    expect(results).toEqual([undefined, undefined, undefined]);
  });
});

describe('Function: redactor', () => {
  it('blanks the given values, longest first, then runs of four or more digits', () => {
    // Prepare
    const redact = redactor([message.to.replace(/^\+/, ''), message.to, 'key-abc123', 'ab']);

    // Act
    const text = redact('Invalid to +447700900123 (447700900123) with key-abc123, ab and code 4829');

    // Assess
    expect(text).toBe('Invalid to [redacted] ([redacted]) with [redacted], ab and code [digits]');
  });

  it('cuts the result at 300 characters', () => {
    // Act
    const text = redactor([])('y'.repeat(350));

    // Assess
    expect(text).toHaveLength(300);
  });
});
