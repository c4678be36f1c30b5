import type { Secret, SendReceipt, SmsProvider } from '@cognito-sms/core/provider';
import { classifyInfobipResponse, infobipNetworkError } from './errors.js';

export interface InfobipConfig {
  readonly apiKey: Secret;
  readonly from: string;
  readonly baseUrl: string;
}

/**
 * Sends through Infobip's REST API. Built once per container; Node's fetch keeps the
 * connection alive between invocations.
 *
 * @example `const provider = createInfobipProvider({ apiKey: new Secret('…'), from: '+15005550006', baseUrl })`
 */
export function createInfobipProvider(config: InfobipConfig): SmsProvider {
  // TODO(infobip): use the provider's official SDK if it accepts a base URL and an AbortSignal;
  // otherwise keep this documented REST call. Path, auth header and fields per its reference.
  const endpoint = new URL('/messages', config.baseUrl).href;
  const authorization = `Bearer ${config.apiKey.reveal()}`;
  return {
    id: 'infobip',
    async send(message, { signal }): Promise<SendReceipt> {
      let response: Response;
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ to: message.to, from: config.from, text: message.body }),
          signal,
        });
      } catch (error) {
        throw infobipNetworkError(error);
      }
      const body = (await response.json().catch(() => undefined)) as { id?: unknown } | undefined;
      if (!response.ok) throw classifyInfobipResponse(response.status, body);
      if (typeof body?.id !== 'string') throw classifyInfobipResponse(502, body);
      return { provider: 'infobip', messageId: body.id };
    },
  };
}
