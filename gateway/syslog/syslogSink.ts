/** A syslog destination: formats and ships one record; a failing destination never blocks the caller. */
import type { SyslogRecord } from '../../core/syslogFormat.ts';

/** One destination: a UDP or TCP/TLS collector, or the lunalogs file. */
export interface SyslogSink {
  /** Safe to log: `udp 127.0.0.1:514`, `file lunalogs`. Never credentials. */
  readonly name: string;
  /** Queues or writes one record; false when it was dropped (buffer full, write error). */
  write(record: SyslogRecord): boolean;
  /** Records lost since the last call (send errors found after `write` returned), then resets. */
  takeDropped(): number;
  /** Flushes what it can within a short time and releases the socket/file. */
  close(): Promise<void>;
}
