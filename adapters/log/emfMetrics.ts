/**
 * CloudWatch metrics of a check run in the Embedded Metric Format (EMF) through Powertools Metrics: the
 * Lambda's stdout becomes metrics with no PutMetricData call and no extra IAM permission.
 * - `DaysToExpiry` per appliance (dimension `Appliance`), like ACM's metric of the same name, so an alarm
 *   can watch one appliance or the fleet's minimum.
 * - `Appliances` per status (dimension `Status`, zeros included so alarms see data every run).
 * - `NotificationsSent`, `NotificationsFailed` (delivery failures), `RunDuration`, `RunsStopped` (a run
 *   that ran out of time: the fleet needs more shards) and `ReportsFailed` (the fleet report could not be
 *   written).
 * - `GatewayFailovers`: requests a gateway did not accept, handed on to the next one (docs/gateway.md, Standby
 *   gateways): a gateway needs looking at even when the next one delivered.
 * - `InventoryProblems` (what is wrong with `fleet.json`) and `RunsSucceeded` (1 for a run that did
 *   everything it had to, else 0): the alarms of serverless.yml watch these (docs/monitoring.md, Failure handling), the
 *   dead-man alarm the absence of `RunsSucceeded`.
 * - `TrapHostsFailing`: trap hosts that failed in the run and have failed for at least H (docs/monitoring.md, Failure
 *   handling); the other hosts got the notifications, so the run succeeded, but this host needs fixing.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ApplianceOutcome } from '../../app/ports.ts';
import { STATUSES, type Status } from '../../core/types.ts';

/** The metrics namespace (overridable with `POWERTOOLS_METRICS_NAMESPACE`). */
export const METRICS_NAMESPACE = 'Certmonitor';

/** The part of a run summary the metrics need. */
export interface RunTotals {
  readonly byStatus: Readonly<Partial<Record<Status, number>>>;
  readonly notifications: { readonly sent: number; readonly failed: number };
  readonly durationMs: number;
  /** True when the run ran out of time before every appliance was checked. */
  readonly stopped?: boolean;
  /** True when the fleet report (or the shard's part of it) could not be written. */
  readonly reportFailed?: boolean;
  /** How many problems the inventory has. */
  readonly inventoryProblems?: number;
  /** `failing`: trap hosts that failed in the run and have failed for at least H. */
  readonly trapHosts?: { readonly failing: number };
  /** True when the run did everything it had to (nothing undelivered, no appliance failed, not stopped). */
  readonly succeeded?: boolean;
  /** Requests handed on from a gateway that did not accept them to the next one. */
  readonly failovers?: number;
}

/** Records one run's metrics and writes them as EMF lines. */
export class EmfMetrics {
  private readonly metrics: Metrics;

  constructor(options: { readonly namespace?: string; readonly serviceName?: string } = {}) {
    this.metrics = new Metrics({
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? options.namespace ?? METRICS_NAMESPACE,
      serviceName: options.serviceName ?? 'certmonitor',
    });
  }

  /** Emits `DaysToExpiry` for an appliance whose certificate was read (one EMF line each: its own dimension). */
  recordOutcome(outcome: ApplianceOutcome): void {
    const days = outcome.daysRemaining;
    if (typeof days !== 'number' || !Number.isFinite(days)) return;
    this.metrics
      .singleMetric()
      .addDimension('Appliance', outcome.appliance)
      .addMetric('DaysToExpiry', MetricUnit.Count, days);
  }

  /** Emits the run's counts per status, deliveries and duration, and flushes them. */
  recordRun(totals: RunTotals): void {
    for (const status of STATUSES) {
      this.metrics
        .singleMetric()
        .addDimension('Status', status)
        .addMetric('Appliances', MetricUnit.Count, totals.byStatus[status] ?? 0);
    }
    this.metrics.addMetric('NotificationsSent', MetricUnit.Count, totals.notifications.sent);
    this.metrics.addMetric('NotificationsFailed', MetricUnit.Count, totals.notifications.failed);
    this.metrics.addMetric('GatewayFailovers', MetricUnit.Count, totals.failovers ?? 0);
    this.metrics.addMetric('RunDuration', MetricUnit.Milliseconds, totals.durationMs);
    this.metrics.addMetric('RunsStopped', MetricUnit.Count, totals.stopped ? 1 : 0);
    this.metrics.addMetric('ReportsFailed', MetricUnit.Count, totals.reportFailed ? 1 : 0);
    this.metrics.addMetric('InventoryProblems', MetricUnit.Count, totals.inventoryProblems ?? 0);
    this.metrics.addMetric('TrapHostsFailing', MetricUnit.Count, totals.trapHosts?.failing ?? 0);
    this.metrics.addMetric('RunsSucceeded', MetricUnit.Count, totals.succeeded ? 1 : 0);
    this.metrics.publishStoredMetrics();
  }
}
