/**
 * What `certmonitor check` leaves behind besides state (README, Fleet report; README, Prometheus): the
 * fleet report in the state location's `_report/` folder, and with `--metrics-textfile` the run's
 * certificates for node_exporter's textfile collector. Both are built from the run's own views (no
 * second read of the state). A failure is reported on stderr and makes the exit status 1.
 */
import type { TextOutput } from '../adapters/log/consoleLogSink.ts';
import { fleetStatusOf, writeFleetReport } from '../app/fleetReportWriter.ts';
import type { ReportStore } from '../app/ports.ts';
import type { RunSummary } from '../app/runSummary.ts';
import { CertmonitorError, errorLabel } from '../core/errors.ts';
import type { ApplianceView } from '../core/types.ts';

/** What the outputs of one run are made of. */
export interface CheckOutputs {
  readonly store: ReportStore;
  readonly now: Date;
  readonly thresholdDays: number;
  readonly views: ReadonlyMap<string, ApplianceView>;
  readonly summary: RunSummary;
  /** `--metrics-textfile`: the file to replace with the run's metrics. */
  readonly metricsTextfile?: string;
  readonly stderr: TextOutput;
}

function describe(error: unknown): string {
  return error instanceof CertmonitorError ? error.message : `unexpected error (${errorLabel(error) ?? 'Error'})`;
}

/** Writes the report and, when asked, the metrics textfile; resolves to false when either failed. */
export async function writeCheckOutputs(outputs: CheckOutputs): Promise<boolean> {
  const { store, now, thresholdDays, views, summary, metricsTextfile, stderr } = outputs;
  let ok = true;
  try {
    await writeFleetReport(store, fleetStatusOf(now, thresholdDays, views));
  } catch (error) {
    stderr.write(`certmonitor: ${describe(error)}\n`);
    ok = false;
  }
  if (metricsTextfile === undefined) return ok;
  try {
    const [{ certificateMetricsText }, { writeTextfile }] = await Promise.all([
      import('../adapters/prometheus/certificateMetrics.ts'),
      import('../adapters/prometheus/textfile.ts'),
    ]);
    await writeTextfile(metricsTextfile, await certificateMetricsText(views, now, summary.byStatus));
  } catch (error) {
    stderr.write(`certmonitor: ${describe(error)}\n`);
    ok = false;
  }
  return ok;
}
