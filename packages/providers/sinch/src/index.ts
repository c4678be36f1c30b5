import { defineProvider, secretString } from '@cognito-sms/core/provider';
import { z } from 'zod';
import { createSinchProvider, type SinchConfig } from './sinch.js';

export { createSinchProvider } from './sinch.js';
export type { SinchConfig } from './sinch.js';

/**
 * Sinch adapter. `SMS_PROVIDER=sinch`; settings in `SINCH_*` variables (see README.md).
 *
 * @example `SMS_PROVIDER=sinch SINCH_API_KEY=… SINCH_FROM=+15005550006`
 */
const sinch = defineProvider<SinchConfig>({
  id: 'sinch',
  config: z.object({
    // TODO(sinch): the provider's credentials, sender and options, as its API reference names them.
    apiKey: secretString(),
    from: z.string().min(1, 'is required: the sender number or alphanumeric sender id'),
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://api.sinch.example'),
  }),
  create: (config) => createSinchProvider(config),
});

export default sinch;
