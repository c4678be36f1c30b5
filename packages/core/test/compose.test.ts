import { describe, expect, it } from 'vitest';
import { composeMessage, createMessageComposer, templateProblems, unescapeHtml } from '../src/compose.js';
import { TRIGGER_SOURCES } from '../src/event.js';

describe('Function: composeMessage', () => {
  it.each(TRIGGER_SOURCES.filter((t) => !t.endsWith('AccountTakeOverNotification')))(
    'puts the code in the default text of %s',
    (trigger) => {
      expect(composeMessage(trigger, { code: '302217', username: 'ana' })).toContain('302217');
    },
  );

  it('puts the username and the unescaped temporary password in AdminCreateUser', () => {
    const body = composeMessage('CustomSMSSender_AdminCreateUser', { code: 'a&lt;b&amp;c&#39;&quot;&gt;', username: 'ana' });
    expect(body).toBe(`Your username is ana and your temporary password is a<b&c'">`);
  });

  it('leaves other codes as they are, even when they look escaped', () => {
    expect(composeMessage('CustomSMSSender_SignUp', { code: '&lt;', username: 'ana' })).toBe('Your verification code is &lt;');
  });

  it('does not expand a placeholder that appears inside the code', () => {
    const body = composeMessage('CustomSMSSender_AdminCreateUser', { code: '{username}', username: 'ana' });
    expect(body).toBe('Your username is ana and your temporary password is {username}');
  });

  it('sends a notice without a code for account-takeover notifications', () => {
    expect(composeMessage('CustomSMSSender_AccountTakeOverNotification', { username: 'ana' })).toMatch(/unusual sign-in/);
  });
});

describe('Function: unescapeHtml', () => {
  it('decodes named, decimal and hex references and keeps unknown or out-of-range ones', () => {
    expect(unescapeHtml('&lt;&#60;&#x3C;&#X3c;&nbsp;&#99999999;')).toBe('<<<<&nbsp;&#99999999;');
  });
});

describe('Function: createMessageComposer', () => {
  const catalog = {
    default: { CustomSMSSender_SignUp: '{appName}: your code is {code}' },
    de: { CustomSMSSender_SignUp: '{appName}: Ihr Code lautet {code}' },
    'pt-BR': { CustomSMSSender_SignUp: 'Seu código é {code}' },
  };

  it('picks the template by trigger and the user locale, then its language, then default', () => {
    const composer = createMessageComposer({ catalog, appName: 'Acme' });
    expect(composer.compose('CustomSMSSender_SignUp', 'de-AT', { code: '1', username: 'u' })).toMatchObject({
      body: 'Acme: Ihr Code lautet 1',
      locale: 'de',
    });
    expect(composer.compose('CustomSMSSender_SignUp', 'pt_BR', { code: '1', username: 'u' })).toMatchObject({
      body: 'Seu código é 1',
      locale: 'pt-br',
    });
    expect(composer.compose('CustomSMSSender_SignUp', 'fr', { code: '1', username: 'u' })).toMatchObject({
      body: 'Acme: your code is 1',
      locale: 'default',
    });
    expect(composer.compose('CustomSMSSender_Authentication', 'de', { code: '1', username: 'u' }).body).toBe('Your sign-in code is 1');
  });

  it('appends the Android app hash and then the WebOTP line to one-time codes only', () => {
    const composer = createMessageComposer({ webOtpDomain: 'example.com', androidAppHash: 'FA+9qCX9VSu' });
    expect(composer.compose('CustomSMSSender_Authentication', undefined, { code: '482913', username: 'u' }).body).toBe(
      'Your sign-in code is 482913\nFA+9qCX9VSu\n\n@example.com #482913',
    );
    expect(composer.compose('CustomSMSSender_AdminCreateUser', undefined, { code: 'Pw1!', username: 'u' }).body).not.toContain(
      '@example.com',
    );
    expect(composer.compose('CustomSMSSender_AccountTakeOverNotification', undefined, { username: 'u' }).body).not.toContain('#');
  });

  it('reports the encoding and segments of each message', () => {
    const composer = createMessageComposer({ catalog });
    expect(composer.compose('CustomSMSSender_SignUp', 'pt-BR', { code: '1', username: 'u' })).toMatchObject({
      encoding: 'UCS-2',
      segments: 1,
    });
  });

  it('warns about templates that force UCS-2 or take more than one segment', () => {
    const composer = createMessageComposer({
      catalog: { ...catalog, en: { CustomSMSSender_ForgotPassword: `${'Reset your password with this code. '.repeat(5)}{code}` } },
    });
    const warnings = composer.lint();
    expect(warnings).toEqual([
      expect.objectContaining({ trigger: 'CustomSMSSender_SignUp', locale: 'pt-br', kind: 'UCS-2', nonGsmCharacters: ['ó'] }),
      expect.objectContaining({ trigger: 'CustomSMSSender_ForgotPassword', locale: 'en', kind: 'segments', segments: 2 }),
    ]);
  });
});

describe('Function: templateProblems', () => {
  it('finds unknown placeholders and a missing or misplaced {code}', () => {
    expect(templateProblems('CustomSMSSender_SignUp', 'Code {cod}')).toEqual([
      expect.stringContaining('unknown placeholder {cod}'),
      expect.stringContaining('has no {code}'),
    ]);
    expect(templateProblems('CustomSMSSender_AccountTakeOverNotification', 'Code {code}')).toEqual([
      expect.stringContaining('carries no code'),
    ]);
    expect(templateProblems('CustomSMSSender_AdminCreateUser', '{appName}: {username} / {code}')).toEqual([]);
  });
});
