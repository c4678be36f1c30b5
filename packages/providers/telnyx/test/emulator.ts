import { type Emulator, type ScriptedResponse, startEmulator } from '@cognito-sms/testkit';

export const TELNYX_TEST_API_KEY = 'test-api-key-telnyx';

/** An error body as Telnyx documents it. TODO(telnyx): shape it from the API reference. */
export const telnyxError = (status: number, code: string, message = code): ScriptedResponse => ({
  status,
  body: { error: { code, message } },
});

/**
 * A loopback emulator of Telnyx's send endpoint. TODO(telnyx): method, path, auth, field
 * checks and the success body from the provider's public API reference (cite it here).
 */
export function startTelnyxEmulator(): Promise<Emulator> {
  let next = 1;
  return startEmulator((request) => {
    if (request.method !== 'POST' || request.path !== '/messages') return telnyxError(404, 'not_found');
    if (request.headers.authorization !== `Bearer ${TELNYX_TEST_API_KEY}`) return telnyxError(401, 'unauthorized');
    const body = request.json as { to?: string; text?: string } | undefined;
    if (!body?.to || !body.text) return telnyxError(400, 'invalid_request', 'to and text are required');
    return { status: 200, body: { id: `msg-${next++}` } };
  });
}
