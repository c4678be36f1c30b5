// An adapter written outside the cognito-sms repository, in plain JavaScript: it only uses
// the public contract from '@cognito-sms/core/provider' and zod. Select it with
//   SMS_PROVIDER=@example/cognito-sms-provider-webhook  WEBHOOK_URL=…  WEBHOOK_SIGNING_SECRET=…
import { createHmac } from 'node:crypto';
import { defineProvider, ProviderError, secretString } from '@cognito-sms/core/provider';
import * as z from 'zod';

/** @param {number} status */
const isRetryableStatus = (status) => status === 429 || status >= 500;

export default defineProvider({
  id: 'webhook',
  config: z.object({
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    signingSecret: secretString(),
  }),
  create(config) {
    return {
      id: 'webhook',
      async send(message, { signal }) {
        const payload = JSON.stringify({ to: message.to, body: message.body, trigger: message.trigger, userPoolId: message.userPoolId });
        const signature = createHmac('sha256', config.signingSecret.reveal()).update(payload).digest('hex');
        let response;
        try {
          response = await fetch(config.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-signature-sha256': signature },
            body: payload,
            signal,
          });
        } catch (error) {
          const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
          throw new ProviderError({
            provider: 'webhook',
            code: timedOut ? 'Timeout' : 'NetworkError',
            message: timedOut ? 'the webhook did not answer in time' : 'the webhook could not be reached',
            retryable: true,
            cause: error,
          });
        }
        const text = await response.text();
        if (!response.ok) {
          throw new ProviderError({
            provider: 'webhook',
            code: `HTTP${response.status}`,
            message: `the webhook answered ${response.status}`,
            retryable: isRetryableStatus(response.status),
            notAccepted: response.status === 429,
            status: response.status,
          });
        }
        /** @type {{ id?: unknown }} */
        let body = {};
        try {
          body = JSON.parse(text);
        } catch {
          // A 2xx without JSON still means accepted.
        }
        return { provider: 'webhook', messageId: typeof body.id === 'string' ? body.id : `webhook-${response.status}` };
      },
    };
  },
});
