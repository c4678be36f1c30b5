// A third-party adapter, written as its author would outside the cognito-sms repository: it
// imports only the installed @cognito-sms/core (and zod, which core's config schemas are).
// SMS_PROVIDER=@acme/cognito-sms-provider-acme ACME_API_KEY=… ACME_FROM=… selects it.
import { defineProvider, ProviderError, secretString } from '@cognito-sms/core/provider';
import * as z from 'zod';

const retryable = (status: number) => status === 429 || status >= 500;

export default defineProvider({
  id: 'acme',
  config: z.object({
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://api.acme.example'),
    apiKey: secretString(),
    from: z.string().min(1, 'must name the sender'),
  }),
  create(config) {
    return {
      id: 'acme',
      async send(message, { signal }) {
        let response: Response;
        try {
          response = await fetch(`${config.baseUrl}/v1/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${config.apiKey.reveal()}` },
            body: JSON.stringify({ from: config.from, to: message.to, text: message.body }),
            signal,
          });
        } catch (error) {
          const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
          throw new ProviderError({
            provider: 'acme',
            code: timedOut ? 'Timeout' : 'NetworkError',
            message: timedOut ? 'Acme did not answer in time' : 'Acme could not be reached',
            retryable: true,
            cause: error,
          });
        }
        const body = (await response.json().catch(() => ({}))) as { id?: unknown };
        if (!response.ok) {
          throw new ProviderError({
            provider: 'acme',
            code: `HTTP${response.status}`,
            message: `Acme answered ${response.status}`,
            retryable: retryable(response.status),
            notAccepted: response.status === 429,
            status: response.status,
          });
        }
        return { provider: 'acme', messageId: typeof body.id === 'string' ? body.id : `acme-${response.status}` };
      },
    };
  },
});
