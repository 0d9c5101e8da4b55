/**
 * The idempotency store (docs/design.md, Delivery guarantees): an append-only JSON-lines journal in
 * `stateDir`. A notification is recorded (and fsynced, once per batch) before anything is sent; each
 * host's outcome is appended the moment it is known, so after a crash only hosts without a recorded
 * success are tried again; a finished delivery is appended as one self-contained complete record.
 *
 * What answers duplicates stays on disk: memory holds the compact index of completed ids (a digest and
 * where the id's latest complete record is), a small cache of recent results, and the entries still in
 * flight or pending (docs/gateway.md, Journal). Compaction rewrites the file atomically, dropping ids older
 * than the retention period; a running gateway's compaction works in short slices (journalCompaction.ts)
 * while appends and look-ups go on, ids completed meanwhile held in a small overlay index until the new
 * file is in place.
 */
import {
  close,
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import type { AnyNotification } from '../../protocol/notificationV2.ts';
import { type FinishedRecord, JournalCompaction } from './journalCompaction.ts';
import { CompactionInProgressError, JournalClosedError } from './journalErrors.ts';
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

export type { HostOutcome, JournalEntry } from './journalRecord.ts';

const FILE = 'journal.jsonl';
/** Recently read or completed results kept in memory for the duplicate path. */
const CACHE_ENTRIES = 1000;

/** How long one slice of a stepped compaction works before it lets the event loop run. */
const SLICE_MS = 10;

/** Unix seconds of a millisecond instant, as the index stores it. */
const secondsOf = (ms: number): number => Math.min(0xffff_ffff, Math.max(0, Math.floor(ms / 1000)));

/** How a stepped compaction shares the event loop. */
export interface SteppedCompactionOptions {
  /** Milliseconds one slice works before it pauses (default 10). */
  readonly sliceMs?: number;
  /** Waits between two slices (default: until the event loop has run once, setImmediate). */
  readonly pause?: () => Promise<unknown>;
}

/** Adds every id of `from` to `to`, its record `shift` bytes further on. */
function addAll(to: JournalIndex, from: JournalIndex, shift: number): void {
  for (let slot = 0; slot < from.capacity; slot++) {
    if (from.isUsed(slot))
      to.set(from.digestAt(slot), from.atOf(slot), from.offsetOf(slot) + shift, from.lengthOf(slot));
  }
}

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
  /** The compaction under way, if any. */
  private compaction: JournalCompaction | undefined;
  /** While a compaction runs: the ids completed since it began (the index stays as the compaction read it). */
  private overlay: JournalIndex | undefined;
  /** While a compaction runs: finished ids a retry added outcomes to since it began. */
  private amended: Set<string> | undefined;
  /** `appendedSinceCompaction` when the running compaction began. */
  private appendedBefore = 0;

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
      (this.overlay ?? this.index).set(digestOf(r.id), secondsOf(r.at), offset, length);
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
      if (e.done) this.amended?.add(r.id);
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
    const found = this.locate(digestOf(id));
    if (!found) return undefined;
    const [index, slot] = found;
    const r = this.readRecord(index.offsetOf(slot), index.lengthOf(slot));
    // Another id with the same digest, or a damaged line: the id is not known.
    if (r?.t !== 'c' || r.id !== id) return undefined;
    const entry = entryOfComplete(r);
    this.remember(entry);
    return entry;
  }

  /** The index and slot that hold `digest`: the overlay of a running compaction first. */
  private locate(digest: Uint32Array): [JournalIndex, number] | undefined {
    const inOverlay = this.overlay?.find(digest) ?? -1;
    if (inOverlay >= 0) return [this.overlay!, inOverlay];
    const slot = this.index.find(digest);
    return slot < 0 ? undefined : [this.index, slot];
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
      // A partial write (a full disk) would leave a line without its newline, and the next record would be
      // glued to it and unreadable on reload: cut the file back to where this append began.
      try {
        ftruncateSync(this.fd, this.end);
      } catch {
        this.end = fstatSync(this.fd).size;
      }
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
  accept(notifications: readonly AnyNotification[], nowMs: number): void {
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
    for (const id of this.live.keys()) if (!this.locate(digestOf(id))) unindexed++;
    let overlayOnly = 0;
    const overlay = this.overlay;
    if (overlay) {
      for (let slot = 0; slot < overlay.capacity; slot++) {
        if (overlay.isUsed(slot) && this.index.find(overlay.digestAt(slot)) < 0) overlayOnly++;
      }
    }
    return this.index.size + overlayOnly + unindexed;
  }

  /** Forces appended records to disk. */
  sync(): void {
    fsyncSync(this.fd);
  }

  /** True when enough has been appended that a compaction is worth its cost. */
  get compactionDue(): boolean {
    const indexed = this.index.size + (this.overlay?.size ?? 0);
    return this.appendedSinceCompaction > Math.max(50_000, (indexed + this.live.size) * 2);
  }

  /** True while a compaction is under way. */
  get compacting(): boolean {
    return this.compaction !== undefined;
  }

  /**
   * Rewrites the journal in one go, dropping completed ids older than the retention period (at open, before
   * anything else uses the journal). A running gateway compacts with `compactInSteps`.
   */
  compact(nowMs: number): void {
    const c = this.beginCompaction(nowMs);
    try {
      c.run();
      this.commitCompaction(c);
    } catch (error) {
      this.abandonCompaction(c);
      throw error;
    }
  }

  /**
   * The same rewrite in slices of about `sliceMs` with `pause()` between them, so intake and
   * acknowledgements go on meanwhile (docs/gateway.md, Journal): appends land in the old file and are
   * copied after the rewritten part. Resolves true once the new file is in place, false when `close()`
   * ended the compaction first.
   */
  async compactInSteps(nowMs: number, options: SteppedCompactionOptions = {}): Promise<boolean> {
    const sliceMs = options.sliceMs ?? SLICE_MS;
    const pause = options.pause ?? (() => setImmediate());
    const c = this.beginCompaction(nowMs);
    const ended = () => this.compaction !== c;
    let deadline = performance.now() + sliceMs;
    /** Between two pieces of work: a write's worth goes out on the thread pool; past the deadline, a pause. */
    const breathe = async () => {
      if (c.full) await c.writeOut();
      if (!ended() && performance.now() >= deadline) {
        await pause();
        deadline = performance.now() + sliceMs;
      }
    };
    try {
      while (!c.step(deadline)) {
        await breathe();
        if (ended()) return false;
      }
      while (!c.copyTail(this.end)) {
        await breathe();
        if (ended()) return false;
      }
      await c.writeOutAndSync();
      if (ended()) return false;
      this.commitCompaction(c);
      return true;
    } catch (error) {
      if (ended()) return false;
      this.abandonCompaction(c);
      throw error;
    }
  }

  /**
   * Starts a compaction from what the journal holds now. From here until it ends, the index is left as
   * it is and completed ids go to the overlay, so the rewrite reads a stable index.
   */
  private beginCompaction(nowMs: number): JournalCompaction {
    if (this.compaction) throw new CompactionInProgressError();
    if (this.fd < 0) throw new JournalClosedError();
    const cutoff = nowMs - this.retentionMs;
    for (const [id, e] of this.live) if (e.done && e.acceptedAt < cutoff) this.live.delete(id);
    const finished: FinishedRecord[] = [];
    const pending: Buffer[] = [];
    for (const e of this.live.values()) {
      // Finished entries still in memory (completed by an old-format `d` record, or amended by a retry whose
      // records precede a crash): their new complete record supersedes the one on file.
      if (e.done) {
        const line = Buffer.from(JSON.stringify(completeRecordOf(e)));
        finished.push({ digest: digestOf(e.id), atSeconds: secondsOf(e.acceptedAt), line });
      } else if (e.notification !== undefined) {
        for (const r of pendingRecordsOf(e)) pending.push(Buffer.from(JSON.stringify(r)));
      }
    }
    const c = new JournalCompaction(join(this.dir, `${FILE}.tmp`), {
      index: this.index,
      read: (offset, length) => this.readBytes(offset, length),
      finished,
      pending,
      cutoffSeconds: secondsOf(cutoff),
      from: this.end,
    });
    this.compaction = c;
    this.overlay = new JournalIndex();
    this.amended = new Set();
    this.appendedBefore = this.appendedSinceCompaction;
    return c;
  }

  /** Puts the new file in place and switches to it, with the ids completed meanwhile moved along. */
  private commitCompaction(c: JournalCompaction): void {
    const path = join(this.dir, FILE);
    // The new file's append descriptor comes from the commit, opened before its rename (journalCompaction.ts).
    const { index: next, end, fd } = c.commit(this.end, path);
    // The old file's last descriptor: closing it frees its blocks, which takes a while for a large file,
    // so it is closed on the thread pool.
    close(this.fd, () => undefined);
    this.fd = fd;
    this.end = end;
    addAll(next, this.overlay!, c.shift);
    this.index = next;
    // Finished entries now answer from their rewritten record, unless a retry added to them meanwhile.
    for (const [id, e] of this.live) if (e.done && !this.amended!.has(id)) this.live.delete(id);
    // Cached results of ids just dropped must not answer for them any longer.
    this.cache.clear();
    this.appendedSinceCompaction -= this.appendedBefore;
    this.endCompaction();
  }

  /** Gives a compaction up: the old file stays the journal, with the ids completed meanwhile. */
  private abandonCompaction(c: JournalCompaction): void {
    c.abandon();
    if (this.compaction !== c) return;
    addAll(this.index, this.overlay!, 0);
    this.endCompaction();
  }

  private endCompaction(): void {
    this.compaction = undefined;
    this.overlay = undefined;
    this.amended = undefined;
  }

  /** Syncs and closes the file. */
  close(): void {
    if (this.compaction) this.abandonCompaction(this.compaction);
    if (this.fd < 0) return;
    try {
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}
