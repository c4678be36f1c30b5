import { cognitoEvent } from '@cognito-sms/testkit';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { emfRecords, metricValues, useProviderEmulators } from './policy-support.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const p = useProviderEmulators();
const CODE = '271828';
const PHONE = '+14155550100';

const signUp = async () => cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt(CODE), phoneNumber: PHONE });

describe('Handler: metrics in CloudWatch embedded metric format', () => {
  it('publishes SmsSent, SmsSendLatency and SmsSegments by provider, trigger and country', async () => {
    // Prepare
    const handler = await createHandler(h.env(p.env('alpha')));
    // Act
    await handler(await signUp(), h.context);
    // Assess
    const [record, ...others] = emfRecords(h.output);
    expect(others).toEqual([]);
    expect(record?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'CognitoSms',
        Dimensions: [['service'], ['service', 'provider'], ['service', 'trigger'], ['service', 'country']],
        Metrics: [
          { Name: 'SmsSent', Unit: 'Count' },
          { Name: 'SmsSendLatency', Unit: 'Milliseconds' },
          { Name: 'SmsSegments', Unit: 'Count' },
        ],
      },
    ]);
    expect(record).toMatchObject({
      service: 'cognito-sms',
      provider: 'alpha',
      trigger: 'CustomSMSSender_SignUp',
      country: 'US',
      SmsSent: 1,
      SmsSegments: 1,
    });
    expect(record?.SmsSendLatency).toEqual(expect.any(Number));
  });

  it('counts retries and failovers against the provider that failed, and the delivery against the one that sent', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha', 'beta'), SMS_RETRY_BASE_DELAY_MS: '1' }));
    p.alpha.enqueue({ status: 429 }, { status: 503 });
    await handler(await signUp(), h.context);
    expect(metricValues(h.output, 'SmsRetried')).toEqual([expect.objectContaining({ value: 1, provider: 'alpha', country: 'US' })]);
    expect(metricValues(h.output, 'SmsFailedOver')).toEqual([expect.objectContaining({ value: 1, provider: 'alpha' })]);
    expect(metricValues(h.output, 'SmsSent')).toEqual([expect.objectContaining({ value: 1, provider: 'beta' })]);
    expect(metricValues(h.output, 'SmsFailed')).toEqual([]);
  });

  it('counts a failed invocation, including one that fails before any provider is tried', async () => {
    const handler = await createHandler(h.env(p.env('alpha')));
    p.alpha.enqueue({ status: 400 });
    await handler(await signUp(), h.context).catch(() => undefined);
    await handler(cognitoEvent('CustomSMSSender_SignUp', { code: 'bm90LWNpcGhlcnRleHQ=', phoneNumber: PHONE }), h.context).catch(
      () => undefined,
    );
    expect(metricValues(h.output, 'SmsFailed')).toEqual([
      expect.objectContaining({ value: 1, provider: 'alpha', trigger: 'CustomSMSSender_SignUp' }),
      expect.objectContaining({ value: 1, trigger: 'CustomSMSSender_SignUp', country: 'US' }),
    ]);
    expect(metricValues(h.output, 'SmsFailed')[1]).not.toHaveProperty('provider');
  });

  it('flushes at the end of every invocation', async () => {
    const handler = await createHandler(h.env(p.env('alpha')));
    await handler(await signUp(), h.context);
    expect(metricValues(h.output, 'SmsSent')).toHaveLength(1);
    await handler(await signUp(), h.context);
    expect(metricValues(h.output, 'SmsSent')).toHaveLength(2);
  });

  it('follows POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME, and prints nothing when POWERTOOLS_METRICS_DISABLED', async () => {
    const named = await createHandler(
      h.env({ ...p.env('alpha'), POWERTOOLS_METRICS_NAMESPACE: 'Acme/Auth', POWERTOOLS_SERVICE_NAME: 'acme-sms' }),
    );
    await named(await signUp(), h.context);
    expect(emfRecords(h.output)[0]).toMatchObject({ service: 'acme-sms', _aws: { CloudWatchMetrics: [{ Namespace: 'Acme/Auth' }] } });
    h.output.length = 0;
    const disabled = await createHandler(h.env({ ...p.env('alpha'), POWERTOOLS_METRICS_DISABLED: 'true' }));
    await disabled(await signUp(), h.context);
    expect(emfRecords(h.output)).toEqual([]);
  });

  it('puts neither the code nor the phone number in a metric', async () => {
    const handler = await createHandler(h.env(p.env('alpha')));
    await handler(await signUp(), h.context);
    const emf = JSON.stringify(emfRecords(h.output));
    expect(emf).not.toContain(CODE);
    expect(emf).not.toContain('4155550100');
  });
});
