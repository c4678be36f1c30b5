import type { ConfigIssue } from '@cognito-sms/core';
import * as z from '@cognito-sms/core/zod';
import { type Environment, parseEnv } from './env.js';

// Powertools' own variable names, so that its documentation applies unchanged.
const METRICS_ENV = z.object({
  POWERTOOLS_METRICS_NAMESPACE: z._default(z.string().check(z.minLength(1)), 'CognitoSms'),
  POWERTOOLS_SERVICE_NAME: z._default(z.string().check(z.minLength(1)), 'cognito-sms'),
  POWERTOOLS_METRICS_DISABLED: z._default(z.stringbool({ error: 'must be true or false' }), false),
});

/** Where CloudWatch metrics go (EMF), and whether they are written at all. */
export interface MetricsSettings {
  readonly enabled: boolean;
  readonly namespace: string;
  readonly serviceName: string;
}

/**
 * Reads POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_DISABLED.
 *
 * @returns the settings, or undefined when a variable is invalid (the reasons are in `issues`).
 * @example `const metrics = parseMetrics({ POWERTOOLS_METRICS_DISABLED: 'true' }, issues)`
 */
export function parseMetrics(env: Environment, issues: ConfigIssue[]): MetricsSettings | undefined {
  const data = parseEnv(METRICS_ENV, env, issues);
  return (
    data && {
      enabled: !data.POWERTOOLS_METRICS_DISABLED,
      namespace: data.POWERTOOLS_METRICS_NAMESPACE,
      serviceName: data.POWERTOOLS_SERVICE_NAME,
    }
  );
}
