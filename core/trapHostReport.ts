/**
 * Which trap hosts are failing, across runs (docs/monitoring.md, Failure handling; docs/design.md, State): a host that
 * has failed for longer than H is reported once per H (`trapHostFailing`), and a host that was reported and
 * then acknowledges a notification again is told as recovered (`trapHostRecovered`). What is known lives in
 * one fleet-level record beside the appliances' (`_trapHosts.json`: `_` cannot start an appliance name),
 * updated from what the gateway answered in each run. Pure, like the rest of `core/`.
 *
 * Within one run instant a failure wins: shards of one run that saw a host fail and succeed merge into
 * "failing". A host nobody sent to for a while is forgotten once its last failure is older than
 * {@link forgetAfterMs}, so a failure weeks later starts a new streak instead of reporting an old one.
 */
import { isUtcInstant } from '../protocol/isoInstant.ts';
import { OWED_MAX_AGE_DAYS, trapHostLabel } from './owedDelivery.ts';

const MS_PER_HOUR = 3_600_000;

/** Most hosts the record keeps (a gateway has a handful; this bounds what a strange answer can add). */
export const MAX_TRACKED_TRAP_HOSTS = 64;

/** What the record knows of one failing trap host; instants are evaluation instants, ISO 8601. */
export interface TrapHostStatus {
  /** The first failure of the current streak. */
  readonly failingSince: string;
  /** The latest failure seen. */
  readonly lastFailedAt: string;
  /** When `trapHostFailing` was last logged for this streak. */
  readonly reportedAt?: string;
}

/** The fleet-level record: failing trap hosts by label. */
export interface TrapHostReport {
  readonly hosts: Readonly<Record<string, TrapHostStatus>>;
}

/** What one run (or shard) saw of the trap hosts: labels that failed, labels that acknowledged. */
export interface TrapHostEvidence {
  readonly failed: ReadonlySet<string>;
  readonly ok: ReadonlySet<string>;
}

/** The record after a run, with the lines it calls for. */
export interface TrapHostUpdate {
  readonly report: TrapHostReport;
  /** Hosts to report now as failing for longer than H, with the start of their streak. */
  readonly due: readonly { readonly host: string; readonly since: string }[];
  /** Hosts reported as failing before that acknowledged a notification in this run. */
  readonly recovered: readonly string[];
  /** Hosts that failed in this run and have been failing for at least H. */
  readonly failingLong: number;
}

/** How long after its last failure a host is forgotten: the owed-delivery bound, or 2 H when that is longer. */
export function forgetAfterMs(repeatHours: number): number {
  return Math.max(OWED_MAX_AGE_DAYS * 24 * MS_PER_HOUR, 2 * repeatHours * MS_PER_HOUR);
}

/** The status of one host as read from a record, or undefined when malformed. */
function storedStatus(value: unknown): TrapHostStatus | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { failingSince, lastFailedAt, reportedAt } = value as Record<string, unknown>;
  if (!isUtcInstant(failingSince) || !isUtcInstant(lastFailedAt)) return undefined;
  if (reportedAt !== undefined && !isUtcInstant(reportedAt)) return undefined;
  return { failingSince, lastFailedAt, ...(reportedAt !== undefined ? { reportedAt } : {}) };
}

/**
 * The record in `value`, canonical (hosts sorted, malformed entries and labels dropped, at most
 * {@link MAX_TRACKED_TRAP_HOSTS}); anything that is not one reads as an empty record.
 */
export function trapHostReportOf(value: unknown): TrapHostReport {
  const hosts = (value as { hosts?: unknown } | null)?.hosts;
  if (typeof hosts !== 'object' || hosts === null || Array.isArray(hosts)) return { hosts: {} };
  const out: Record<string, TrapHostStatus> = {};
  for (const label of Object.keys(hosts).sort()) {
    const status = storedStatus((hosts as Record<string, unknown>)[label]);
    if (status && trapHostLabel(label) === label && Object.keys(out).length < MAX_TRACKED_TRAP_HOSTS) {
      out[label] = status;
    }
  }
  return { hosts: out };
}

/** The status of a host that failed at `now`, and whether `trapHostFailing` is due for it. */
function failedNow(
  previous: TrapHostStatus | undefined,
  now: number,
  iso: string,
  repeatMs: number,
): { status: TrapHostStatus; due: boolean; long: boolean } {
  const streak = previous && now - Date.parse(previous.lastFailedAt) <= forgetAfterMs(repeatMs / MS_PER_HOUR);
  const failingSince = streak ? previous.failingSince : iso;
  const lastFailedAt = streak && Date.parse(previous.lastFailedAt) > now ? previous.lastFailedAt : iso;
  const reportedAt = streak ? previous.reportedAt : undefined;
  const long = now - Date.parse(failingSince) >= repeatMs;
  const last = reportedAt === undefined ? undefined : Date.parse(reportedAt);
  // A report from a later instant (a what-if run ahead of the clock) must not silence this run.
  const due = long && (last === undefined || last > now || now - last >= repeatMs);
  const status = { failingSince, lastFailedAt, ...(due ? { reportedAt: iso } : reportedAt ? { reportedAt } : {}) };
  return { status, due, long };
}

/**
 * The record after a run that saw `evidence` at `now`, and what to log. A host that failed joins (or stays
 * in) the record; one that only acknowledged is removed, unless it failed at this same instant (another
 * shard of the run saw it fail); hosts not seen keep their entry until forgotten.
 */
export function updateTrapHostReport(
  previous: TrapHostReport,
  evidence: TrapHostEvidence,
  now: Date,
  repeatHours: number,
): TrapHostUpdate {
  const nowMs = now.getTime();
  const iso = now.toISOString();
  const repeatMs = repeatHours * MS_PER_HOUR;
  const hosts: Record<string, TrapHostStatus> = { ...previous.hosts };
  const due: { host: string; since: string }[] = [];
  const recovered: string[] = [];
  let failingLong = 0;
  for (const host of [...evidence.failed].sort()) {
    const update = failedNow(hosts[host], nowMs, iso, repeatMs);
    hosts[host] = update.status;
    if (update.due) due.push({ host, since: update.status.failingSince });
    if (update.long) failingLong++;
  }
  for (const host of [...evidence.ok].sort()) {
    const status = hosts[host];
    if (evidence.failed.has(host) || status === undefined || Date.parse(status.lastFailedAt) >= nowMs) continue;
    delete hosts[host];
    if (status.reportedAt !== undefined) recovered.push(host);
  }
  for (const [host, status] of Object.entries(hosts)) {
    if (nowMs - Date.parse(status.lastFailedAt) > forgetAfterMs(repeatHours)) delete hosts[host];
  }
  return { report: trapHostReportOf({ hosts }), due, recovered, failingLong };
}
