import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cognitoEvent } from '@cognito-sms/testkit';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { fixtureProvider, logLines, useProviderEmulators } from './policy-support.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const p = useProviderEmulators();
const US = '+14155550100';
const GB = '+447400123456';
const GG = '+447781123456';
const FR = '+33612345678';

const signUpTo = async (phoneNumber: string) => cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt('551902'), phoneNumber });

describe('Handler: routing by destination (SMS_ROUTES) and senders (SMS_SENDERS)', () => {
  it('sends each destination through its country chain, and others through SMS_PROVIDER', async () => {
    // Prepare
    const routes = `+1=${fixtureProvider('beta')};GB=${fixtureProvider('gamma')},${fixtureProvider('alpha')}`;
    const handler = await createHandler(h.env({ ...p.env('alpha'), SMS_ROUTES: routes }));
    // Act
    const receipts = [];
    for (const phone of [US, GB, FR]) receipts.push(await handler(await signUpTo(phone), h.context));
    // Assess
    expect(receipts.map((r) => r.provider)).toEqual(['beta', 'gamma', 'alpha']);
    expect(p.posted(p.beta)).toEqual([expect.objectContaining({ to: US, country: 'US' })]);
    expect(p.posted(p.gamma)).toEqual([expect.objectContaining({ to: GB, country: 'GB' })]);
    expect(p.posted(p.alpha)).toEqual([expect.objectContaining({ to: FR, country: 'FR' })]);
    expect(logLines(h.output, 'SMS sent').map((l) => l.route)).toEqual(['+1', 'GB', 'default']);
  });

  it('fails over within the route chain', async () => {
    const routes = `GB=${fixtureProvider('gamma')},${fixtureProvider('beta')}`;
    const handler = await createHandler(h.env({ ...p.env('alpha'), SMS_ROUTES: routes }));
    p.gamma.enqueue({ status: 503 });
    await expect(handler(await signUpTo(GB), h.context)).resolves.toMatchObject({ provider: 'beta' });
    expect(p.alpha.requests).toHaveLength(0);
  });

  it('matches an ISO code to that region only and a calling code to every region that shares it', async () => {
    const handler = await createHandler(
      h.env({ ...p.env('alpha'), SMS_ROUTES: `GB=${fixtureProvider('beta')};+44=${fixtureProvider('gamma')}` }),
    );
    await handler(await signUpTo(GG), h.context);
    await handler(await signUpTo(GB), h.context);
    expect(p.posted(p.gamma).map((sms) => sms.to)).toEqual([GG]);
    expect(p.posted(p.beta).map((sms) => sms.to)).toEqual([GB]);
  });

  it('hands each provider the sender configured for the destination', async () => {
    const handler = await createHandler(
      h.env({
        ...p.env('alpha', 'beta'),
        SMS_SENDERS: 'GB=AcmeUK; US=beta:+14155550199; default=Acme',
      }),
    );
    p.alpha.enqueue({ status: 503 }, { status: 503 });
    await handler(await signUpTo(US), h.context);
    await handler(await signUpTo(GB), h.context);
    expect(p.posted(p.alpha).map((sms) => sms.sender)).toEqual(['Acme', 'AcmeUK']);
    expect(p.posted(p.beta).map((sms) => sms.sender)).toEqual(['+14155550199', 'AcmeUK']);
  });

  it('sends no sender when none is configured, so the adapter keeps its own default', async () => {
    const handler = await createHandler(h.env(p.env('alpha')));
    await handler(await signUpTo(US), h.context);
    expect(p.posted(p.alpha)[0]).not.toHaveProperty('sender');
  });

  it('reads routes and senders from SMS_CONFIG_FILE, with the env winning per key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cognito-sms-'));
    const file = join(dir, 'sms.json');
    await writeFile(
      file,
      JSON.stringify({
        routes: { US: [fixtureProvider('beta')], fr: [fixtureProvider('gamma')] },
        senders: { US: { alpha: '+14155550177', '*': 'AcmeUS' }, default: 'AcmeFile' },
      }),
    );
    const handler = await createHandler(h.env({ ...p.env('alpha'), SMS_CONFIG_FILE: file, SMS_ROUTES: `US=${fixtureProvider('alpha')}` }));
    await handler(await signUpTo(US), h.context);
    await handler(await signUpTo(FR), h.context);
    expect(p.posted(p.alpha)).toEqual([expect.objectContaining({ to: US, sender: '+14155550177' })]);
    expect(p.posted(p.gamma)).toEqual([expect.objectContaining({ to: FR, sender: 'AcmeFile' })]);
  });
});
