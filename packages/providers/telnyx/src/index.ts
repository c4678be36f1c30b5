import { defineProvider, secretString } from '@cognito-sms/core/provider';
import { z } from 'zod';
import { createTelnyxProvider, type TelnyxConfig } from './telnyx.js';

export { createTelnyxProvider } from './telnyx.js';
export type { TelnyxConfig } from './telnyx.js';

/**
 * Telnyx adapter. `SMS_PROVIDER=telnyx`; settings in `TELNYX_*` variables (see README.md).
 *
 * @example `SMS_PROVIDER=telnyx TELNYX_API_KEY=… TELNYX_FROM=+15005550006`
 */
const telnyx = defineProvider<TelnyxConfig>({
  id: 'telnyx',
  config: z.object({
    // TODO(telnyx): the provider's credentials, sender and options, as its API reference names them.
    apiKey: secretString(),
    from: z.string().min(1, 'is required: the sender number or alphanumeric sender id'),
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://api.telnyx.example'),
  }),
  create: (config) => createTelnyxProvider(config),
});

export default telnyx;
