/**
 * The idempotency store (docs/design.md, Delivery guarantees): an append-only JSON-lines journal in
 * `stateDir`. A notification is recorded (and fsynced, once per batch) before anything is sent; each
 * host's outcome is appended the moment it is known, so after a crash only hosts without a recorded
 * success are tried again; a finished delivery is appended as one self-contained complete record.
 *
 * What answers duplicates stays on disk: memory holds the compact index of completed ids (a digest and
 * where the id's latest complete record is), a small cache of recent results, and the entries still in
 * flight or pending (docs/gateway.md, Journal). Compaction rewrites the file atomically, dropping ids older
 * than the retention period.
 */
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Notification } from '../../protocol/notification.ts';
import { digestOf, JournalIndex } from './journalIndex.ts';
import { forEachJournalLine } from './journalLines.ts';
import {
  completeRecordOf,
  entryOfComplete,
  type HostOutcome,
  type JournalEntry,
  type JournalRecord,
  parseJournalRecord,
  pendingRecordsOf,
} from './journalRecord.ts';
import { JournalWriter } from './journalWriter.ts';

export type { HostOutcome, JournalEntry } from './journalRecord.ts';

const FILE = 'journal.jsonl';
/** Recently read or completed results kept in memory for the duplicate path. */
const CACHE_ENTRIES = 1000;

/** Unix seconds of a millisecond instant, as the index stores it. */
const secondsOf = (ms: number): number => Math.min(0xffff_ffff, Math.max(0, Math.floor(ms / 1000)));

/** The journal of one gateway: what it accepted, each host's outcome, what it completed. */
export class DeliveryJournal {
  /** Entries whose latest state is not a complete record on disk: pending, or being retried. */
  private readonly live = new Map<string, JournalEntry>();
  private readonly cache = new Map<string, JournalEntry>();
  private index = new JournalIndex();
  private fd: number;
  /** Byte length of the file behind `fd`: where the next append lands. */
  private end = 0;
  private appendedSinceCompaction = 0;

  private constructor(
    private readonly dir: string,
    private readonly retentionMs: number,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Read and append through one descriptor: complete records are read back by position.
    this.fd = openSync(join(dir, FILE), 'a+', 0o600);
    try {
      forEachJournalLine(this.fd, (line, offset) => {
        const r = parseJournalRecord(line.toString('utf8'));
        if (r) this.apply(r, offset, line.length, false);
      });
      this.end = fstatSync(this.fd).size;
    } catch (error) {
      closeSync(this.fd);
      throw error;
    }
  }

  /** Opens (creating) the journal in `dir` and compacts it. */
  static open(dir: string, retentionMs: number, nowMs: number): DeliveryJournal {
    const j = new DeliveryJournal(dir, retentionMs);
    try {
      j.compact(nowMs);
    } catch (error) {
      closeSync(j.fd);
      throw error;
    }
    return j;
  }

  /** Bytes per remembered completed id the index takes now (its typed arrays over the ids it holds). */
  get indexBytesPerId(): number {
    return this.index.size === 0 ? 0 : this.index.byteLength / this.index.size;
  }

  /** Applies one record at `offset`; `cache` keeps a complete one as a recent result (not while loading). */
  private apply(r: JournalRecord, offset: number, length: number, cache = true): void {
    if (r.t === 'c') {
      this.index.set(digestOf(r.id), secondsOf(r.at), offset, length);
      this.live.delete(r.id);
      if (cache) this.remember(entryOfComplete(r));
      else this.cache.delete(r.id);
      return;
    }
    if (r.t === 'a') {
      // `stored` rather than the index alone: an id whose digest another id holds is still new.
      if (this.live.has(r.id) || this.stored(r.id)) return;
      this.live.set(r.id, { id: r.id, acceptedAt: r.at, notification: r.n, hosts: new Map(), done: false });
      return;
    }
    const e = this.open(r.id);
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

  /** The live entry for `id`, making one from its complete record when a retry amends it. */
  private open(id: string): JournalEntry | undefined {
    const e = this.live.get(id);
    if (e) return e;
    const stored = this.stored(id);
    if (!stored) return undefined;
    const copy: JournalEntry = { ...stored, hosts: new Map(stored.hosts) };
    this.live.set(id, copy);
    this.cache.delete(id);
    return copy;
  }

  /** A completed id's result: from the cache, else its complete record read back from the file. */
  private stored(id: string): JournalEntry | undefined {
    const cached = this.cache.get(id);
    if (cached) {
      this.remember(cached);
      return cached;
    }
    const slot = this.index.find(digestOf(id));
    if (slot < 0) return undefined;
    const r = this.readRecord(this.index.offsetOf(slot), this.index.lengthOf(slot));
    // Another id with the same digest, or a damaged line: the id is not known.
    if (r?.t !== 'c' || r.id !== id) return undefined;
    const entry = entryOfComplete(r);
    this.remember(entry);
    return entry;
  }

  private readRecord(offset: number, length: number): JournalRecord | undefined {
    const bytes = this.readBytes(offset, length);
    return bytes && parseJournalRecord(bytes.toString('utf8'));
  }

  /** `length` bytes of the file at `offset` (a positioned read), or undefined past its end. */
  private readBytes(offset: number, length: number): Buffer | undefined {
    const bytes = Buffer.allocUnsafe(length);
    for (let got = 0; got < length; ) {
      const n = readSync(this.fd, bytes, got, length - got, offset + got);
      if (n === 0) return undefined;
      got += n;
    }
    return bytes;
  }

  /** Keeps `entry` as the most recently used of the cache, dropping the least recently used. */
  private remember(entry: JournalEntry): void {
    this.cache.delete(entry.id);
    this.cache.set(entry.id, entry);
    if (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
  }

  private append(records: readonly JournalRecord[], sync: boolean): void {
    if (records.length === 0) return;
    const lines = records.map((r) => Buffer.from(JSON.stringify(r)));
    const data = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
    // One write per call keeps a batch's records together; the page cache survives a killed process,
    // fsync is for power loss and is paid once per batch.
    try {
      for (let done = 0; done < data.length; ) done += writeSync(this.fd, data, done, data.length - done);
    } catch (error) {
      this.end = fstatSync(this.fd).size;
      throw error;
    }
    if (sync) fsyncSync(this.fd);
    let offset = this.end;
    this.end += data.length;
    records.forEach((r, i) => {
      this.apply(r, offset, lines[i]!.length);
      offset += lines[i]!.length + 1;
    });
    this.appendedSinceCompaction += records.length;
  }

  /** The entry for `id`, if known. */
  get(id: string): JournalEntry | undefined {
    return this.live.get(id) ?? this.stored(id);
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

  /** Marks a delivery complete: appends its complete record, which answers the id from then on. */
  complete(id: string, syslog: 'ok' | 'failed'): void {
    const e = this.open(id);
    if (!e) return;
    this.append([completeRecordOf({ ...e, done: true, syslog })], false);
  }

  /** Deliveries accepted but not completed (to resume after a restart), oldest first. */
  pending(): JournalEntry[] {
    return [...this.live.values()].filter((e) => !e.done && e.notification !== undefined);
  }

  /** Number of ids remembered. */
  get size(): number {
    let unindexed = 0;
    for (const id of this.live.keys()) if (this.index.find(digestOf(id)) < 0) unindexed++;
    return this.index.size + unindexed;
  }

  /** Forces appended records to disk. */
  sync(): void {
    fsyncSync(this.fd);
  }

  /** True when enough has been appended that a compaction is worth its cost. */
  get compactionDue(): boolean {
    return this.appendedSinceCompaction > Math.max(50_000, (this.index.size + this.live.size) * 2);
  }

  /**
   * Rewrites the journal with one record per live id (dropping completed ids older than the retention
   * period) into a temporary file, fsyncs it and renames it over the old one, so a crash leaves one or
   * the other complete. Complete records are copied as they are, one at a time, and a new index is built
   * alongside: memory stays the two indexes, never a list of every entry.
   */
  compact(nowMs: number): void {
    const cutoff = nowMs - this.retentionMs;
    for (const [id, e] of this.live) if (e.done && e.acceptedAt < cutoff) this.live.delete(id);
    const path = join(this.dir, FILE);
    const tmp = `${path}.tmp`;
    const tfd = openSync(tmp, 'w', 0o600);
    let next: JournalIndex;
    let end: number;
    try {
      const writer = new JournalWriter(tfd);
      next = this.rewrite(writer, secondsOf(cutoff));
      writer.flush();
      end = writer.offset;
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
    const fd = openSync(path, 'a+', 0o600);
    closeSync(this.fd);
    this.fd = fd;
    this.end = end;
    this.index = next;
    for (const [id, e] of this.live) if (e.done) this.live.delete(id);
    // Cached results of ids just dropped must not answer for them any longer.
    this.cache.clear();
    this.appendedSinceCompaction = 0;
  }

  /** Writes the live results, the unexpired complete records and the pending entries; returns their index. */
  private rewrite(writer: JournalWriter, cutoffSeconds: number): JournalIndex {
    let kept = 0;
    for (let slot = 0; slot < this.index.capacity; slot++) {
      if (this.index.isUsed(slot) && this.index.atOf(slot) >= cutoffSeconds) kept++;
    }
    const next = new JournalIndex(kept + this.live.size);
    // Finished entries still in memory (completed by an old-format `d` record, or amended by a retry whose
    // records precede a crash) first: their new complete record supersedes the one on file.
    for (const e of this.live.values()) {
      if (!e.done) continue;
      const line = Buffer.from(JSON.stringify(completeRecordOf(e)));
      next.set(digestOf(e.id), secondsOf(e.acceptedAt), writer.line(line), line.length);
    }
    for (let slot = 0; slot < this.index.capacity; slot++) {
      if (!this.index.isUsed(slot) || this.index.atOf(slot) < cutoffSeconds) continue;
      const digest = this.index.digestAt(slot);
      if (next.find(digest) >= 0) continue;
      const line = this.readBytes(this.index.offsetOf(slot), this.index.lengthOf(slot));
      // A record the file no longer holds whole cannot answer for its id: it is dropped.
      if (line) next.set(digest, this.index.atOf(slot), writer.line(line), line.length);
    }
    for (const e of this.live.values()) {
      if (e.done || e.notification === undefined) continue;
      for (const r of pendingRecordsOf(e)) writer.line(Buffer.from(JSON.stringify(r)));
    }
    return next;
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
