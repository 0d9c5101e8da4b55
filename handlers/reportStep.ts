/**
 * The fleet report of one invocation's run (docs/design.md, Fleet report): an unsplit run writes the
 * report; a shard writes its part and, when it is the last of its run to finish, the report. The report's
 * code is loaded here, after the run, so a Lambda start does not pay for it. A failure never fails the
 * invocation (the checks and notifications are done): it is logged as a `reportFailed` line with its code.
 * A run that stopped early leaves the last report as it was (a partial one would hide appliances).
 */
import type { TextOutput } from '../adapters/log/consoleLogSink.ts';
import type { ReportStore } from '../app/ports.ts';
import { CertmonitorError, errorLabel } from '../core/errors.ts';
import type { ApplianceView } from '../core/types.ts';
import { isoSeconds } from './isoSeconds.ts';

/** What the report of one invocation needs. */
export interface ReportStepInput {
  readonly store: ReportStore;
  readonly now: Date;
  readonly thresholdDays: number;
  readonly views: ReadonlyMap<string, ApplianceView>;
  /** The shard this invocation checked, when the run is split. */
  readonly shard?: { readonly shard: number; readonly shards: number };
  /** The run stopped before the end of its fleet: its report would be partial, so the last one stays. */
  readonly stopped: boolean;
  readonly out: TextOutput;
}

/** Writes the invocation's report or part; resolves to false (after logging why) when it could not. */
export async function reportStep(input: ReportStepInput): Promise<boolean> {
  const { store, now, thresholdDays, views, shard, out } = input;
  const time = isoSeconds(now);
  if (input.stopped) {
    const text = 'The run stopped before the end of the fleet; the fleet report was left as it was';
    out.write(`${JSON.stringify({ time, event: 'reportSkipped', level: 'warning', text })}\n`);
    return true;
  }
  try {
    const { fleetStatusOf, writeFleetReport } = await import('../app/fleetReportWriter.ts');
    const status = fleetStatusOf(now, thresholdDays, views);
    if (!shard) {
      await writeFleetReport(store, status);
      out.write(
        `${JSON.stringify({ time, event: 'report', location: store.reportDescription, appliances: views.size })}\n`,
      );
      return true;
    }
    const { assembleIfComplete, writeShardPart } = await import('../app/shardReport.ts');
    await writeShardPart(store, { ...shard, time: status.time, thresholdDays, appliances: status.appliances });
    if (await assembleIfComplete(store, status.time, shard.shards, shard.shard)) {
      out.write(
        `${JSON.stringify({ time, event: 'report', location: store.reportDescription, shards: shard.shards })}\n`,
      );
    }
    return true;
  } catch (error) {
    const text =
      error instanceof CertmonitorError ? error.message : `the fleet report failed (${errorLabel(error) ?? 'error'})`;
    const code = error instanceof CertmonitorError ? { errorCode: error.code } : {};
    out.write(`${JSON.stringify({ time, event: 'reportFailed', level: 'error', text, ...code })}\n`);
    return false;
  }
}
