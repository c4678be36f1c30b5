import { type Emulator, type ScriptedResponse, startEmulator } from '@cognito-sms/testkit';

export const PLIVO_TEST_API_KEY = 'test-api-key-plivo';

/** An error body as Plivo documents it. TODO(plivo): shape it from the API reference. */
export const plivoError = (status: number, code: string, message = code): ScriptedResponse => ({
  status,
  body: { error: { code, message } },
});

/**
 * A loopback emulator of Plivo's send endpoint. TODO(plivo): method, path, auth, field
 * checks and the success body from the provider's public API reference (cite it here).
 */
export function startPlivoEmulator(): Promise<Emulator> {
  let next = 1;
  return startEmulator((request) => {
    if (request.method !== 'POST' || request.path !== '/messages') return plivoError(404, 'not_found');
    if (request.headers.authorization !== `Bearer ${PLIVO_TEST_API_KEY}`) return plivoError(401, 'unauthorized');
    const body = request.json as { to?: string; text?: string } | undefined;
    if (!body?.to || !body.text) return plivoError(400, 'invalid_request', 'to and text are required');
    return { status: 200, body: { id: `msg-${next++}` } };
  });
}
