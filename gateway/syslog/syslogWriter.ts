/**
 * Writes catalogue lines to every syslog sink (and lifecycle lines to stderr as well). HOSTNAME is the
 * appliance for appliance lines and the gateway's own name for lifecycle lines (docs/design.md, Syslog).
 * Losses are counted per sink and reported with the `syslogDropped` line.
 */
import { CATALOGUE, formatMessage, type MessageKey } from '../../core/catalogue.ts';
import { formatLunalogsLine, type SyslogRecord } from '../../core/syslogFormat.ts';
import { FileSyslogSink } from './fileSyslogSink.ts';
import type { SyslogSink } from './syslogSink.ts';

/** Renders catalogue lines once per record and hands them to every sink. */
export class SyslogWriter {
  private readonly dropTotals = new Map<string, number>();

  constructor(
    private readonly sinks: readonly SyslogSink[],
    private readonly gatewayHost: string,
    private readonly pid: number,
    /** Where lifecycle lines are echoed; null for nowhere. */
    private readonly stderr: ((line: string) => void) | null = (line) => void process.stderr.write(line),
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private record(key: MessageKey, params: Readonly<Record<string, string | number>>, host: string): SyslogRecord {
    const entry = CATALOGUE[key];
    return {
      sev: entry.sev,
      level: entry.level,
      text: formatMessage(key, params),
      hostname: host,
      pid: this.pid,
      now: this.clock(),
    };
  }

  /** A line about an appliance; true when every sink accepted it. */
  appliance(appliance: string, key: MessageKey, params: Readonly<Record<string, string | number>> = {}): boolean {
    const rec = this.record(key, params, appliance);
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

  /** Emits `syslogDropped` for each sink that lost lines since the last report; returns the total. */
  reportDrops(): number {
    let total = 0;
    for (const s of this.sinks) {
      const n = s.takeDropped();
      if (n === 0) continue;
      total += n;
      this.dropTotals.set(s.name, (this.dropTotals.get(s.name) ?? 0) + n);
      this.lifecycle('syslogDropped', { count: n, sink: s.name });
    }
    return total;
  }

  /** Lines dropped so far by each sink (zero for those that dropped none), as reported by {@link reportDrops}. */
  droppedTotals(): Map<string, number> {
    return new Map(this.sinks.map((s) => [s.name, this.dropTotals.get(s.name) ?? 0]));
  }

  /** Reopens file sinks (after log rotation). */
  reopenFiles(): void {
    for (const s of this.sinks) if (s instanceof FileSyslogSink) s.reopen();
  }

  /** Flushes and closes every sink. */
  async close(): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.close()));
  }
}
