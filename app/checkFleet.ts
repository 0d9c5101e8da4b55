/**
 * One check of a fleet, as `certmonitor check` and the Lambda both run it (docs/design.md, The scheduled
 * Lambda): the start lines, the run over every appliance (app/runCheck.ts), the fleet report built from the
 * run's own views, and the verdict. The entry points only adapt: they wire the adapters in, and turn the
 * result into printed lines, an exit status, or a Lambda result and metrics.
 */

import type { ClientView } from '../core/clientState.ts';
import { logEntry } from '../core/logEntry.ts';
import type { ApplianceView, Settings } from '../core/types.ts';
import { type ClientRunCounts, withClientCounts } from './clientRunCounts.ts';
import { EmptyRunError } from './errors.ts';
import { GatewayTooOldTally } from './gatewayTooOldTally.ts';
import type {
  ApplianceOutcome,
  CertificateSource,
  LogSink,
  NotificationForwarder,
  ReportStore,
  StateStore,
} from './ports.ts';
import { runCheck } from './runCheck.ts';
import type { RunSummary } from './runSummary.ts';
import { shardClients } from './shardClients.ts';
import { type Verdict, verdictOf } from './verdict.ts';
import type { ReportOutcome, ShardOfRun } from './writeRunReport.ts';

/** What one check of a fleet needs. */
export interface CheckFleetInput {
  readonly source: CertificateSource;
  /** The per-appliance records and the fleet report's folder. */
  readonly state: StateStore & ReportStore;
  /** Absent: evaluate, log and record state only. */
  readonly forwarder?: NotificationForwarder;
  readonly log: LogSink;
  readonly settings: Settings;
  /** The evaluation instant of the whole run. */
  readonly now: Date;
  readonly concurrency?: number;
  /** Log `started` and `configured` first (the Lambda does on a cold start only). */
  readonly announce: boolean;
  /** A what-if run (docs/reference.md, What-if runs): forward nothing, write no state and no report. */
  readonly dryRun?: boolean;
  /** Asked before each appliance is started; true stops the run early (the Lambda's time is short). */
  readonly shouldStop?: () => boolean;
  /** Receives one object per appliance, in completion order. */
  readonly onOutcome?: (outcome: ApplianceOutcome) => void;
  /** The shard this run checks, when the fleet is split: the run writes its part of the report. */
  readonly shard?: ShardOfRun;
  /** Awaited after the start lines, before the first appliance. */
  readonly beforeRun?: () => Promise<void>;
  /** Called once no appliance is processed any more, before the report (also when the run failed). */
  readonly afterRun?: () => void;
  /** The fleet is empty on purpose: a run that evaluates no appliance has not failed. */
  readonly allowEmpty?: boolean;
  /** Unplanned replacements are notified for every appliance (docs/reference.md, Replaced certificates). */
  readonly replaced?: boolean;
}

/** What one check of a fleet came to. */
export interface CheckFleetResult {
  readonly summary: RunSummary;
  readonly report: ReportOutcome;
  readonly verdict: Verdict;
  /** Each appliance's view, as the report shows it (empty in a what-if run): for further outputs. */
  readonly views: ReadonlyMap<string, ApplianceView>;
  /** Each Luna client's view (empty without clients in the inventory). */
  readonly clients: ReadonlyMap<string, ClientView>;
}

/**
 * Checks the fleet and writes its report. Throws only what {@link runCheck} throws: the inventory could
 * not be read or the listing failed, and then no report is written. A run that evaluated no appliance
 * (and was not told the fleet is empty on purpose) writes no report either: an empty page would replace
 * the last one that showed the fleet; its verdict carries the {@link EmptyRunError}.
 */
export async function checkFleet(input: CheckFleetInput): Promise<CheckFleetResult> {
  const { log, settings, now, dryRun = false } = input;
  if (input.announce) {
    log.write(logEntry('started'));
    log.write(logEntry('configured', { D: settings.thresholdDays, H: settings.repeatHours }));
  }
  await input.beforeRun?.();
  const views = new Map<string, ApplianceView>();
  const clients = new Map<string, ClientView>();
  // A shard's clients are checked in its report step: one gatewayTooOld line per gateway for both parts.
  const tooOld = input.shard ? new GatewayTooOldTally() : undefined;
  let summary: RunSummary;
  try {
    const { source, state, forwarder, concurrency, shouldStop, onOutcome, replaced } = input;
    summary = await runCheck({
      ...{ source, state, forwarder, log, settings, now, concurrency, shouldStop, onOutcome, dryRun },
      ...{ replaced, tooOld },
      onView: dryRun ? undefined : (appliance, view) => void views.set(appliance, view),
      onClient: (client, view) => void clients.set(client, view),
      // A sharded run's shards check the appliances only (docs/clients.md, State).
      clients: !input.shard,
    });
  } catch (error) {
    tooOld?.flush(log);
    throw error;
  } finally {
    input.afterRun?.();
  }
  const empty = emptyRunOf(input, summary);
  if (empty) {
    return {
      summary,
      report: { kind: 'skipped', reason: 'empty' },
      verdict: verdictOf(summary, false, empty),
      views,
      clients,
    };
  }
  // Loaded after the run: the report's code is not part of a Lambda's start.
  const { writeRunReport } = await import('./writeRunReport.ts');
  const { thresholdDays } = settings;
  let clientCounts: ClientRunCounts | undefined;
  // A sharded run's (the only one with a tally): its clients' refusals join the appliances' in one line.
  const clientsStep =
    tooOld &&
    (async () => {
      const step = await shardClients({ ...input, tooOld });
      clientCounts = step.counts;
      return step.views;
    });
  const report = await writeRunReport(input.state, {
    now,
    thresholdDays,
    views,
    clients,
    ...(clientsStep && !dryRun ? { clientsStep } : {}),
    stopped: summary.stopped,
    dryRun,
    ...shardOf(input),
  });
  tooOld?.flush(log);
  // The assembling shard's summary counts its clients' notifications and failures (docs/clients.md, State).
  if (clientCounts) summary = withClientCounts(summary, clientCounts);
  return { summary, report, verdict: verdictOf(summary, report.kind === 'failed'), views, clients };
}

/**
 * The error of a run that evaluated no appliance, unless the fleet is empty on purpose. A shard is never
 * empty in this sense: a fleet smaller than its number of shards leaves some of them nothing, and the
 * scheduled invocation answers for the fleet as a whole (handlers/check.ts).
 */
function emptyRunOf(input: CheckFleetInput, summary: RunSummary): EmptyRunError | undefined {
  if (summary.appliances > 0 || summary.stopped || input.allowEmpty === true || input.shard) return undefined;
  return new EmptyRunError(input.source.description);
}

/** The shard field, present only for a split run. */
function shardOf(input: CheckFleetInput): { shard?: ShardOfRun } {
  return input.shard ? { shard: input.shard } : {};
}
