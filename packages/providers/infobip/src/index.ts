import { defineProvider, secretString } from '@cognito-sms/core/provider';
import { z } from 'zod';
import { createInfobipProvider, type InfobipConfig } from './infobip.js';

export { createInfobipProvider } from './infobip.js';
export type { InfobipConfig } from './infobip.js';

/**
 * Infobip adapter. `SMS_PROVIDER=infobip`; settings in `INFOBIP_*` variables (see README.md).
 *
 * @example `SMS_PROVIDER=infobip INFOBIP_API_KEY=… INFOBIP_FROM=+15005550006`
 */
const infobip = defineProvider<InfobipConfig>({
  id: 'infobip',
  config: z.object({
    // TODO(infobip): the provider's credentials, sender and options, as its API reference names them.
    apiKey: secretString(),
    from: z.string().min(1, 'is required: the sender number or alphanumeric sender id'),
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://api.infobip.example'),
  }),
  create: (config) => createInfobipProvider(config),
});

export default infobip;
