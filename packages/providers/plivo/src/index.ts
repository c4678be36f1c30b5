import { defineProvider, secretString } from '@cognito-sms/core/provider';
import { z } from 'zod';
import { createPlivoProvider, type PlivoConfig } from './plivo.js';

export { createPlivoProvider } from './plivo.js';
export type { PlivoConfig } from './plivo.js';

/**
 * Plivo adapter. `SMS_PROVIDER=plivo`; settings in `PLIVO_*` variables (see README.md).
 *
 * @example `SMS_PROVIDER=plivo PLIVO_API_KEY=… PLIVO_FROM=+15005550006`
 */
const plivo = defineProvider<PlivoConfig>({
  id: 'plivo',
  config: z.object({
    // TODO(plivo): the provider's credentials, sender and options, as its API reference names them.
    apiKey: secretString(),
    from: z.string().min(1, 'is required: the sender number or alphanumeric sender id'),
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://api.plivo.example'),
  }),
  create: (config) => createPlivoProvider(config),
});

export default plivo;
