/*
 * The handler's configuration, read once at cold start. One file per concern holds that
 * concern's variables, their zod schema and the settings built from them; this file only calls
 * each concern and turns the problems they collect into one ConfigError.
 *
 * A concern (say `guard.ts`) is:
 *  1. `<concern>.ts`: a schema for its variables and `parse<Concern>(env, file, issues)`, which
 *     adds each problem to `issues` and returns the settings, or undefined when they are invalid;
 *  2. if it has a section in SMS_CONFIG_FILE: a `z.object` for it, exported and spread into the
 *     file's schema in `file.ts` (the `file` argument is then typed by that object);
 *  3. here: its field in `HandlerConfig`, the call, and its result in the check before the return.
 */
import {
  ConfigError,
  type ConfigIssue,
  type DeliveryPolicy,
  type DestinationPolicy,
  type MessageComposerOptions,
  type SenderTable,
} from '@cognito-sms/core';
import type { SecretReference, SecretResolver } from '../secrets.js';
import { parseCognito } from './cognito.js';
import { parseDelivery } from './delivery.js';
import type { Environment } from './env.js';
import { readConfigFile } from './file.js';
import { GUARD_SECRET_VARIABLES, type GuardConfig, parseGuardConfig } from './guard.js';
import { type IdempotencySettings, parseIdempotency } from './idempotency.js';
import { type MetricsSettings, parseMetrics } from './metrics.js';
import { type ConfiguredProvider, parseProviders } from './providers.js';
import { parseReceipts, type ReceiptsSettings } from './receipts.js';
import { type DeliveryLedgerSettings, parseRouteLearning } from './route-learning.js';
import { parseScreening } from './screening.js';
import { parseSenders } from './senders.js';
import { parseTemplates } from './templates.js';

/** Everything the handler takes from the environment, read once at cold start. */
export interface HandlerConfig {
  /** Every provider any chain names, once each, by entry. */
  readonly providers: readonly ConfiguredProvider[];
  /** The default chain (`SMS_PROVIDER`), as entries. */
  readonly chain: readonly string[];
  /** Chains by destination key (`GB`, `+44`), as entries. */
  readonly routes: ReadonlyMap<string, readonly string[]>;
  readonly senders: SenderTable;
  readonly screening: DestinationPolicy;
  readonly delivery: DeliveryPolicy;
  readonly messages: MessageComposerOptions;
  readonly keyArns: readonly string[];
  readonly allowedUserPoolIds: readonly string[];
  readonly lambdaFunctionName: string | undefined;
  /** Provider variables that hold secret references, and how long their values are cached. */
  readonly secrets: { readonly maxAgeSeconds: number; readonly references: readonly SecretReference[] };
  readonly idempotency: IdempotencySettings;
  readonly guard: GuardConfig;
  readonly metrics: MetricsSettings;
  readonly receipts: ReceiptsSettings;
  /** The delivery ledger's table and route learning (SMS_ROUTE_*). */
  readonly ledger: DeliveryLedgerSettings;
}

export interface LoadHandlerConfigOptions {
  /** Resolves secret references; one is created when absent. Pass the same one to reuse its cache. */
  readonly secrets?: SecretResolver;
}

/**
 * Reads and validates the whole configuration: the handler's own variables, the optional JSON
 * file (`SMS_CONFIG_FILE`), then every provider's variables, after resolving those that hold a
 * secret reference. All problems are collected and thrown together.
 *
 * @throws {ConfigError} naming every missing or invalid variable.
 * @example `const config = await loadHandlerConfig(process.env)`
 */
export async function loadHandlerConfig(env: Environment, options: LoadHandlerConfigOptions = {}): Promise<HandlerConfig> {
  const issues: ConfigIssue[] = [];
  const cognito = parseCognito(env, issues);
  const delivery = parseDelivery(env, issues);
  const screening = parseScreening(env, issues);
  const idempotency = parseIdempotency(env, issues);
  const metrics = parseMetrics(env, issues);
  const receipts = parseReceipts(env, issues);
  const ledger = parseRouteLearning(env, issues);
  const file = await readConfigFile(env, issues);
  const providers = await parseProviders(env, file, issues, options.secrets, GUARD_SECRET_VARIABLES);
  const guard = parseGuardConfig(providers.resolvedEnv, file?.guard, issues);
  const senders = parseSenders(env, file, providers.ids, issues);
  const messages = parseTemplates(env, file, issues);
  if (!cognito || !delivery || !screening || !idempotency || !metrics || !receipts || !ledger || !messages || issues.length > 0)
    throw new ConfigError(issues);

  return Object.freeze({
    providers: providers.providers,
    chain: providers.chain,
    routes: providers.routes,
    senders,
    screening,
    delivery,
    messages,
    keyArns: cognito.keyArns,
    allowedUserPoolIds: cognito.allowedUserPoolIds,
    lambdaFunctionName: providers.lambdaFunctionName,
    secrets: providers.secrets,
    idempotency,
    guard,
    metrics,
    receipts,
    ledger,
  });
}
