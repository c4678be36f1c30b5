import type { ConfigIssue } from '@cognito-sms/core';
import * as z from '@cognito-sms/core/zod';
import { type Environment, parseEnv } from './env.js';

const RECEIPTS_ENV = z.object({
  SMS_RECEIPTS_URL: z.optional(
    z.pipe(
      z
        .url({
          protocol: /^https?$/,
          error: 'must be the receipts function URL, e.g. https://abc123.lambda-url.eu-west-1.on.aws',
        })
        // Providers sign the exact URL they call: a query or fragment here would be signed too and
        // differ from what the receipts function rebuilds.
        .check(
          z.refine((url) => !/[?#]/.test(url), 'must not hold a query string or fragment: providers are called at <url>/<provider id>'),
        ),
      z.transform((url: string) => url.replace(/\/+$/, '')),
    ),
  ),
});

/** Where providers are asked to post delivery status. */
export interface ReceiptsSettings {
  /** The receipts function URL without a trailing slash; undefined when receipts are off. */
  readonly url: string | undefined;
}

/**
 * Reads SMS_RECEIPTS_URL: when set, each message asks its provider for a status callback to
 * `<url>/<provider id>` (where the provider's API takes one per message).
 *
 * @example `const receipts = parseReceipts(process.env, issues)`
 */
export function parseReceipts(env: Environment, issues: ConfigIssue[]): ReceiptsSettings | undefined {
  const data = parseEnv(RECEIPTS_ENV, env, issues);
  return data && { url: data.SMS_RECEIPTS_URL };
}
