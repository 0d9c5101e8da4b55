/**
 * Writes catalogue lines to every syslog sink (and lifecycle lines to stderr as well). HOSTNAME is the
 * appliance for appliance lines and the gateway's own name for lifecycle lines (docs/design.md, Syslog).
 * Losses are counted per sink and reported with the `syslogDropped` line (docs/gateway.md, Syslog delivery).
 */
import { CATALOGUE, formatMessage, type MessageKey, type Severity } from '../../core/catalogue.ts';
import { formatLunalogsLine, type SyslogRecord } from '../../core/syslogFormat.ts';
import { FileSyslogSink } from './fileSyslogSink.ts';
import type { SyslogSink, SyslogSinkStats } from './syslogSink.ts';

/** Renders catalogue lines once per record and hands them to every sink. */
export class SyslogWriter {
  constructor(
    private readonly sinks: readonly SyslogSink[],
    private readonly gatewayHost: string,
    private readonly pid: number,
    /** Where lifecycle lines are echoed; null for nowhere. */
    private readonly stderr: ((line: string) => void) | null = (line) => void process.stderr.write(line),
    private readonly clock: () => Date = () => new Date(),
  ) {
    // Sinks that know when they work again tell their own destination what they lost, at the gap.
    for (const s of sinks) s.announceDropsWith?.((count) => this.dropRecord(s, count));
  }

  private dropRecord(sink: SyslogSink, count: number): SyslogRecord {
    return this.record('syslogDropped', { count, sink: sink.name }, this.gatewayHost);
  }

  private record(
    key: MessageKey,
    params: Readonly<Record<string, string | number>>,
    host: string,
    sev?: Severity,
  ): SyslogRecord {
    const entry = CATALOGUE[key];
    return {
      sev: sev ?? entry.sev,
      level: entry.level,
      text: formatMessage(key, params),
      hostname: host,
      pid: this.pid,
      now: this.clock(),
    };
  }

  /**
   * A line about an appliance (or a client); true when every sink accepted it. `sev` replaces the
   * catalogue's severity (a critical notification's line is `crit`, docs/reference.md, Message catalogue).
   */
  appliance(
    appliance: string,
    key: MessageKey,
    params: Readonly<Record<string, string | number>> = {},
    sev?: Severity,
  ): boolean {
    const rec = this.record(key, params, appliance, sev);
    let ok = true;
    for (const s of this.sinks) ok = s.write(rec) && ok;
    return ok;
  }

  /** A gateway lifecycle line: to every sink and to stderr. */
  lifecycle(key: MessageKey, params: Readonly<Record<string, string | number>> = {}): void {
    const rec = this.record(key, params, this.gatewayHost);
    for (const s of this.sinks) s.write(rec);
    this.stderr?.(`${formatLunalogsLine(rec)}\n`);
  }

  /**
   * Emits `syslogDropped` for each sink that lost lines since the last report (stderr and every sink, but
   * not to a sink that announces its own losses: it does so itself, once it works again); returns the total.
   */
  reportDrops(): number {
    let total = 0;
    for (const s of this.sinks) {
      const n = s.takeDropped();
      if (n === 0) continue;
      total += n;
      const rec = this.dropRecord(s, n);
      for (const other of this.sinks) if (other !== s || !other.announceDropsWith) other.write(rec);
      this.stderr?.(`${formatLunalogsLine(rec)}\n`);
    }
    return total;
  }

  /** Each sink's figures (queue, drops, reconnects), by sink name, for the metrics. */
  sinkStats(): Array<SyslogSinkStats & { readonly sink: string }> {
    return this.sinks.map((s) => ({ sink: s.name, ...s.stats() }));
  }

  /** Reopens file sinks (after log rotation). */
  reopenFiles(): void {
    for (const s of this.sinks) if (s instanceof FileSyslogSink) s.reopen();
  }

  /**
   * Flushes and closes every sink. Lines a sink still held when it closed can reach no destination any
   * more: their count goes to stderr only.
   */
  async close(): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.close()));
    for (const s of this.sinks) {
      const n = s.takeDropped();
      if (n > 0) this.stderr?.(`${formatLunalogsLine(this.dropRecord(s, n))}\n`);
    }
  }
}
