/**
 * The journal's record types and their conversions (docs/gateway.md, Journal): `a` accepted (with the
 * notification, to resume it), `h` one host's outcome, `c` a complete, self-contained result, and `d`
 * (written by earlier versions only) completion of an id whose outcomes precede it.
 */
import type { AnyNotification } from '../../protocol/notificationV2.ts';

/** One host's recorded outcome. */
export interface HostOutcome {
  readonly ok: boolean;
  readonly error?: string;
}

/** What the journal knows about one id. */
export interface JournalEntry {
  readonly id: string;
  readonly acceptedAt: number;
  /** Present while the delivery is not complete (needed to resume it). */
  notification?: AnyNotification;
  readonly hosts: Map<string, HostOutcome>;
  done: boolean;
  syslog?: 'ok' | 'failed';
}

/** A complete record: everything a duplicate is answered with. */
export interface CompleteRecord {
  readonly t: 'c';
  readonly id: string;
  readonly at: number;
  readonly hosts: Record<string, HostOutcome>;
  readonly syslog?: 'ok' | 'failed';
}

/** One line of the journal. */
export type JournalRecord =
  | { t: 'a'; id: string; at: number; n: AnyNotification }
  | { t: 'h'; id: string; host: string; ok: boolean; error?: string }
  | { t: 'd'; id: string; syslog: 'ok' | 'failed' }
  | CompleteRecord;

/** Parses one line; undefined for a line that is not a record (torn, damaged, unknown). */
export function parseJournalRecord(text: string): JournalRecord | undefined {
  let r: unknown;
  try {
    r = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof r !== 'object' || r === null) return undefined;
  const { t, id } = r as { t?: unknown; id?: unknown };
  if (typeof id !== 'string' || (t !== 'a' && t !== 'h' && t !== 'd' && t !== 'c')) return undefined;
  if ((t === 'a' || t === 'c') && typeof (r as { at?: unknown }).at !== 'number') return undefined;
  if (t === 'c' && typeof (r as { hosts?: unknown }).hosts !== 'object') return undefined;
  return r as JournalRecord;
}

/** The complete record of a finished entry. */
export function completeRecordOf(e: JournalEntry): CompleteRecord {
  return {
    t: 'c',
    id: e.id,
    at: e.acceptedAt,
    hosts: Object.fromEntries(e.hosts),
    ...(e.syslog ? { syslog: e.syslog } : {}),
  };
}

/** The entry a complete record stands for. */
export function entryOfComplete(r: CompleteRecord): JournalEntry {
  return {
    id: r.id,
    acceptedAt: r.at,
    hosts: new Map(Object.entries(r.hosts ?? {})),
    done: true,
    ...(r.syslog ? { syslog: r.syslog } : {}),
  };
}

/** The records that let an unfinished entry resume after a restart: accepted, then each host's outcome. */
export function pendingRecordsOf(e: JournalEntry): JournalRecord[] {
  const records: JournalRecord[] = [{ t: 'a', id: e.id, at: e.acceptedAt, n: e.notification! }];
  for (const [host, o] of e.hosts) records.push({ t: 'h', id: e.id, host, ...o });
  return records;
}
