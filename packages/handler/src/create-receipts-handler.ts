import { gunzipSync } from 'node:zlib';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  type AwsEventReader,
  type AwsEventSource,
  type DeliveryLedger,
  type DeliveryReceipt,
  isAwsEventReader,
  isReceiptRejectedError,
  type ReceiptReader,
  ReceiptRejectedError,
  type ReceiptRequest,
} from '@cognito-sms/core/receipts';
import type { Environment } from './config/env.js';
import { loadReceiptsFunctionConfig, type ReceiptsFunctionConfig } from './config/receipts-function.js';
import { describeError } from './describe-error.js';
import { openDeliveryLedger } from './ledger.js';
import { createEmfPublisher, type EmfPublisher } from './metrics.js';
import { configFingerprint, createSecretRefresh } from './secret-refresh.js';
import { createSecretResolver } from './secrets.js';

/** The largest callback body read, in bytes: a delivery report is well under 8 KiB; 64 KiB leaves room for batches. */
export const MAX_RECEIPT_BODY_BYTES = 64 * 1024;

export const RECEIPT_METRIC_NAMES = {
  /** A first final status saying the phone received the SMS. */
  delivered: 'SmsDelivered',
  /** A first final status saying it did not (undelivered, failed, expired, or a final unknown). */
  undelivered: 'SmsUndelivered',
  /** ms from the send to the final status, when the ledger knows the send. */
  latency: 'SmsDeliveryLatency',
  /** A callback refused before it had any effect (dimension `reason`: `BadSignature`, `Replayed`, …). */
  rejected: 'SmsReceiptRejected',
} as const;

/** A function URL request (payload format 2.0): the fields this handler reads. */
interface FunctionUrlRequest {
  readonly rawPath: string;
  readonly rawQueryString?: string;
  readonly headers?: Record<string, string | undefined>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly requestContext: { readonly http: { readonly method: string }; readonly domainName?: string };
}

/** The function URL's structured response. */
export interface ReceiptsResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * The receipts Lambda: provider webhooks on its function URL (`POST /<provider id>`), SNS SMS
 * delivery-status logs through a CloudWatch Logs subscription, and End User Messaging events
 * through SNS. Function URL requests get a response; the AWS events get none.
 */
export type ReceiptsHandler = (event: unknown) => Promise<ReceiptsResponse | undefined>;

export interface CreateReceiptsHandlerOptions {
  readonly logger?: Logger;
  /**
   * Correlates receipts with sends and counts each message once. Default: the DynamoDB ledger on
   * the state table (SMS_IDEMPOTENCY_TABLE, else SMS_GUARD_TABLE) when one is set; without any,
   * every final receipt counts.
   */
  readonly ledger?: DeliveryLedger;
  /** The clock replay windows are measured with (and the DynamoDB ledger's, when it builds one). */
  readonly now?: () => number;
}

/**
 * Reads the configuration from `env` once (the sender's variables: SMS_PROVIDER, SMS_ROUTES,
 * each provider's secrets), builds each chained provider's receipts part, and returns the handler.
 * Secret references are read again after `SMS_SECRETS_MAX_AGE_S`, as the sender reads them: a
 * changed value rebuilds the receipts parts; a failed re-read keeps the values in use.
 *
 * Every webhook is verified by its provider's scheme before it has any effect; a refused one is
 * answered 401/403/404/405/413/400 and counted as `SmsReceiptRejected`. Nothing a provider sent
 * (numbers, message text) is logged.
 *
 * @throws {ConfigError} at cold start, naming every variable at fault.
 * @example `export const handler = await createReceiptsHandler(process.env);`
 */
export async function createReceiptsHandler(env: Environment, options: CreateReceiptsHandlerOptions = {}): Promise<ReceiptsHandler> {
  const logger = options.logger ?? new Logger({ serviceName: 'cognito-sms-receipts' });
  const now = options.now ?? Date.now;
  const secrets = createSecretResolver();
  let readers: Readers;
  let config: ReceiptsFunctionConfig;
  let emf: EmfPublisher | undefined;
  let ledger = options.ledger;
  try {
    config = await loadReceiptsFunctionConfig(env, { secrets });
    readers = await createReaders(config, logger);
    // Without a ledger every final receipt counts, repeats too: the table makes each count once.
    if (!ledger && config.ledgerTable) ledger = await openDeliveryLedger(config.ledgerTable, now);
    emf = config.metrics.enabled ? await createEmfPublisher(config.metrics) : undefined;
    logger.debug('cognito-sms receipts ready', {
      webhooks: [...readers.webhooks.keys()],
      awsEvents: [...readers.aws.values()].flat().map((reader) => reader.id),
      withoutReceipts: config.withoutReceipts,
      secretReferences: config.secrets.references.map((reference) => reference.variable),
      ledger: ledger ? (options.ledger ? 'given' : 'dynamodb') : 'none',
    });
  } catch (error) {
    logger.error('cognito-sms receipts could not start', { error: describeError(error) });
    throw error;
  }
  const baseUrl = config.url;

  // A rotated secret (a provider's auth token, a callback secret) reaches the verifiers after
  // SMS_SECRETS_MAX_AGE_S, as it reaches the sender's providers.
  const refreshSecrets = createSecretRefresh({
    secrets: config.secrets,
    initial: config,
    load: () => loadReceiptsFunctionConfig(env, { secrets }),
    fingerprint: (next) => configFingerprint(next.receipts.map(({ definition, config: settings }) => [definition.id, settings])),
    apply: async (next) => {
      readers = await createReaders(next, logger);
    },
    logger,
    changedMessage: 'Provider credentials changed; receipt readers rebuilt',
    now,
  });

  const count = (name: string, value: number, unit: 'Count' | 'Milliseconds', dimensions: Parameters<EmfPublisher['add']>[3]) =>
    emf?.add(name, unit, value, dimensions);

  /** Counts a final receipt once, with the send's country and trigger when the ledger has them. */
  const settle = async (receipt: DeliveryReceipt, receivedAt: number): Promise<void> => {
    const fields = {
      provider: receipt.provider,
      messageId: receipt.messageId,
      state: receipt.state,
      providerStatus: receipt.providerStatus,
    };
    if (!receipt.final) {
      logger.debug('Intermediate delivery status', fields);
      return;
    }
    const settled = ledger ? await ledger.settle(receipt) : { first: true };
    if (!settled.first) {
      logger.info('Repeated final delivery status; counted once already', fields);
      return;
    }
    const sent = 'sent' in settled ? settled.sent : undefined;
    const country = sent?.country ?? receipt.country ?? 'unknown';
    const dimensions = { provider: receipt.provider, country, ...(sent ? { trigger: sent.trigger } : {}) };
    count(receipt.state === 'delivered' ? RECEIPT_METRIC_NAMES.delivered : RECEIPT_METRIC_NAMES.undelivered, 1, 'Count', dimensions);
    const latencyMs = sent ? Math.max(0, (receipt.at ?? receivedAt) - sent.sentAt) : undefined;
    if (latencyMs !== undefined) count(RECEIPT_METRIC_NAMES.latency, latencyMs, 'Milliseconds', dimensions);
    logger.info('Delivery receipt', {
      ...fields,
      ...(receipt.providerCode ? { providerCode: receipt.providerCode } : {}),
      country,
      ...(sent ? { trigger: sent.trigger } : {}),
      ...(latencyMs === undefined ? {} : { latencyMs }),
    });
  };

  const onWebhook = async (event: FunctionUrlRequest): Promise<ReceiptsResponse> => {
    const id = event.rawPath.replace(/\/+$/, '').split('/').pop() ?? '';
    const reader = readers.webhooks.get(id);
    try {
      if (reader === undefined) {
        throw new ReceiptRejectedError(
          'UnknownProvider',
          `no provider "${id.slice(0, 40)}" takes receipts here; paths are /<provider id> of SMS_PROVIDER's chain`,
        );
      }
      const request = toReceiptRequest(event, reader, baseUrl, now());
      await reader.verify(request);
      const receipts = reader.parse(request);
      for (const receipt of receipts) await settle(receipt, request.receivedAt);
      return respond(200, { received: receipts.length });
    } catch (error) {
      if (!isReceiptRejectedError(error)) throw error;
      count(RECEIPT_METRIC_NAMES.rejected, 1, 'Count', { ...(reader ? { provider: reader.id } : {}), reason: error.code });
      logger.warn('Delivery receipt refused', { provider: reader?.id ?? 'unknown', reason: error.code, message: error.message });
      return respond(
        error.status,
        { message: error.message },
        error.code === 'MethodNotAllowed' && reader ? { allow: reader.methods.join(', ') } : {},
      );
    }
  };

  const onAwsEvents = async (source: AwsEventSource, messages: readonly { message: string; origin: string }[]): Promise<void> => {
    const sourceReaders = readers.aws.get(source) ?? [];
    if (sourceReaders.length === 0) {
      logger.warn('Status events arrived from AWS but no chained provider reads them', { source });
      return;
    }
    for (const { message, origin } of messages) {
      const receivedAt = now();
      for (const reader of sourceReaders) {
        let receipts: readonly DeliveryReceipt[];
        try {
          receipts = reader.readEvent({ source, message, origin, receivedAt });
        } catch (error) {
          if (!isReceiptRejectedError(error)) throw error;
          // Not this reader's format (or not a status event at all): AWS will not resend it.
          count(RECEIPT_METRIC_NAMES.rejected, 1, 'Count', { provider: reader.id, reason: error.code });
          logger.warn('Status event not read', { provider: reader.id, reason: error.code, message: error.message });
          continue;
        }
        for (const receipt of receipts) await settle(receipt, receivedAt);
      }
    }
  };

  return async (event) => {
    try {
      await refreshSecrets();
      if (isFunctionUrlRequest(event)) return await onWebhook(event);
      const logs = cloudWatchLogsMessages(event);
      if (logs) {
        await onAwsEvents('cloudwatch-logs', logs);
        return undefined;
      }
      const notifications = snsMessages(event);
      if (notifications) {
        await onAwsEvents('sns', notifications);
        return undefined;
      }
      logger.error('Not a function URL request, a CloudWatch Logs subscription or an SNS notification; ignored');
      return undefined;
    } catch (error) {
      // A store failure: the provider (or AWS) retries, and the ledger counts the receipt once.
      logger.error('Delivery receipt not processed', { error: describeError(error) });
      if (isFunctionUrlRequest(event)) return respond(500, { message: 'receipt not processed; retry later' });
      throw error;
    } finally {
      emf?.flush();
    }
  };
}

/** Each chained provider's receipts part, by what calls it. */
interface Readers {
  /** Function URL webhooks, by provider id (the path). */
  readonly webhooks: Map<string, ReceiptReader>;
  /** Readers of AWS status events, by event source. */
  readonly aws: Map<AwsEventSource, AwsEventReader[]>;
}

async function createReaders(config: ReceiptsFunctionConfig, logger: Logger): Promise<Readers> {
  const webhooks = new Map<string, ReceiptReader>();
  const aws = new Map<AwsEventSource, AwsEventReader[]>();
  for (const { definition, config: settings } of config.receipts) {
    const reader = await definition.create(settings, { logger });
    if (isAwsEventReader(reader)) aws.set(reader.source, [...(aws.get(reader.source) ?? []), reader]);
    else webhooks.set(reader.id, reader);
  }
  return { webhooks, aws };
}

const isFunctionUrlRequest = (event: unknown): event is FunctionUrlRequest =>
  typeof event === 'object' &&
  event !== null &&
  typeof (event as FunctionUrlRequest).rawPath === 'string' &&
  typeof (event as FunctionUrlRequest).requestContext?.http?.method === 'string';

/**
 * The request as the provider signed it. The URL is SMS_RECEIPTS_URL's (what the sender told
 * the provider to call) plus the path's provider id and the query string: behind a custom
 * domain or CloudFront the Host header would differ from what was signed.
 */
function toReceiptRequest(
  event: FunctionUrlRequest,
  reader: ReceiptReader,
  baseUrl: string | undefined,
  receivedAt: number,
): ReceiptRequest {
  const method = event.requestContext.http.method.toUpperCase();
  if (!reader.methods.includes(method as 'GET' | 'POST')) {
    throw new ReceiptRejectedError(
      'MethodNotAllowed',
      `${reader.id} receipts take ${reader.methods.join(' or ')}, not ${method.slice(0, 10)}`,
    );
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
  const declared = Number(headers['content-length'] ?? 0);
  // Checked before decoding: base64 takes 4 characters per 3 bytes.
  const encodedLength = event.body?.length ?? 0;
  const length = event.isBase64Encoded ? Math.floor((encodedLength * 3) / 4) : Buffer.byteLength(event.body ?? '');
  if (declared > MAX_RECEIPT_BODY_BYTES || length > MAX_RECEIPT_BODY_BYTES) {
    throw new ReceiptRejectedError('TooLarge', `the body is over ${MAX_RECEIPT_BODY_BYTES} bytes`);
  }
  const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  const base = baseUrl ?? `https://${headers.host ?? event.requestContext.domainName ?? 'localhost'}`;
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  return { method: method as 'GET' | 'POST', url: `${base}/${reader.id}${query}`, headers, body, receivedAt };
}

/** The log events of a CloudWatch Logs subscription (`awslogs.data`: base64 of gzipped JSON). */
function cloudWatchLogsMessages(event: unknown): { message: string; origin: string }[] | undefined {
  const data = (event as { awslogs?: { data?: unknown } } | null)?.awslogs?.data;
  if (typeof data !== 'string') return undefined;
  const payload = JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as {
    messageType?: string;
    logGroup?: string;
    logEvents?: { message?: unknown }[];
  };
  // CloudWatch Logs checks a new subscription with a CONTROL_MESSAGE: nothing to read.
  if (payload.messageType !== 'DATA_MESSAGE') return [];
  return (payload.logEvents ?? [])
    .filter((logEvent) => typeof logEvent.message === 'string')
    .map((logEvent) => ({ message: logEvent.message as string, origin: payload.logGroup ?? '' }));
}

/** The messages of an SNS notification event. */
function snsMessages(event: unknown): { message: string; origin: string }[] | undefined {
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records) || records.length === 0) return undefined;
  const messages: { message: string; origin: string }[] = [];
  for (const record of records as { EventSource?: string; Sns?: { Message?: unknown; TopicArn?: unknown } }[]) {
    if (record.EventSource !== 'aws:sns' || typeof record.Sns?.Message !== 'string') return undefined;
    messages.push({ message: record.Sns.Message, origin: String(record.Sns.TopicArn ?? '') });
  }
  return messages;
}

function respond(statusCode: number, body: unknown, headers: Record<string, string> = {}): ReceiptsResponse {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
