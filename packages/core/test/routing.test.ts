import { describe, expect, it } from 'vitest';
import { type SenderChoice, selectRoute, selectSender } from '../src/routing.js';

const gg = { country: 'GG', callingCode: '44', type: undefined };
const us = { country: 'US', callingCode: '1', type: undefined };

describe('Function: selectRoute', () => {
  const table = {
    default: ['twilio'],
    routes: new Map([
      ['GG', ['vonage']],
      ['+44', ['sns', 'twilio']],
    ]),
  };

  it('prefers the region, then the calling code, then the default chain', () => {
    expect(selectRoute(table, gg)).toEqual({ key: 'GG', providers: ['vonage'] });
    expect(selectRoute(table, { ...gg, country: 'GB' })).toEqual({ key: '+44', providers: ['sns', 'twilio'] });
    expect(selectRoute(table, us)).toEqual({ key: 'default', providers: ['twilio'] });
  });
});

describe('Function: selectSender', () => {
  const senders = new Map<string, SenderChoice>([
    ['+44', { any: 'AcmeUK', byProvider: { sns: '+447700900999' } }],
    ['US', { byProvider: { twilio: '+14155550199' } }],
    ['default', { any: 'Acme' }],
  ]);

  it('takes the per-provider sender, then the shared one, from the most specific key', () => {
    expect(selectSender(senders, gg, 'sns')).toBe('+447700900999');
    expect(selectSender(senders, gg, 'twilio')).toBe('AcmeUK');
    expect(selectSender(senders, us, 'twilio')).toBe('+14155550199');
    expect(selectSender(senders, us, 'sns')).toBe('Acme');
    expect(selectSender(new Map(), us, 'sns')).toBeUndefined();
  });
});
