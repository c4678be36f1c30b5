import { describe, expect, it } from 'vitest';
import { ProviderError } from '../src/errors.js';
import { DEFAULT_DELIVERY_POLICY, deliver } from '../src/policy.js';
import type { Logger, SmsMessage, SmsProvider } from '../src/provider.js';
import { scrubSecret, secretForms } from '../src/scrub-secret.js';
import { Secret } from '../src/secret.js';

describe('Function: secretForms', () => {
  it('lists the value as is, URL-encoded, form-encoded, HTML- and JSON-escaped, and HTML-unescaped, longest first', () => {
    // Cognito sends temporary passwords HTML-escaped; the SMS carries them unescaped.
    const forms = secretForms('Kx7#p Q&amp;"m');
    expect(forms).toEqual(
      expect.arrayContaining([
        'Kx7#p Q&amp;"m',
        'Kx7#p Q&"m',
        'Kx7%23p%20Q%26%22m',
        'Kx7%23p+Q%26%22m',
        'Kx7#p Q&amp;&quot;m',
        'Kx7#p Q&"m'.replace('"', '\\"'),
      ]),
    );
    expect(forms.map((form) => form.length)).toEqual([...forms.map((form) => form.length)].sort((a, b) => b - a));
    expect(secretForms('')).toEqual([]);
  });
});

describe('Function: scrubSecret', () => {
  it('removes the secret from the message, stack, own fields and the cause chain, in place', () => {
    // Prepare
    const raw = Object.assign(new Error('upstream said correcthorse'), { body: { errors: [{ text: 'bad: correcthorse' }] } });
    const error = Object.assign(
      new ProviderError({ provider: 'acme', code: 'E_correcthorse', message: 'rejected correcthorse', retryable: false, cause: raw }),
      { detail: 'echo correcthorse' },
    );
    // Act
    const same = scrubSecret(error, secretForms('correcthorse'));
    // Assess
    expect(same).toBe(error);
    expect(error.message).toBe('acme: rejected [redacted]');
    expect(error.code).toBe('E_[redacted]');
    expect(error.detail).toBe('echo [redacted]');
    expect(error.stack).not.toContain('correcthorse');
    expect(raw.message).toBe('upstream said [redacted]');
    expect(raw.body.errors[0]?.text).toBe('bad: [redacted]');
  });

  it('replaces a frozen nested object that holds the secret, and survives a cycle', () => {
    const frozen = Object.freeze({ text: 'pw=correcthorse' });
    const cyclic: Record<string, unknown> = { note: 'correcthorse' };
    cyclic.self = cyclic;
    const error = Object.assign(new Error('x'), { frozen, cyclic });
    scrubSecret(error, secretForms('correcthorse'));
    expect(error.frozen).toBe('[redacted]');
    expect(cyclic.note).toBe('[redacted]');
  });
});

describe('Function: deliver, with the secret', () => {
  it('scrubs the secret from what the adapter threw before logging or rethrowing it', async () => {
    // Prepare: an adapter whose own redaction missed an echoed letters-only password.
    const lines: unknown[] = [];
    const logger: Logger = { debug: () => {}, info: () => {}, warn: (...args) => lines.push(args), error: () => {} };
    const provider: SmsProvider = {
      id: 'acme',
      async send() {
        throw new ProviderError({
          provider: 'acme',
          code: 'Rejected',
          message: `the text "correct%20horse" (correct horse) is not allowed`,
          retryable: false,
          cause: new Error('correct+horse'),
        });
      },
    };
    const message: SmsMessage = {
      to: '+447700900123',
      body: 'Your temporary password is correct horse',
      trigger: 'CustomSMSSender_AdminCreateUser',
      userPoolId: 'eu-west-1_P1',
    };
    // Act
    const error = await deliver([provider], message, {
      policy: DEFAULT_DELIVERY_POLICY,
      remainingTimeMs: () => 10_000,
      logger,
      secret: new Secret('correct horse'),
    }).catch((e: unknown) => e as ProviderError);
    // Assess
    expect(error).toMatchObject({ name: 'ProviderError', message: 'acme: the text "[redacted]" ([redacted]) is not allowed' });
    expect(((error as ProviderError).cause as Error).message).toBe('[redacted]');
    expect(JSON.stringify(lines)).not.toMatch(/correct.horse/);
  });
});
