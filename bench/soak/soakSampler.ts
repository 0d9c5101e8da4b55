/**
 * One sample of the gateway every interval: resident memory and open descriptors from /proc (the
 * kernel's view), V8 heap, journal records and counters from the gateway's own `/metrics` (docs/gateway.md,
 * Metrics), the journal's bytes on disk, and the latency of the notification requests of the interval.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { IntervalLoad } from './soakLoad.ts';
import { percentile, round } from './stats.ts';

/** One point of the series. */
export interface SoakSample {
  /** Seconds since the load started. */
  readonly t: number;
  readonly rssMb: number;
  readonly heapUsedMb: number;
  /** V8 heap reserved (used plus free space it keeps) and memory held outside it (Buffers), for a growing RSS. */
  readonly heapTotalMb: number;
  readonly externalMb: number;
  readonly fds: number;
  readonly journalBytes: number;
  readonly journalRecords: number;
  readonly cpuSeconds: number;
  /** Notification requests answered in the interval, and their p50/p99 (ms; 0 when none). */
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Syslog lines lost, connections made again, lines held (waiting or kept for replay), all sinks. */
  readonly syslogDropped: number;
  readonly syslogReconnects: number;
  readonly syslogQueued: number;
  readonly trapsFailed: number;
  /** Informs net-snmp sent again inside a send after a timeout (a receiver may log both copies). */
  readonly informRetries: number;
}

const MB = 1024 * 1024;

/** The sum of every series of `name` in a Prometheus text exposition (0 when absent). */
export function metricValue(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) {
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (Number.isFinite(value)) sum += value;
    }
  }
  return sum;
}

/** The sum of `name`'s series whose labels contain `label` (e.g. `result="failed"`). */
export function labelledValue(text: string, name: string, label: string): number {
  const lines = text.split('\n').filter((l) => l.startsWith(`${name}{`) && l.includes(label));
  return metricValue(lines.join('\n'), name);
}

/** VmRSS of a process in bytes, from /proc. */
function procRssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Bytes of the regular files in a directory (the journal and its compaction's temporary file). */
export function directoryBytes(dir: string): number {
  let bytes = 0;
  for (const name of readdirSync(dir)) {
    try {
      const s = statSync(join(dir, name));
      if (s.isFile()) bytes += s.size;
    } catch {
      // renamed away by a compaction between the listing and the stat
    }
  }
  return bytes;
}

/** Takes one sample of the gateway process `pid`. */
export async function takeSample(
  t: number,
  pid: number,
  metricsUrl: string,
  stateDir: string,
  load: IntervalLoad,
): Promise<SoakSample> {
  const metrics = await (await fetch(metricsUrl)).text();
  const sorted = [...load.latenciesMs].sort((a, b) => a - b);
  return {
    t: round(t, 1),
    rssMb: round(procRssBytes(pid) / MB),
    heapUsedMb: round(metricValue(metrics, 'nodejs_heap_size_used_bytes') / MB),
    heapTotalMb: round(metricValue(metrics, 'nodejs_heap_size_total_bytes') / MB),
    externalMb: round(metricValue(metrics, 'nodejs_external_memory_bytes') / MB),
    fds: readdirSync(`/proc/${pid}/fd`).length,
    journalBytes: directoryBytes(stateDir),
    journalRecords: metricValue(metrics, 'certmonitor_gateway_journal_records'),
    cpuSeconds: round(metricValue(metrics, 'process_cpu_seconds_total'), 2),
    requests: sorted.length,
    p50Ms: round(percentile(sorted, 50), 1),
    p99Ms: round(percentile(sorted, 99), 1),
    syslogDropped: metricValue(metrics, 'certmonitor_gateway_syslog_dropped_total'),
    syslogReconnects: metricValue(metrics, 'certmonitor_gateway_syslog_reconnects_total'),
    syslogQueued: metricValue(metrics, 'certmonitor_gateway_syslog_queue_lines'),
    trapsFailed: labelledValue(metrics, 'certmonitor_gateway_traps_total', 'result="failed"'),
    informRetries: metricValue(metrics, 'certmonitor_gateway_inform_retries_total'),
  };
}
