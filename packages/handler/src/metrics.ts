import type { SenderEvent } from '@cognito-sms/core';
import type { MetricsSettings } from './config/metrics.js';

/**
 * The metrics, in the `POWERTOOLS_METRICS_NAMESPACE` namespace (default `CognitoSms`). Each is
 * published with the dimension sets `[service]`, `[service, provider]`, `[service, trigger]`,
 * `[service, country]` and, for `SmsRateLimited`, `[service, limit]` (those that apply), so a dashboard can slice by any one of them
 * while the number of CloudWatch metrics grows with the sum of the values, not their product.
 */
export const METRIC_NAMES = {
  /** A provider accepted the SMS. */
  sent: 'SmsSent',
  /** The invocation failed without a provider accepting the SMS (dimension `provider`: the last one tried). */
  failed: 'SmsFailed',
  /** A retry on the same provider after it proved it did not take the message (429, refused). */
  retried: 'SmsRetried',
  /** A move to the next provider of the chain (dimension `provider`: the one that failed). */
  failedOver: 'SmsFailedOver',
  /** Refused by SMS_ALLOWED_COUNTRIES / SMS_BLOCKED_COUNTRIES / SMS_BLOCKED_NUMBER_TYPES; nothing sent. */
  blocked: 'SmsBlocked',
  /** From the first attempt to the provider's acceptance, retries and failovers included (ms). */
  latency: 'SmsSendLatency',
  /** Segments the accepted SMS takes (the provider's count, else ours). */
  segments: 'SmsSegments',
  /** Refused by the fraud guard before decryption (dimension `limit`: `NumberLimit`, `BudgetExhausted`, …); nothing sent. */
  rateLimited: 'SmsRateLimited',
  /** The fraud guard's store failed; with SMS_GUARD_ON_STORE_ERROR=open the SMS went out unchecked. */
  guardStoreError: 'SmsGuardStoreError',
  /** Route learning moved a provider behind the next one in a country's chain (dimensions `provider`, `country`). */
  routeDemoted: 'SmsRouteDemoted',
  /** A replayed event answered from the idempotency record; nothing sent. */
  duplicate: 'SmsDuplicateSuppressed',
} as const;

/** Collects one invocation's metrics and publishes them as EMF lines on stdout. */
export interface MetricsRecorder {
  record(event: SenderEvent): void;
  duplicate(trigger: string | undefined): void;
  /** Publishes what was recorded since the last flush; called once at the end of every invocation. */
  flush(): void;
}

/** Records nothing: `POWERTOOLS_METRICS_DISABLED=true`. */
export const NO_METRICS: MetricsRecorder = { record() {}, duplicate() {}, flush() {} };

/**
 * A recorder on Powertools Metrics. Points with the same dimension values share one EMF line;
 * every invocation flushes its own lines (Lambda may freeze the container right after).
 *
 * @example `const metrics = await createMetricsRecorder(config.metrics); … metrics.flush()`
 */
export async function createMetricsRecorder(settings: MetricsSettings): Promise<MetricsRecorder> {
  if (!settings.enabled) return NO_METRICS;
  const emf = await createEmfPublisher(settings);
  const add = emf.add;

  return {
    record(event) {
      const base = { ...(event.trigger ? { trigger: event.trigger } : {}), country: event.country ?? 'unknown' };
      switch (event.type) {
        case 'attempt':
          if (event.next === 'retry') add(METRIC_NAMES.retried, 'Count', 1, { ...base, provider: event.provider });
          if (event.next === 'failover') add(METRIC_NAMES.failedOver, 'Count', 1, { ...base, provider: event.provider });
          break;
        case 'sent':
          add(METRIC_NAMES.sent, 'Count', 1, { ...base, provider: event.provider });
          add(METRIC_NAMES.latency, 'Milliseconds', event.durationMs, { ...base, provider: event.provider });
          if (event.segments !== undefined) add(METRIC_NAMES.segments, 'Count', event.segments, { ...base, provider: event.provider });
          break;
        case 'failed':
          add(METRIC_NAMES.failed, 'Count', 1, { ...base, ...(event.provider ? { provider: event.provider } : {}) });
          break;
        case 'blocked':
          add(METRIC_NAMES.blocked, 'Count', 1, base);
          break;
        case 'rateLimited':
          add(METRIC_NAMES.rateLimited, 'Count', 1, { ...base, limit: event.limit });
          break;
        case 'guardStoreError':
          add(METRIC_NAMES.guardStoreError, 'Count', 1, base);
          break;
        case 'routeDemoted':
          add(METRIC_NAMES.routeDemoted, 'Count', 1, { country: event.country ?? 'unknown', provider: event.provider });
          break;
      }
    },
    duplicate(trigger) {
      add(METRIC_NAMES.duplicate, 'Count', 1, trigger ? { trigger } : {});
    },
    flush: emf.flush,
  };
}

type Unit = 'Count' | 'Milliseconds';

/** The dimensions a point may carry; each one present becomes its own dimension set. */
export interface MetricDimensions {
  readonly provider?: string;
  readonly trigger?: string;
  readonly country?: string;
  readonly limit?: string;
  readonly reason?: string;
}

interface Point {
  readonly name: string;
  readonly unit: Unit;
  readonly value: number;
  readonly dimensions: MetricDimensions;
}

/** Points collected during an invocation, published together as EMF lines. */
export interface EmfPublisher {
  add(name: string, unit: Unit, value: number, dimensions: MetricDimensions): void;
  /** Publishes the points added since the last flush. */
  flush(): void;
}

const DIMENSION_NAMES = ['provider', 'trigger', 'country', 'limit', 'reason'] as const;

/**
 * EMF on Powertools Metrics, shared by the sender's and the receipts function's recorders:
 * points with the same dimension values share one EMF line.
 *
 * @example `const emf = await createEmfPublisher(settings); emf.add('SmsSent', 'Count', 1, { provider }); emf.flush()`
 */
export async function createEmfPublisher(settings: MetricsSettings): Promise<EmfPublisher> {
  const { Metrics } = await import('@aws-lambda-powertools/metrics');
  const metrics = new Metrics({ namespace: settings.namespace, serviceName: settings.serviceName });
  let points: Point[] = [];
  return {
    add: (name, unit, value, dimensions) => points.push({ name, unit, value, dimensions }),
    flush() {
      const groups = new Map<string, Point[]>();
      for (const point of points) {
        const key = JSON.stringify(DIMENSION_NAMES.map((name) => point.dimensions[name]));
        groups.set(key, [...(groups.get(key) ?? []), point]);
      }
      points = [];
      for (const group of groups.values()) {
        const dimensions = group[0]?.dimensions ?? {};
        metrics.addDimensions({});
        for (const name of DIMENSION_NAMES) {
          const value = dimensions[name];
          if (value) metrics.addDimensions({ [name]: value });
        }
        for (const point of group) metrics.addMetric(point.name, point.unit as never, point.value);
        metrics.publishStoredMetrics();
      }
    },
  };
}
