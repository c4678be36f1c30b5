import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { DELIVERY_METRICS, type SmsMetric, smsMetricFactory } from './delivery-receipts.js';

export interface DeliveryDashboardProps {
  readonly providers: readonly string[];
  /** Countries whose delivered share gets its own line; none: counts by country instead. */
  readonly countries: readonly string[];
  /** The sender's variables (the metrics' namespace and service). */
  readonly environment: Readonly<Record<string, string>>;
  readonly senderFunction: lambda.IFunction;
  readonly receiptsFunction: lambda.IFunction;
  readonly alarms: readonly cloudwatch.IAlarm[];
  readonly dashboardName?: string | undefined;
}

const PERIOD = Duration.minutes(5);

/** Delivered ÷ (delivered + undelivered), in %, for one value of one dimension. */
function deliveredShare(metric: SmsMetric, dimension: 'provider' | 'country', value: string, index: number) {
  const d = `d${index}`;
  const u = `u${index}`;
  return new cloudwatch.MathExpression({
    expression: `100 * ${d} / (${d} + ${u})`,
    usingMetrics: {
      [d]: metric(DELIVERY_METRICS.delivered, { [dimension]: value }, 'Sum', PERIOD),
      [u]: metric(DELIVERY_METRICS.undelivered, { [dimension]: value }, 'Sum', PERIOD),
    },
    label: value,
    period: PERIOD,
  });
}

/** Every value of `dimension` the metric was published with (a SEARCH: no list to keep up to date). */
function byDimension(environment: Readonly<Record<string, string>>, metricName: string, dimension: string, label: string) {
  const namespace = environment.POWERTOOLS_METRICS_NAMESPACE ?? 'CognitoSms';
  const service = environment.POWERTOOLS_SERVICE_NAME ?? 'cognito-sms';
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${namespace},${dimension},service} MetricName="${metricName}" service="${service}"', 'Sum', ${PERIOD.toSeconds()})`,
    usingMetrics: {},
    label,
    period: PERIOD,
  });
}

/**
 * The delivery dashboard: what was sent, what share reached phones by provider and by country,
 * how long it took, and every way a message fails or is held back.
 *
 * @example `createDeliveryDashboard(this, 'Dashboard', { providers: ['twilio'], countries: [], environment: {}, senderFunction, receiptsFunction, alarms: [] })`
 */
export function createDeliveryDashboard(scope: Construct, id: string, props: DeliveryDashboardProps): cloudwatch.Dashboard {
  const metric = smsMetricFactory(props.environment);
  const graph = (title: string, left: cloudwatch.IMetric[], options: Partial<cloudwatch.GraphWidgetProps> = {}) =>
    new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, ...options });
  const percent = { leftYAxis: { min: 0, max: 100, label: '%', showUnits: false } };
  const sum = (name: string, label: string, dimensions: Record<string, string> = {}) => metric(name, dimensions, 'Sum', PERIOD, label);

  const dashboard = new cloudwatch.Dashboard(scope, id, {
    ...(props.dashboardName ? { dashboardName: props.dashboardName } : {}),
    defaultInterval: Duration.days(1),
  });
  dashboard.addWidgets(
    graph(
      'Sent (accepted by the provider)',
      props.providers.map((provider) => sum(DELIVERY_METRICS.sent, provider, { provider })),
      { stacked: true },
    ),
    graph(
      'Delivered share by provider',
      props.providers.map((provider, index) => deliveredShare(metric, 'provider', provider, index)),
      percent,
    ),
    props.countries.length > 0
      ? graph(
          'Delivered share by country',
          props.countries.map((country, index) => deliveredShare(metric, 'country', country, index)),
          percent,
        )
      : graph('Final receipts by country', [
          byDimension(props.environment, DELIVERY_METRICS.undelivered, 'country', 'undelivered'),
          byDimension(props.environment, DELIVERY_METRICS.delivered, 'country', 'delivered'),
        ]),
  );
  dashboard.addWidgets(
    graph('Delivery latency (send → final status)', [
      metric(DELIVERY_METRICS.latency, {}, 'p50', PERIOD, 'p50'),
      metric(DELIVERY_METRICS.latency, {}, 'p99', PERIOD, 'p99'),
    ]),
    graph('Failures', [
      sum(DELIVERY_METRICS.undelivered, 'undelivered (receipt)'),
      sum(DELIVERY_METRICS.failed, 'not sent (every provider failed)'),
      props.senderFunction.metricErrors({ period: PERIOD, statistic: cloudwatch.Stats.SUM, label: 'sender errors' }),
      props.receiptsFunction.metricErrors({ period: PERIOD, statistic: cloudwatch.Stats.SUM, label: 'receipts function errors' }),
    ]),
    graph('Failovers, rate-limited, blocked', [
      sum(DELIVERY_METRICS.failedOver, 'failovers'),
      sum(DELIVERY_METRICS.rateLimited, 'rate-limited (fraud guard)'),
      sum(DELIVERY_METRICS.blocked, 'blocked (country or number type)'),
    ]),
  );
  dashboard.addWidgets(
    graph('Refused receipts by reason', [byDimension(props.environment, DELIVERY_METRICS.rejected, 'reason', 'refused')]),
    graph(
      'Route demotions by provider',
      props.providers.map((provider) => sum(DELIVERY_METRICS.demoted, provider, { provider })),
    ),
    new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 8, height: 6 }),
  );
  return dashboard;
}
