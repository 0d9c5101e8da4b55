/** What one run did, as the CLI prints it and the Lambda returns and logs it (docs/design.md, The scheduled Lambda). */
import type { Status } from '../core/types.ts';
import type { RunCounts } from './runCounts.ts';

/**
 * What one run did (docs/design.md, The scheduled Lambda), plus `errors` (appliances whose processing
 * failed), `stopped`, `inventoryProblems`, `trapHosts`, without a gateway `notForwarded` and, in a what-if
 * run, `wouldSend`.
 */
export interface RunSummary {
  readonly appliances: number;
  readonly byStatus: Record<Status, number>;
  /**
   * Due notifications `sent` (at least one trap host acknowledged, or none was needed) and `failed` (the
   * gateway did not take them, or no trap host acknowledged): a failed one is due again next run.
   */
  readonly notifications: { readonly sent: number; readonly failed: number };
  /**
   * Without a gateway (evaluate only; not in a what-if run): the notifications that were due and not
   * forwarded, owed deliveries included. Their state records nothing delivered, so each is due again.
   */
  readonly notForwarded?: number;
  /** How the trap hosts fared (docs/design.md, Alert policy): see {@link TrapHostCounts}. */
  readonly trapHosts: TrapHostCounts;
  readonly errors: number;
  /**
   * Luna clients whose check failed, or 1 when the clients' step failed as a whole (docs/clients.md, What
   * certmonitor tells you); absent when none did, so a run without clients reads as it always did.
   */
  readonly clientErrors?: number;
  /** True when `shouldStop` ended the run before every appliance was processed. */
  readonly stopped: boolean;
  /** How many problems `fleet.json` has (the run went on without what is wrong). */
  readonly inventoryProblems: number;
  /** A what-if run only: the notifications that were due and not sent. */
  readonly wouldSend?: number;
  /**
   * With a gateway (docs/gateway.md, Standby gateways): how many notifications each gateway delivered, by its name,
   * and how many failovers there were (a request handed on to the next gateway because one did not accept it).
   */
  readonly deliveredBy?: Readonly<Record<string, number>>;
  readonly failovers?: number;
  readonly durationMs: number;
}

/** What a run saw of trap hosts that did not all acknowledge (docs/monitoring.md, Failure handling). */
export interface TrapHostCounts {
  /** Notifications of this run sent (counted in `sent`) that some trap hosts did not acknowledge: now owed to them. */
  readonly partial: number;
  /** Owed deliveries of earlier runs sent again that every trap host now has. */
  readonly retried: number;
  /** Owed deliveries of earlier runs sent again that some trap host still lacks (or that the gateway did not take). */
  readonly owed: number;
  /** Trap hosts that failed in this run and have failed for at least H (each reported once per H). */
  readonly failing: number;
}

/** How a run ended, besides its counts. */
export interface RunEnd {
  readonly stopped: boolean;
  readonly inventoryProblems: number;
  readonly durationMs: number;
  /** Trap hosts failing for at least H (app/reportTrapHosts.ts). */
  readonly failing: number;
  /** A what-if run: the summary says what would have been sent. */
  readonly dryRun: boolean;
  /** Notifications were forwarded: the summary says which gateway delivered them. */
  readonly forwarding: boolean;
}

/** The summary of a run from its counts; the fields keep the order every output has always shown. */
export function summaryOf(counts: RunCounts, end: RunEnd): RunSummary {
  const { appliances, byStatus, sent, failed, errors } = counts;
  const { stopped, inventoryProblems, durationMs } = end;
  const unforwarded = end.dryRun || end.forwarding ? {} : { notForwarded: counts.notForwarded };
  const base = {
    appliances,
    byStatus: { ...byStatus },
    notifications: { sent, failed },
    ...unforwarded,
    errors,
    stopped,
    inventoryProblems,
  };
  const trapHosts = { partial: counts.partial, retried: counts.retried, owed: counts.owed, failing: end.failing };
  if (end.dryRun) return { ...base, wouldSend: counts.wouldSend, durationMs, trapHosts };
  const gateways = end.forwarding ? { deliveredBy: { ...counts.deliveredBy }, failovers: counts.failovers } : {};
  return { ...base, ...gateways, durationMs, trapHosts };
}
