/**
 * Reports trap hosts that keep failing (docs/monitoring.md, Failure handling): after a run, what the gateway answered
 * about each trap host is merged into the state's fleet-level record (`_trapHosts.json`), and a host that
 * has failed for at least H is logged once per H (`trapHostFailing`), a reported host that acknowledges
 * again once (`trapHostRecovered`). The record is written conditionally; a run that loses the race (another
 * shard of the same run, an overlapping run) merges again into the fresh record, so the lines are written
 * by whichever run records them first and never twice. A record that cannot be read leaves nothing to
 * compare with, so such a run reports no streak (each failure still has its `trapFailed` line); one that
 * cannot be written still gets the lines this run's view calls for: loud rather than quiet.
 */
import { logEntry } from '../core/logEntry.ts';
import {
  type TrapHostEvidence,
  type TrapHostReport,
  type TrapHostUpdate,
  trapHostReportOf,
  updateTrapHostReport,
} from '../core/trapHostReport.ts';
import { StateConflictError } from './errors.ts';
import type { LoadedTrapHostReport, LogSink, StateStore } from './ports.ts';

/** What {@link reportTrapHosts} needs from the run. */
export interface TrapHostReportOptions {
  readonly state: StateStore;
  readonly log: LogSink;
  readonly now: Date;
  /** The fleet's H: how long a host fails before it is reported, and how often the report is repeated. */
  readonly repeatHours: number;
}

/** Attempts at the conditional write before this run leaves the record to the runs that won. */
const ATTEMPTS = 3;

/** Merges the run's evidence and writes the lines due; resolves to how many hosts have failed for at least H. */
export async function reportTrapHosts(evidence: TrapHostEvidence, options: TrapHostReportOptions): Promise<number> {
  const { state, now, repeatHours } = options;
  if (evidence.failed.size === 0 && evidence.ok.size === 0) return 0;
  for (let attempt = 1; ; attempt++) {
    let loaded: LoadedTrapHostReport;
    try {
      loaded = await state.loadTrapHostReport();
    } catch {
      return 0;
    }
    const update = updateTrapHostReport(loaded.report, evidence, now, repeatHours);
    try {
      if (changed(loaded.report, update)) await state.saveTrapHostReport(update.report, loaded.version);
    } catch (error) {
      // Another run recorded first (its lines are its own): merge again into what it wrote, a few times.
      if (error instanceof StateConflictError) {
        if (attempt < ATTEMPTS) continue;
        return update.failingLong;
      }
    }
    writeLines(update, options);
    return update.failingLong;
  }
}

/** True when the record must be written. */
function changed(before: TrapHostReport, update: TrapHostUpdate): boolean {
  return JSON.stringify(trapHostReportOf(before)) !== JSON.stringify(update.report);
}

/** The `trapHostFailing` and `trapHostRecovered` lines of an update (fleet-level: no appliance). */
function writeLines(update: TrapHostUpdate, options: TrapHostReportOptions): void {
  for (const { host, since } of update.due) {
    options.log.write(logEntry('trapHostFailing', { host, since }), { event: 'trapHost' });
  }
  for (const host of update.recovered)
    options.log.write(logEntry('trapHostRecovered', { host }), { event: 'trapHost' });
}
