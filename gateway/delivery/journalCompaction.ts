/**
 * One compaction of the journal (docs/gateway.md, Journal): a new file written beside the old one from
 * what the journal held when the compaction began, then the records appended to the old file since,
 * copied as they are. The work is cut into slices that each stop at a deadline, so a gateway keeps
 * answering between them; the old file stays the journal until the new one is complete, fsynced and
 * renamed over it, so a crash at any point leaves one or the other whole.
 */
import { closeSync, constants, fstatSync, fsync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { JournalIndex } from './journalIndex.ts';
import { JournalWriter } from './journalWriter.ts';

/** How many slots are handled between two looks at the clock. */
const SLOTS_PER_CHECK = 256;
/** How much of the new file is written between two syncs of it on the thread pool. */
const SYNC_EVERY_BYTES = 8 << 20;
/** The most bytes of the old file's tail copied by one read. */
const TAIL_CHUNK_BYTES = 1 << 20;

/** The complete record of an entry finished in memory, which supersedes the one on file. */
export interface FinishedRecord {
  readonly digest: Uint32Array;
  readonly atSeconds: number;
  readonly line: Buffer;
}

/** What a compaction starts from; taken in one go when it begins. */
export interface CompactionSnapshot {
  /** The index of completed ids; the journal must not change it until the compaction ends. */
  readonly index: JournalIndex;
  /** Reads `length` bytes of the old file at `offset` (undefined past its end). */
  readonly read: (offset: number, length: number) => Buffer | undefined;
  readonly finished: readonly FinishedRecord[];
  /** The lines that resume unfinished entries. */
  readonly pending: readonly Buffer[];
  /** Completed ids accepted before this second are dropped. */
  readonly cutoffSeconds: number;
  /** Length of the old file when the compaction began: what follows is copied as it is. */
  readonly from: number;
}

/** The rewrite of one journal file into `tmp`, driven in slices by the journal. */
export class JournalCompaction {
  private fd: number;
  private readonly writer: JournalWriter;
  private readonly steps: Generator<void, void, void>;
  private next: JournalIndex | undefined;
  /** Offset in the old file up to which its tail has been copied. */
  private copied: number;
  /** Bytes of the new file synced on the thread pool so far. */
  private syncedTo = 0;
  /** Offset in the new file where the copied tail begins. */
  private tailStart = -1;

  constructor(
    private readonly tmp: string,
    private readonly snapshot: CompactionSnapshot,
  ) {
    this.fd = openSync(tmp, 'w', 0o600);
    this.writer = new JournalWriter(this.fd);
    this.steps = this.rewrite();
    this.copied = snapshot.from;
  }

  /** True when a write's worth is buffered: `writeOut` before more work. */
  get full(): boolean {
    return this.writer.full;
  }

  /** How far records of the old file's tail move in the new file. */
  get shift(): number {
    return this.tailStart - this.snapshot.from;
  }

  /**
   * Works on the rewrite of the snapshot until `deadline` (performance.now()) or until a write's worth is
   * buffered (`writeOut` then); true once it is all written or buffered.
   */
  step(deadline: number): boolean {
    for (;;) {
      if (this.steps.next().done) {
        if (this.tailStart < 0) this.tailStart = this.writer.offset;
        return true;
      }
      if (this.writer.full || performance.now() >= deadline) return false;
    }
  }

  /** The whole rewrite at once, writing as it goes (at open, when nothing else waits). */
  run(): void {
    while (!this.step(Number.POSITIVE_INFINITY)) this.writer.flush();
  }

  /** Copies the old file's records from where the copy stands up to `end`, a write's worth at most; true once there. */
  copyTail(end: number): boolean {
    while (this.copied < end && !this.writer.full) {
      const length = Math.min(TAIL_CHUNK_BYTES, end - this.copied);
      const bytes = this.snapshot.read(this.copied, length);
      if (!bytes) throw new RangeError(`journal shorter than ${end} bytes`);
      this.writer.bytes(bytes);
      this.copied += length;
    }
    return this.copied >= end;
  }

  /**
   * Writes what is buffered on the thread pool, so a write the kernel holds back does not stop the event
   * loop; every few mebibytes also syncs the new file there. Unsynced pages of a large rewrite would
   * otherwise be flushed inside the next fsync of the intake, which waits on the event loop.
   */
  async writeOut(): Promise<void> {
    await this.writer.flushInBackground();
    if (this.writer.offset - this.syncedTo < SYNC_EVERY_BYTES) return;
    this.syncedTo = this.writer.offset;
    await this.syncInBackground();
  }

  /** Writes what is buffered and fsyncs the new file, both on the thread pool. */
  async writeOutAndSync(): Promise<void> {
    await this.writer.flushInBackground();
    await this.syncInBackground();
  }

  private syncInBackground(): Promise<void> {
    const fd = this.fd;
    return new Promise<void>((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
  }

  /**
   * Copies the rest of the tail up to `end`, fsyncs and closes the new file and renames it over `path`;
   * returns the new index (the tail's complete records are not in it: the caller adds them, moved by
   * `shift`) and the new file's length.
   */
  commit(end: number, path: string): { index: JournalIndex; end: number; fd: number } {
    while (!this.copyTail(end)) this.writer.flush();
    this.writer.flush();
    fsyncSync(this.fd);
    // The descriptor later appends go to is opened before the rename and follows the file through it: if
    // the open fails, nothing is renamed and the old file stays the journal; once renamed, appends can
    // never go to a file that is no longer the journal.
    const appendFd = this.openForAppends();
    closeSync(this.fd);
    this.fd = -1;
    try {
      renameSync(this.tmp, path);
    } catch (error) {
      closeSync(appendFd);
      throw error;
    }
    try {
      const dfd = openSync(dirname(path), 'r');
      fsyncSync(dfd);
      closeSync(dfd);
    } catch {
      // some filesystems cannot fsync a directory
    }
    return { index: this.next!, end: this.writer.offset, fd: appendFd };
  }

  /**
   * A second descriptor on the new file for the journal's appends, without creating anything: if the file
   * written so far is no longer at its path (removed, or replaced by another), that is an error, never an
   * empty journal.
   */
  private openForAppends(): number {
    const fd = openSync(this.tmp, constants.O_RDWR | constants.O_APPEND);
    if (fstatSync(fd).ino !== fstatSync(this.fd).ino) {
      closeSync(fd);
      throw Object.assign(new Error('the new journal file was replaced'), { code: 'ENOENT' });
    }
    return fd;
  }

  /** Gives up: closes and removes the new file (the old one is still the journal). */
  abandon(): void {
    if (this.fd >= 0) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed by a failed write's cleanup
      }
      this.fd = -1;
    }
    rmSync(this.tmp, { force: true });
  }

  /**
   * The snapshot's finished entries, its unexpired complete records, then its pending entries. Yields
   * every few slots so `step` can stop at its deadline. Memory stays the two indexes, never a list of
   * every entry: complete records are copied from the old file one at a time.
   */
  private *rewrite(): Generator<void, void, void> {
    const { index, finished, pending, cutoffSeconds } = this.snapshot;
    let kept = 0;
    for (let slot = 0; slot < index.capacity; slot++) {
      if (index.isUsed(slot) && index.atOf(slot) >= cutoffSeconds) kept++;
      if (slot % (SLOTS_PER_CHECK * 16) === 0) yield;
    }
    const next = new JournalIndex(kept + finished.length);
    this.next = next;
    yield;
    for (const r of finished) next.set(r.digest, r.atSeconds, this.writer.line(r.line), r.line.length);
    for (let slot = 0; slot < index.capacity; slot++) {
      if (slot % SLOTS_PER_CHECK === 0) yield;
      if (!index.isUsed(slot) || index.atOf(slot) < cutoffSeconds) continue;
      const digest = index.digestAt(slot);
      if (next.find(digest) >= 0) continue;
      const line = this.snapshot.read(index.offsetOf(slot), index.lengthOf(slot));
      // A record the file no longer holds whole cannot answer for its id: it is dropped.
      if (line) next.set(digest, index.atOf(slot), this.writer.line(line), line.length);
    }
    for (const line of pending) this.writer.line(line);
  }
}
