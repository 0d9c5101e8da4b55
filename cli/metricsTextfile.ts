/**
 * What `certmonitor check --metrics-textfile FILE` leaves behind besides state and the fleet report
 * (docs/monitoring.md, Prometheus): the run's certificates for node_exporter's textfile collector, built from the
 * run's own views (no second read of the state). A failure is reported on stderr and makes the exit status 1.
 */
import type { TextOutput } from '../adapters/log/consoleLogSink.ts';
import type { RunSummary } from '../app/runSummary.ts';
import type { ClientView } from '../core/clientState.ts';
import { CertmonitorError, errorLabel } from '../core/errors.ts';
import type { ApplianceView } from '../core/types.ts';

/** What the textfile of one run is made of. */
export interface MetricsTextfile {
  /** The file to replace with the run's metrics. */
  readonly file: string;
  readonly now: Date;
  readonly views: ReadonlyMap<string, ApplianceView>;
  /** The Luna clients' views (docs/clients.md); empty without clients. */
  readonly clients?: ReadonlyMap<string, ClientView>;
  readonly summary: RunSummary;
  readonly stderr: TextOutput;
}

/** An output's failure in words safe to print: our own errors' message, else only the error's class. */
export function describeFailure(error: unknown): string {
  return error instanceof CertmonitorError ? error.message : `unexpected error (${errorLabel(error) ?? 'Error'})`;
}

/** Writes the metrics textfile; resolves to false (after saying why on stderr) when it could not. */
export async function writeMetricsTextfile(textfile: MetricsTextfile): Promise<boolean> {
  const { file, now, views, summary, stderr } = textfile;
  try {
    const [{ certificateMetricsText }, { writeTextfile }] = await Promise.all([
      import('../adapters/prometheus/certificateMetrics.ts'),
      import('../adapters/prometheus/textfile.ts'),
    ]);
    await writeTextfile(file, await certificateMetricsText(views, now, summary.byStatus, textfile.clients));
    return true;
  } catch (error) {
    stderr.write(`certmonitor: ${describeFailure(error)}\n`);
    return false;
  }
}
