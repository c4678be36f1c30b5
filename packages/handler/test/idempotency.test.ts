import { type ConfigError, isConfigError } from '@cognito-sms/core';
import { cognitoEvent } from '@cognito-sms/testkit';
import { type DynamoDbEmulator, startDynamoDbEmulator } from '@cognito-sms/testkit/dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHandler } from '../src/create-handler.js';
import { logLines, metricValues, useProviderEmulators } from './policy-support.js';
import { useHandlerHarness } from './support.js';

const h = useHandlerHarness();
const p = useProviderEmulators();
const TABLE = 'cognito-sms-idempotency';
const CODE = '161803';
const PHONE = '+447400123456';
let dynamo: DynamoDbEmulator;

beforeAll(async () => {
  dynamo = await startDynamoDbEmulator();
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
  // The table Powertools Idempotency expects: partition key `id` (string); TTL on `expiration`.
  await dynamo.createTable(TABLE);
});
afterAll(async () => {
  await dynamo.close();
});

const signUp = async () => cognitoEvent('CustomSMSSender_SignUp', { code: await h.encrypt(CODE), phoneNumber: PHONE });
const tableItems = () => dynamo.scan(TABLE);

describe('Handler: duplicate suppression (SMS_IDEMPOTENCY_TABLE, SMS_IDEMPOTENCY=memory)', () => {
  it('sends a replayed event once and answers the replay with the first receipt', async () => {
    // Prepare
    const handler = await createHandler(h.env({ ...p.env('alpha'), SMS_IDEMPOTENCY_TABLE: TABLE }));
    const event = await signUp();
    // Act
    const first = await handler(event, h.context);
    const replay = await handler(structuredClone(event), h.context);
    // Assess
    expect(p.alpha.requests).toHaveLength(1);
    expect(replay).toEqual(first);
    expect(logLines(h.output, 'Duplicate event: this SMS was already sent; not sending it again')).toEqual([
      expect.objectContaining({ provider: 'alpha', messageId: first.messageId, trigger: 'CustomSMSSender_SignUp' }),
    ]);
    expect(metricValues(h.output, 'SmsDuplicateSuppressed')).toEqual([
      expect.objectContaining({ value: 1, trigger: 'CustomSMSSender_SignUp' }),
    ]);
  });

  it('suppresses the replay in another container too: the record is in DynamoDB', async () => {
    const env = h.env({ ...p.env('alpha'), SMS_IDEMPOTENCY_TABLE: TABLE });
    const event = await signUp();
    await (await createHandler(env))(event, h.context);
    await (await createHandler(env))(event, h.context);
    expect(p.alpha.requests).toHaveLength(1);
  });

  it('sends a new ciphertext of the same code again: a resend is not a replay', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha'), SMS_IDEMPOTENCY_TABLE: TABLE }));
    await handler(await signUp(), h.context);
    await handler(await signUp(), h.context);
    expect(p.alpha.requests).toHaveLength(2);
  });

  it('lets a retry send again after a failed invocation', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha'), SMS_IDEMPOTENCY_TABLE: TABLE }));
    const event = await signUp();
    p.alpha.enqueue({ status: 503 });
    await expect(handler(event, h.context)).rejects.toMatchObject({ name: 'ProviderError', code: 'HTTP_503' });
    await expect(handler(event, h.context)).resolves.toMatchObject({ provider: 'alpha' });
    await handler(event, h.context);
    expect(p.alpha.requests).toHaveLength(2);
  });

  it('stores neither the code, the ciphertext nor the phone number', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha'), SMS_IDEMPOTENCY_TABLE: TABLE }));
    const event = await signUp();
    await handler(event, h.context);
    const stored = JSON.stringify(await tableItems());
    expect(stored).toContain('cognito-sms#');
    expect(stored).not.toContain(CODE);
    expect(stored).not.toContain(PHONE.slice(1));
    expect(stored).not.toContain(String(event.request.code).slice(0, 40));
  });

  it('still sends, with a warning, when the table cannot be used', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha'), SMS_IDEMPOTENCY_TABLE: 'no-such-table' }));
    await expect(handler(await signUp(), h.context)).resolves.toMatchObject({ provider: 'alpha' });
    expect(logLines(h.output, 'Duplicate suppression unavailable; sending without it')).toEqual([
      expect.objectContaining({ error: 'IdempotencyPersistenceLayerError', reason: expect.stringMatching(/^ResourceNotFoundException/) }),
    ]);
  });

  it('suppresses replays within the container with SMS_IDEMPOTENCY=memory', async () => {
    const handler = await createHandler(h.env({ ...p.env('alpha'), SMS_IDEMPOTENCY: 'memory' }));
    const event = await signUp();
    await handler(event, h.context);
    await handler(event, h.context);
    expect(p.alpha.requests).toHaveLength(1);
  });

  it('is off by default: a replay sends again', async () => {
    const handler = await createHandler(h.env(p.env('alpha')));
    const event = await signUp();
    await handler(event, h.context);
    await handler(event, h.context);
    expect(p.alpha.requests).toHaveLength(2);
  });

  it('refuses an inconsistent configuration at cold start', async () => {
    const missingTable = (await createHandler(h.env({ ...p.env('alpha'), SMS_IDEMPOTENCY: 'dynamodb' })).catch(
      (e: unknown) => e,
    )) as ConfigError;
    expect(isConfigError(missingTable)).toBe(true);
    expect(missingTable.message).toContain('SMS_IDEMPOTENCY_TABLE: is required with SMS_IDEMPOTENCY=dynamodb');
    const both = (await createHandler(h.env({ ...p.env('alpha'), SMS_IDEMPOTENCY: 'memory', SMS_IDEMPOTENCY_TABLE: TABLE })).catch(
      (e: unknown) => e,
    )) as ConfigError;
    expect(both.issues.map((i) => i.variable)).toEqual(['SMS_IDEMPOTENCY_TABLE']);
  });
});
