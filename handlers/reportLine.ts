/**
 * The line that tells what became of an invocation's fleet report (docs/design.md, Fleet report): where
 * the report (or, once the last shard assembled it, the split run's report) was written, that a run which
 * stopped early left the last report as it was, or why it failed. A failure never fails the invocation
 * (the checks and notifications are done): it is a `reportFailed` line with its code, and its own metric.
 */
import type { TextOutput } from '../adapters/log/consoleLogSink.ts';
import type { ReportOutcome } from '../app/writeRunReport.ts';
import { CertmonitorError, errorLabel } from '../core/errors.ts';
import { isoSeconds } from './isoSeconds.ts';

/** Writes the report's line, if it has one; false when the report could not be written. */
export function reportLine(report: ReportOutcome, now: Date, out: TextOutput): boolean {
  const time = isoSeconds(now);
  switch (report.kind) {
    case 'skipped':
      if (report.reason === 'stopped') {
        const text = 'The run stopped before the end of the fleet; the fleet report was left as it was';
        out.write(`${JSON.stringify({ time, event: 'reportSkipped', level: 'warning', text })}\n`);
      }
      return true;
    case 'written':
      out.write(
        `${JSON.stringify({ time, event: 'report', location: report.location, appliances: report.appliances })}\n`,
      );
      return true;
    case 'part':
      if (report.assembled) {
        out.write(`${JSON.stringify({ time, event: 'report', location: report.location, shards: report.shards })}\n`);
      }
      return true;
    case 'failed': {
      const { error } = report;
      const text =
        error instanceof CertmonitorError ? error.message : `the fleet report failed (${errorLabel(error) ?? 'error'})`;
      const code = error instanceof CertmonitorError ? { errorCode: error.code } : {};
      out.write(`${JSON.stringify({ time, event: 'reportFailed', level: 'error', text, ...code })}\n`);
      return false;
    }
  }
}
