/**
 * The fleet report of one run (docs/design.md, Fleet report): an unsplit run writes the report; a shard
 * writes its part and, when it is the last of its run to finish, the report. A run that stopped early
 * leaves the last report as it was (a partial one would hide appliances), and a what-if run writes nothing.
 * A failure is returned, never thrown: the checks and notifications are done whatever becomes of the report.
 */
import type { ClientView } from '../core/clientState.ts';
import type { ApplianceView } from '../core/types.ts';
import { fleetStatusOf, writeFleetReport } from './fleetReportWriter.ts';
import type { ReportStore } from './ports.ts';
import { assembleIfComplete, type ClientsStep, writeShardPart } from './shardReport.ts';

/** One shard of a split run: its number and how many the run has. */
export interface ShardOfRun {
  readonly shard: number;
  readonly shards: number;
}

/** What became of a run's report. */
export type ReportOutcome =
  /**
   * Nothing written: a what-if run, a run that stopped before the end of its fleet, or one that evaluated
   * no appliance (app/checkFleet.ts).
   */
  | { readonly kind: 'skipped'; readonly reason: 'dry-run' | 'stopped' | 'empty' }
  /** The report written, at `location`, with `appliances` entries. */
  | { readonly kind: 'written'; readonly location: string; readonly appliances: number }
  /** A shard's part written; `assembled` when this shard found every part and wrote the report. */
  | { readonly kind: 'part'; readonly location: string; readonly shards: number; readonly assembled: boolean }
  /** The report (or part) could not be written. */
  | { readonly kind: 'failed'; readonly error: unknown };

/** What a run's report is made of. */
export interface RunReportInput {
  readonly now: Date;
  readonly thresholdDays: number;
  readonly views: ReadonlyMap<string, ApplianceView>;
  /** The Luna clients' views, when the inventory names clients. */
  readonly clients?: ReadonlyMap<string, ClientView>;
  /** A sharded run's client check, run by the shard that assembles the report. */
  readonly clientsStep?: ClientsStep;
  /** The shard the run checked, when the fleet is split (its report is then a part of the run's). */
  readonly shard?: ShardOfRun;
  readonly stopped: boolean;
  readonly dryRun: boolean;
}

/** Writes the run's report or part; resolves to what became of it. */
export async function writeRunReport(store: ReportStore, input: RunReportInput): Promise<ReportOutcome> {
  const { now, thresholdDays, views, shard } = input;
  if (input.dryRun) return { kind: 'skipped', reason: 'dry-run' };
  if (input.stopped) return { kind: 'skipped', reason: 'stopped' };
  const location = store.reportDescription;
  try {
    const status = fleetStatusOf(now, thresholdDays, views, input.clients);
    if (!shard) {
      await writeFleetReport(store, status);
      return { kind: 'written', location, appliances: views.size };
    }
    await writeShardPart(store, { ...shard, time: status.time, thresholdDays, appliances: status.appliances });
    const assembled = await assembleIfComplete(store, status.time, shard.shards, shard.shard, input.clientsStep);
    return { kind: 'part', location, shards: shard.shards, assembled };
  } catch (error) {
    return { kind: 'failed', error };
  }
}
