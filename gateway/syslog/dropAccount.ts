/**
 * The lines a syslog sink lost (docs/gateway.md, Syslog delivery): counted for the writer's periodic
 * `syslogDropped` report and the metrics, and kept until the sink can tell its own destination how many.
 */
import type { SyslogRecord } from '../../core/syslogFormat.ts';

/** Renders the `syslogDropped` record for `count` lines (the writer supplies it: catalogue, host, clock). */
export type DropNotice = (count: number) => SyslogRecord;

/** Counts of one sink's lost lines: since the last report, not yet announced, and in all. */
export class DropAccount {
  private sinceTaken = 0;
  private unannounced = 0;
  private lostInAll = 0;
  private notice: DropNotice | undefined;

  /** Lines lost since start. */
  get total(): number {
    return this.lostInAll;
  }

  /** Counts `n` lost lines. */
  lost(n = 1): void {
    if (n <= 0) return;
    this.sinceTaken += n;
    this.unannounced += n;
    this.lostInAll += n;
  }

  /** Lines lost since the last call (for the periodic report), then resets. */
  take(): number {
    const n = this.sinceTaken;
    this.sinceTaken = 0;
    return n;
  }

  /** From now on the sink announces its own losses with `notice`. */
  announceWith(notice: DropNotice): void {
    this.notice = notice;
  }

  /** The notice for the losses not yet announced, once; undefined when there are none (or no notice). */
  announcement(): SyslogRecord | undefined {
    if (this.notice === undefined || this.unannounced === 0) return undefined;
    const record = this.notice(this.unannounced);
    this.unannounced = 0;
    return record;
  }
}
