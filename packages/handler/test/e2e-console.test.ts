import { TRIGGER_SOURCES } from '@cognito-sms/core';
import { cognitoEvent } from '@cognito-sms/testkit';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { deliveredByConsole, useHandlerHarness } from './support.js';

const h = useHandlerHarness();

describe('Handler: SMS_PROVIDER=console, end to end', () => {
  it.each(TRIGGER_SOURCES.filter((t) => t !== 'CustomSMSSender_AccountTakeOverNotification'))(
    'delivers the decrypted code for %s and logs no secret',
    async (trigger) => {
      // Prepare
      const handler = await createHandler(h.env());
      const code = trigger === 'CustomSMSSender_AdminCreateUser' ? 'Q7&lt;zz&amp;9!' : '918273';
      const event = cognitoEvent(trigger, { code: await h.encrypt(code), userName: 'ana' });
      // Act
      const receipt = await handler(event, h.context);
      // Assess
      const [sms, ...more] = deliveredByConsole(h.output);
      expect(more).toHaveLength(0);
      expect(receipt.provider).toBe('console');
      expect(sms?.to).toBe('+447700900123');
      const plain = trigger === 'CustomSMSSender_AdminCreateUser' ? 'Q7<zz&9!' : '918273';
      expect(sms?.body).toContain(plain);
      if (trigger === 'CustomSMSSender_AdminCreateUser') expect(sms?.body).toContain('ana');
      const logs = h.output.filter((line) => !line.startsWith('{"provider":"console"'));
      expect(logs.join('')).not.toContain(plain);
      expect(logs.join('')).not.toContain('+447700900123');
      expect(logs.join('')).toContain('"SMS sent"');
    },
  );

  it('sends the account-takeover notice, which carries no code, without calling KMS', async () => {
    const handler = await createHandler(h.env());
    const decrypts = h.kms.calls.length;
    await handler(cognitoEvent('CustomSMSSender_AccountTakeOverNotification'), h.context);
    expect(deliveredByConsole(h.output)[0]?.body).toMatch(/unusual sign-in/);
    expect(h.kms.calls.length).toBe(decrypts);
  });

  it('makes exactly one KMS Decrypt call per invocation and reuses one connection', async () => {
    const handler = await createHandler(h.env());
    const before = { calls: h.kms.calls.length, connections: h.kms.connections() };
    for (let i = 0; i < 3; i++) {
      await handler(cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt(`00000${i}`) }), h.context);
    }
    const decrypts = h.kms.calls.slice(before.calls).filter((c) => c.operation === 'Decrypt');
    expect(decrypts).toHaveLength(3);
    // The encrypting side (testkit) has its own client; count connections the handler opened by
    // comparing with a run that only encrypts.
    expect(h.kms.connections() - before.connections).toBeLessThanOrEqual(2);
  });
});
