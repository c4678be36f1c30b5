/**
 * `zod/mini` with English messages: what every schema of ours is written with.
 *
 * zod/mini is the full zod's schemas with a functional API, a fifth of its size and of its
 * import time at a cold start. Unlike the full build it sets no locale, so its issues would read
 * "Invalid input": this module sets the English messages the full build gives, for the
 * configuration errors users read. Import it as a namespace (`import * as z from
 * '@cognito-sms/core/zod'`) so the bundler keeps only the functions a module calls.
 *
 * @example `z.object({ apiKey: secretString(), baseUrl: z._default(z.url(), 'https://api.acme.test') })`
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

export * from 'zod/mini';
