/**
 * What a certificate's findings cause when a policy is set (docs/reference.md, Certificate findings): each
 * finding is logged once per H and forwarded as a `finding` notification until one is delivered, then
 * again once per H; a finding that goes away after it was forwarded is cleared once (a `finding`
 * notification with `assert: false`, kept until delivered). Without a policy nothing of this runs. Pure.
 */
import { FINDING_NAMES, type FindingName, type NotificationV2 } from '../protocol/notificationV2.ts';
import { sanitizeLogValue } from './catalogue.ts';
import type { Finding } from './findings.ts';
import { logEntry } from './logEntry.ts';
import { notificationId } from './notificationId.ts';
import type { Certificate, FindingRecord, FindingRecords, LogEntry } from './types.ts';

const MS_PER_HOUR = 3_600_000;
/** Longest detail forwarded (core/findings.ts bounds it already). */
const MAX_DETAIL = 200;

/** What one appliance's findings need now. */
export interface FindingInput {
  readonly appliance: string;
  readonly address: string;
  readonly findings: readonly Finding[];
  readonly previous: FindingRecords | undefined;
  readonly repeatHours: number;
  readonly now: Date;
  /** The certificate the findings are about. */
  readonly certificate: Certificate | undefined;
  /** A named certificate's name (docs/reference.md, Named certificates); absent for the NTLS certificate. */
  readonly name?: string;
}

/** Lines to log, notifications due and the records before any delivery. */
export interface FindingDecision {
  readonly logs: readonly LogEntry[];
  readonly notifications: readonly NotificationV2[];
  readonly records: FindingRecords | undefined;
}

type Records = Partial<Record<FindingName, FindingRecord>>;

function due(at: string | undefined, input: FindingInput): boolean {
  return at === undefined || input.now.getTime() - Date.parse(at) >= input.repeatHours * MS_PER_HOUR;
}

function notification(input: FindingInput, finding: FindingName, dueAt: number, clear: boolean): NotificationV2 {
  const cert = input.certificate;
  const fingerprint = cert?.fingerprintSha256;
  return {
    id: notificationId(
      input.appliance,
      `finding-${prefix(input)}${clear ? 'cleared-' : ''}${finding}`,
      dueAt,
      fingerprint,
    ),
    appliance: input.appliance,
    address: input.address,
    ...(input.name !== undefined ? { certificate: input.name } : {}),
    event: 'finding',
    finding,
    ...(clear ? { assert: false } : {}),
    observedAt: input.now.toISOString(),
    ...(cert
      ? {
          notAfter: cert.notAfter.toISOString(),
          notBefore: cert.notBefore.toISOString(),
          fingerprintSha256: cert.fingerprintSha256,
        }
      : {}),
  };
}

/** What tells a named certificate's finding ids from the NTLS certificate's. */
function prefix(input: FindingInput): string {
  return input.name === undefined ? '' : `${input.name}-`;
}

/** The certificate as lines name it: `NTLS`, or a named certificate's name. */
function label(input: FindingInput): string {
  return input.name ?? 'NTLS';
}

/** Lines, notifications and records of the findings present now. */
function present(input: FindingInput, logs: LogEntry[], out: NotificationV2[], records: Records): void {
  const observedAt = input.now.toISOString();
  for (const { finding, detail } of input.findings) {
    const before = input.previous?.[finding];
    const record = before?.clearing ? undefined : before;
    const since = record?.since ?? observedAt;
    let loggedAt = record?.loggedAt;
    if (due(loggedAt, input)) {
      const params = { certificate: label(input), appliance: input.appliance, finding, detail };
      logs.push(logEntry('finding', params, input.appliance));
      loggedAt = observedAt;
    }
    const forwardedAt = record?.forwardedAt;
    if (due(forwardedAt, input)) {
      const dueAt =
        forwardedAt === undefined ? Date.parse(since) : Date.parse(forwardedAt) + input.repeatHours * MS_PER_HOUR;
      out.push({ ...notification(input, finding, dueAt, false), detail: sanitizeLogValue(detail, MAX_DETAIL) });
    }
    records[finding] = { since, ...(loggedAt ? { loggedAt } : {}), ...(forwardedAt ? { forwardedAt } : {}) };
  }
}

/** Clearing lines and notifications of the findings that went away. */
function gone(input: FindingInput, logs: LogEntry[], out: NotificationV2[], records: Records): void {
  const observedAt = input.now.toISOString();
  const current = new Set(input.findings.map((f) => f.finding));
  for (const [name, record] of Object.entries(input.previous ?? {}) as [FindingName, FindingRecord][]) {
    if (current.has(name)) continue;
    if (!record.clearing && record.loggedAt !== undefined) {
      const params = { certificate: label(input), appliance: input.appliance, finding: name };
      logs.push(logEntry('findingCleared', params, input.appliance));
    }
    // Only what an NMS was told of needs telling that it is over.
    if (!record.clearing && record.forwardedAt === undefined) continue;
    const since = record.clearing ? record.since : observedAt;
    out.push(notification(input, name, Date.parse(since), true));
    records[name] = { since, clearing: true };
  }
}

/** The findings' lines, notifications and records at `now`. */
export function decideFindings(input: FindingInput): FindingDecision {
  const logs: LogEntry[] = [];
  const notifications: NotificationV2[] = [];
  const records: Records = {};
  present(input, logs, notifications, records);
  gone(input, logs, notifications, records);
  return { logs, notifications, records: Object.keys(records).length > 0 ? records : undefined };
}

/** The records once `delivered` (notification ids) are known: forwarded now, or cleared for good. */
export function settleFindings(
  records: FindingRecords | undefined,
  notifications: readonly NotificationV2[],
  delivered: ReadonlySet<string>,
  observedAt: string,
): FindingRecords | undefined {
  if (records === undefined) return undefined;
  const next: Records = { ...records };
  for (const n of notifications) {
    if (!delivered.has(n.id) || n.finding === undefined) continue;
    const record = next[n.finding];
    if (record === undefined) continue;
    if (n.assert === false) delete next[n.finding];
    else next[n.finding] = { ...record, forwardedAt: observedAt };
  }
  return Object.keys(next).length > 0 ? next : undefined;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

function usableRecord(value: unknown): FindingRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const instant = (v: unknown) => typeof v === 'string' && INSTANT.test(v);
  if (!instant(r.since)) return undefined;
  if ((r.loggedAt !== undefined && !instant(r.loggedAt)) || (r.forwardedAt !== undefined && !instant(r.forwardedAt))) {
    return undefined;
  }
  return {
    since: r.since as string,
    ...(r.loggedAt !== undefined ? { loggedAt: r.loggedAt as string } : {}),
    ...(r.forwardedAt !== undefined ? { forwardedAt: r.forwardedAt as string } : {}),
    ...(r.clearing === true ? { clearing: true as const } : {}),
  };
}

/**
 * Stored records in canonical form (known findings, fixed order); malformed entries are dropped, so a bad
 * record costs at most one repeated line, never the rest of the state.
 */
export function usableFindingRecords(value: unknown): FindingRecords | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const out: Records = {};
  for (const name of FINDING_NAMES) {
    const record = usableRecord((value as Record<string, unknown>)[name]);
    if (record !== undefined) out[name] = record;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
