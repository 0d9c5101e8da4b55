/**
 * The lunalogs file view: one line per record, appended (docs/gateway.md, Syslog delivery). A line that
 * cannot be written (the directory is gone, the disk is full, permission denied) waits in a bounded buffer
 * and is written, in order, once the file can be opened and written again; a full buffer drops the newest
 * line and counts it, and the count is written to the file where the lines are missing once it works again.
 */
import { closeSync, fstatSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { formatLunalogsLine, type SyslogRecord } from '../../core/syslogFormat.ts';
import { DropAccount, type DropNotice } from './dropAccount.ts';
import { LineQueue } from './lineQueue.ts';
import type { SyslogSink, SyslogSinkStats } from './syslogSink.ts';

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 30_000;

/** Appends lunalogs lines with synchronous writes, so a line is in the file before the trap goes out. */
export class FileSyslogSink implements SyslogSink {
  readonly name: string;
  private fd: number | undefined;
  /** Device and inode of the open file, to notice the path now names another file (or none). */
  private opened: { readonly dev: number; readonly ino: number } | undefined;
  private readonly waiting = new LineQueue<Buffer>();
  private readonly drops = new DropAccount();
  private failing = false;
  private recoveries = 0;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly path: string,
    /** Lines kept while the file cannot be written. */
    private readonly bufferLines = 10_000,
  ) {
    // Only the base name: the directory layout of the host is nobody's business in a log line.
    this.name = `file ${basename(path)}`;
    // Only here: a directory that vanishes later is waited for, never created again, since creating it
    // under an unmounted volume's mount point would hide the lines once the volume is back.
    mkdirSync(dirname(path), { recursive: true, mode: 0o750 });
    this.openPath();
  }

  write(record: SyslogRecord): boolean {
    if (this.closed) return false;
    if (this.waiting.length >= this.bufferLines) {
      this.drops.lost();
      return false;
    }
    this.queueNotice();
    this.waiting.push(Buffer.from(`${formatLunalogsLine(record)}\n`));
    this.flush();
    return true;
  }

  /** Writes the waiting lines in order; on a failure keeps them and retries later, reopening the path. */
  private flush(): void {
    if (this.closed || this.waiting.length === 0) return;
    try {
      this.ensureOpen();
      while (this.waiting.length > 0) {
        const head = this.waiting.peek()!;
        const n = writeSync(this.fd!, head);
        if (n < head.length) this.waiting.replaceHead(head.subarray(n));
        else this.waiting.shift();
        if (this.waiting.length === 0) this.queueNotice();
      }
    } catch {
      this.closeFile();
      this.failing = true;
      this.scheduleRetry();
      return;
    }
    if (this.failing) this.recoveries++;
    this.failing = false;
    this.retryMs = FIRST_RETRY_MS;
  }

  /** Queues the count of lines lost since the last notice, at the place they are missing. */
  private queueNotice(): void {
    const notice = this.drops.announcement();
    if (notice) this.waiting.push(Buffer.from(`${formatLunalogsLine(notice)}\n`));
  }

  /** Opens the path again when it was moved, removed or replaced since it was opened. */
  private ensureOpen(): void {
    if (this.fd !== undefined) {
      const now = statSync(this.path, { throwIfNoEntry: false });
      if (now && this.opened && now.ino === this.opened.ino && now.dev === this.opened.dev) return;
      this.closeFile();
    }
    this.openPath();
  }

  private openPath(): void {
    const fd = openSync(this.path, 'a', 0o640);
    const st = fstatSync(fd);
    this.fd = fd;
    this.opened = { dev: st.dev, ino: st.ino };
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.flush();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  private closeFile(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
    }
    this.fd = undefined;
    this.opened = undefined;
  }

  /** Closes the file so the next write opens the path again (logrotate's create mode, SIGHUP). */
  reopen(): void {
    this.closeFile();
    this.flush();
  }

  takeDropped(): number {
    return this.drops.take();
  }

  announceDropsWith(notice: DropNotice): void {
    this.drops.announceWith(notice);
  }

  stats(): SyslogSinkStats {
    return { waiting: this.waiting.length, unconfirmed: 0, dropped: this.drops.total, reconnects: this.recoveries };
  }

  /** Writes what waits if the file works; what still cannot be written counts as dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.drops.lost(this.waiting.drain().length);
    this.closeFile();
  }
}
