import {
  commaList,
  ConfigError,
  type ConfigIssue,
  envVariableName,
  isKmsKeyArn,
  type ProviderDefinition,
} from '@cognito-sms/core';
import { z } from 'zod';
import { loadProviderDefinition } from './load-provider.js';

/** The process environment, or any record shaped like it (tests pass their own). */
export type Environment = Readonly<Record<string, string | undefined>>;

/** A provider of the chain with its parsed configuration. */
export interface ConfiguredProvider {
  readonly definition: ProviderDefinition<unknown>;
  readonly config: unknown;
}

/** Everything the handler takes from the environment, read once at cold start. */
export interface HandlerConfig {
  readonly providers: readonly ConfiguredProvider[];
  readonly keyArns: readonly string[];
  readonly allowedUserPoolIds: readonly string[];
  readonly attemptTimeoutMs: number;
  readonly lambdaFunctionName: string | undefined;
}

const USER_POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;

const handlerEnvSchema = z.object({
  SMS_PROVIDER: z
    .string()
    .default('console')
    .transform(commaList)
    .pipe(z.array(z.string()).min(1, 'must name at least one provider, e.g. "twilio" or "twilio,sns"')),
  KMS_KEY_ARN: z
    .string({ error: 'is required: the ARN of the KMS key the user pool encrypts codes with' })
    .transform(commaList)
    .pipe(
      z
        .array(
          z.string().refine(isKmsKeyArn, {
            error: (issue) =>
              `${JSON.stringify(issue.input)} is not a full KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>); aliases never match Cognito's messages`,
          }),
        )
        .min(1, 'is required: the ARN of the KMS key the user pool encrypts codes with'),
    ),
  COGNITO_USER_POOL_IDS: z
    .string()
    .optional()
    .transform(commaList)
    .pipe(
      z.array(
        z.string().regex(USER_POOL_ID, { error: (issue) => `${JSON.stringify(issue.input)} is not a user pool id (e.g. eu-west-1_AbC123)` }),
      ),
    ),
  SMS_ATTEMPT_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .positive('must be a positive number of milliseconds')
    .default(4000),
  AWS_LAMBDA_FUNCTION_NAME: z.string().optional(),
});

/**
 * Reads and validates the whole configuration: the handler's own variables, then every
 * chosen provider's. All problems are collected and thrown together.
 *
 * @throws {ConfigError} naming every missing or invalid variable.
 * @example `const config = await loadHandlerConfig(process.env)`
 */
export async function loadHandlerConfig(env: Environment): Promise<HandlerConfig> {
  const issues: ConfigIssue[] = [];
  const parsed = handlerEnvSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({ variable: String(issue.path[0] ?? '(environment)'), message: issue.message });
    }
  }
  const providerIds = parsed.success ? parsed.data.SMS_PROVIDER : commaList(env.SMS_PROVIDER ?? 'console');
  const providers: ConfiguredProvider[] = [];
  for (const id of providerIds) {
    const definition = await loadProviderDefinition(id, issues);
    if (!definition) continue;
    const config = parseProviderConfig(definition, env, issues);
    if (config.ok) providers.push({ definition, config: config.value });
  }
  if (issues.length > 0 || !parsed.success) throw new ConfigError(issues);
  return Object.freeze({
    providers,
    keyArns: parsed.data.KMS_KEY_ARN,
    allowedUserPoolIds: parsed.data.COGNITO_USER_POOL_IDS,
    attemptTimeoutMs: parsed.data.SMS_ATTEMPT_TIMEOUT_MS,
    lambdaFunctionName: parsed.data.AWS_LAMBDA_FUNCTION_NAME,
  });
}

/** Reads `<ID>_<KEY>` for each key of the definition's object schema and validates them. */
function parseProviderConfig(
  definition: ProviderDefinition<unknown>,
  env: Environment,
  issues: ConfigIssue[],
): { ok: true; value: unknown } | { ok: false } {
  const shape = (definition.config as { shape?: Record<string, unknown> }).shape ?? {};
  const raw: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const value = env[envVariableName(definition.id, key)];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const result = definition.config.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  for (const issue of result.error.issues) {
    const key = issue.path[0];
    issues.push({
      variable: key === undefined ? `${definition.id} configuration` : envVariableName(definition.id, String(key)),
      message: issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message,
    });
  }
  return { ok: false };
}
