import { type Emulator, type ScriptedResponse, startEmulator } from '@cognito-sms/testkit';

export const SINCH_TEST_API_KEY = 'test-api-key-sinch';

/** An error body as Sinch documents it. TODO(sinch): shape it from the API reference. */
export const sinchError = (status: number, code: string, message = code): ScriptedResponse => ({
  status,
  body: { error: { code, message } },
});

/**
 * A loopback emulator of Sinch's send endpoint. TODO(sinch): method, path, auth, field
 * checks and the success body from the provider's public API reference (cite it here).
 */
export function startSinchEmulator(): Promise<Emulator> {
  let next = 1;
  return startEmulator((request) => {
    if (request.method !== 'POST' || request.path !== '/messages') return sinchError(404, 'not_found');
    if (request.headers.authorization !== `Bearer ${SINCH_TEST_API_KEY}`) return sinchError(401, 'unauthorized');
    const body = request.json as { to?: string; text?: string } | undefined;
    if (!body?.to || !body.text) return sinchError(400, 'invalid_request', 'to and text are required');
    return { status: 200, body: { id: `msg-${next++}` } };
  });
}
