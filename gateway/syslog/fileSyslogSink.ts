/** The lunalogs file view: one line per record, appended; reopened on demand (after log rotation). */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { formatLunalogsLine, type SyslogRecord } from '../../core/syslogFormat.ts';
import type { SyslogSink } from './syslogSink.ts';

/** Appends lunalogs lines with synchronous writes, so a line is in the file before the trap goes out. */
export class FileSyslogSink implements SyslogSink {
  readonly name: string;
  private fd: number | undefined;
  private dropped = 0;

  constructor(private readonly path: string) {
    // Only the base name: the directory layout of the host is nobody's business in a log line.
    this.name = `file ${basename(path)}`;
    mkdirSync(dirname(path), { recursive: true, mode: 0o750 });
    this.fd = openSync(path, 'a', 0o640);
  }

  write(record: SyslogRecord): boolean {
    try {
      if (this.fd === undefined) this.fd = openSync(this.path, 'a', 0o640);
      writeSync(this.fd, `${formatLunalogsLine(record)}\n`);
      return true;
    } catch {
      this.dropped++;
      this.reopen();
      return false;
    }
  }

  /** Closes the file so the next write opens the path again (logrotate's create mode). */
  reopen(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
    }
    this.fd = undefined;
  }

  takeDropped(): number {
    const n = this.dropped;
    this.dropped = 0;
    return n;
  }

  async close(): Promise<void> {
    this.reopen();
  }
}
