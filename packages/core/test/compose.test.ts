import { describe, expect, it } from 'vitest';
import { composeMessage, unescapeHtml } from '../src/compose.js';
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
