/**
 * The idempotency store (docs/design.md, Delivery guarantees): an append-only JSON-lines journal in
 * `stateDir`. A notification is recorded (and fsynced, once per batch) before anything is sent; each
 * host's outcome is appended the moment it is known, so after a crash only hosts without a recorded
 * success are tried again. Compaction rewrites the file atomically, dropping ids older than the retention
 * period.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Notification } from '../../protocol/notification.ts';

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
  notification?: Notification;
  readonly hosts: Map<string, HostOutcome>;
  done: boolean;
  syslog?: 'ok' | 'failed';
}

type Record_ =
  | { t: 'a'; id: string; at: number; n: Notification }
  | { t: 'h'; id: string; host: string; ok: boolean; error?: string }
  | { t: 'd'; id: string; syslog: 'ok' | 'failed' }
  | { t: 'c'; id: string; at: number; hosts: Record<string, HostOutcome>; syslog?: 'ok' | 'failed' };

const FILE = 'journal.jsonl';

/** The journal of one gateway: what it accepted, each host's outcome, what it completed. */
export class DeliveryJournal {
  private readonly entries = new Map<string, JournalEntry>();
  private fd: number;
  private appendedSinceCompaction = 0;

  private constructor(
    private readonly dir: string,
    private readonly retentionMs: number,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, FILE);
    if (existsSync(path)) this.load(readFileSync(path, 'utf8'));
    this.fd = -1;
  }

  /** Opens (creating) the journal in `dir` and compacts it. */
  static open(dir: string, retentionMs: number, nowMs: number): DeliveryJournal {
    const j = new DeliveryJournal(dir, retentionMs);
    j.compact(nowMs);
    return j;
  }

  private load(text: string): void {
    for (const line of text.split('\n')) {
      if (line === '') continue;
      let r: Record_;
      try {
        r = JSON.parse(line) as Record_;
      } catch {
        continue; // a torn last line after a crash
      }
      this.apply(r);
    }
  }

  private apply(r: Record_): void {
    if (r.t === 'a') {
      if (!this.entries.has(r.id)) {
        this.entries.set(r.id, { id: r.id, acceptedAt: r.at, notification: r.n, hosts: new Map(), done: false });
      }
      return;
    }
    if (r.t === 'c') {
      this.entries.set(r.id, {
        id: r.id,
        acceptedAt: r.at,
        hosts: new Map(Object.entries(r.hosts)),
        done: true,
        ...(r.syslog ? { syslog: r.syslog } : {}),
      });
      return;
    }
    const e = this.entries.get(r.id);
    if (!e) return;
    if (r.t === 'h') {
      // A success is final: a later failure record for the same host (a retry) never overrides it.
      if (!e.hosts.get(r.host)?.ok) e.hosts.set(r.host, r.error ? { ok: r.ok, error: r.error } : { ok: r.ok });
    } else {
      e.done = true;
      e.syslog = r.syslog;
      delete e.notification;
    }
  }

  private append(records: readonly Record_[], sync: boolean): void {
    if (records.length === 0) return;
    // One write per call keeps a batch's records together; the page cache survives a killed process,
    // fsync is for power loss and is paid once per batch.
    writeSync(this.fd, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
    if (sync) fsyncSync(this.fd);
    for (const r of records) this.apply(r);
    this.appendedSinceCompaction += records.length;
  }

  /** The entry for `id`, if known. */
  get(id: string): JournalEntry | undefined {
    return this.entries.get(id);
  }

  /** Records newly accepted notifications durably (fsync) before they are acted upon. */
  accept(notifications: readonly Notification[], nowMs: number): void {
    this.append(
      notifications.map((n) => ({ t: 'a', id: n.id, at: nowMs, n })),
      true,
    );
  }

  /** Records one host's outcome immediately. */
  recordHost(id: string, host: string, outcome: HostOutcome): void {
    this.append([{ t: 'h', id, host, ok: outcome.ok, ...(outcome.error ? { error: outcome.error } : {}) }], false);
  }

  /** Marks a delivery complete. */
  complete(id: string, syslog: 'ok' | 'failed'): void {
    this.append([{ t: 'd', id, syslog }], false);
  }

  /** Deliveries accepted but not completed (to resume after a restart), oldest first. */
  pending(): JournalEntry[] {
    return [...this.entries.values()].filter((e) => !e.done && e.notification !== undefined);
  }

  /** Number of ids remembered. */
  get size(): number {
    return this.entries.size;
  }

  /** Forces appended records to disk. */
  sync(): void {
    fsyncSync(this.fd);
  }

  /** True when enough has been appended that a compaction is worth its cost. */
  get compactionDue(): boolean {
    return this.appendedSinceCompaction > Math.max(50_000, this.entries.size * 2);
  }

  /**
   * Rewrites the journal with one record per live id (dropping completed ids older than the retention
   * period) into a temporary file, fsyncs it and renames it over the old one, so a crash leaves one or
   * the other complete.
   */
  compact(nowMs: number): void {
    const cutoff = nowMs - this.retentionMs;
    for (const [id, e] of this.entries) if (e.done && e.acceptedAt < cutoff) this.entries.delete(id);
    const lines: string[] = [];
    for (const e of this.entries.values()) {
      if (e.done) {
        lines.push(
          JSON.stringify({
            t: 'c',
            id: e.id,
            at: e.acceptedAt,
            hosts: Object.fromEntries(e.hosts),
            ...(e.syslog ? { syslog: e.syslog } : {}),
          }),
        );
      } else {
        lines.push(JSON.stringify({ t: 'a', id: e.id, at: e.acceptedAt, n: e.notification }));
        for (const [host, o] of e.hosts) lines.push(JSON.stringify({ t: 'h', id: e.id, host, ...o }));
      }
    }
    const path = join(this.dir, FILE);
    const tmp = `${path}.tmp`;
    const tfd = openSync(tmp, 'w', 0o600);
    try {
      if (lines.length > 0) writeSync(tfd, `${lines.join('\n')}\n`);
      fsyncSync(tfd);
    } finally {
      closeSync(tfd);
    }
    renameSync(tmp, path);
    try {
      const dfd = openSync(this.dir, 'r');
      fsyncSync(dfd);
      closeSync(dfd);
    } catch {
      // some filesystems cannot fsync a directory
    }
    // Open the new file before closing the old descriptor: if the open fails, appends keep going to the
    // old (renamed-over, still valid) file instead of to a closed descriptor number another file may reuse.
    const fd = openSync(path, 'a', 0o600);
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = fd;
    this.appendedSinceCompaction = 0;
  }

  /** Syncs and closes the file. */
  close(): void {
    if (this.fd < 0) return;
    try {
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}
