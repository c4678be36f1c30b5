import { type Emulator, type ScriptedResponse, startEmulator } from '@cognito-sms/testkit';

export const INFOBIP_TEST_API_KEY = 'test-api-key-infobip';

/** An error body as Infobip documents it. TODO(infobip): shape it from the API reference. */
export const infobipError = (status: number, code: string, message = code): ScriptedResponse => ({
  status,
  body: { error: { code, message } },
});

/**
 * A loopback emulator of Infobip's send endpoint. TODO(infobip): method, path, auth, field
 * checks and the success body from the provider's public API reference (cite it here).
 */
export function startInfobipEmulator(): Promise<Emulator> {
  let next = 1;
  return startEmulator((request) => {
    if (request.method !== 'POST' || request.path !== '/messages') return infobipError(404, 'not_found');
    if (request.headers.authorization !== `Bearer ${INFOBIP_TEST_API_KEY}`) return infobipError(401, 'unauthorized');
    const body = request.json as { to?: string; text?: string } | undefined;
    if (!body?.to || !body.text) return infobipError(400, 'invalid_request', 'to and text are required');
    return { status: 200, body: { id: `msg-${next++}` } };
  });
}
