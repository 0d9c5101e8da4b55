/** A syslog destination: formats and ships one record; a failing destination never blocks the caller. */
import type { SyslogRecord } from '../../core/syslogFormat.ts';
import type { DropNotice } from './dropAccount.ts';

/** What an operator needs to see of one sink (docs/gateway.md, Metrics). */
export interface SyslogSinkStats {
  /** Lines not yet written: the collector is away, or a file write failed. */
  readonly waiting: number;
  /** Lines written to a TCP/TLS connection and kept for replay until known delivered. */
  readonly unconfirmed: number;
  /** Lines lost since start: buffer full, send errors, still held at shutdown. */
  readonly dropped: number;
  /** Connections established again after one was lost; for a file, recoveries after a failed write. */
  readonly reconnects: number;
}

/** One destination: a UDP or TCP/TLS collector, or the lunalogs file. */
export interface SyslogSink {
  /** Safe to log: `udp 127.0.0.1:514`, `file lunalogs`. Never credentials. */
  readonly name: string;
  /** Writes or queues one record; false when it was dropped (buffer full). */
  write(record: SyslogRecord): boolean;
  /** Records lost since the last call (send errors found after `write` returned), then resets. */
  takeDropped(): number;
  /** Current figures of the sink. */
  stats(): SyslogSinkStats;
  /**
   * Present on sinks that know when they work again: they tell their own destination how many lines they
   * lost, with a line rendered by `notice`, at the place of the gap (the writer's periodic report then
   * leaves them out, so a destination never counts the same loss twice).
   */
  announceDropsWith?(notice: DropNotice): void;
  /** Flushes what it can within a short time and releases the socket/file. */
  close(): Promise<void>;
}
