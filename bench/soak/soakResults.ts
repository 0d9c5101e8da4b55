/**
 * The soak's results file (bench/results/soak-<date>.json): how the run was set up, the fitted slopes,
 * the journal, every request kind's answers and latencies, what the receivers saw, and the targets; plus
 * the headline figures bench/README.md shows.
 */
import { cpus } from 'node:os';
import { FLAPPING_INFORM, RETENTION_DAYS } from './soakGateway.ts';
import { REQUEST_KINDS, type RequestKind, type SoakLoad } from './soakLoad.ts';
import type { SoakOptions } from './soakOptions.ts';
import type { DownWindow } from './soakPeers.ts';
import type { SoakSample } from './soakSampler.ts';
import { compactionsSeen, fitSlopes, judgeTargets, type SoakEvidence } from './soakSummary.ts';
import { percentile, round } from './stats.ts';

/** What the load phase left behind, besides the evidence. */
export interface RunFacts {
  readonly startedAt: string;
  readonly loadSeconds: number;
  readonly load: SoakLoad;
  readonly flaps: readonly DownWindow[];
  readonly rsyslogRestarts: readonly number[];
  readonly gatewayStopStatus: number | null;
  /** performance.now() at the start of the load. */
  readonly t0: number;
}

/** One request kind's figures. */
interface KindFigures {
  readonly requests: number;
  readonly notifications: number;
  readonly statuses: Record<string, number>;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Per request kind: how many, what the gateway answered, latency percentiles. */
function requestFigures(load: SoakLoad): Record<RequestKind, KindFigures> {
  const figures = {} as Record<RequestKind, KindFigures>;
  for (const k of REQUEST_KINDS) {
    const c = load.counts[k];
    const sorted = [...c.latenciesMs].sort((a, b) => a - b);
    figures[k] = {
      requests: c.requests,
      notifications: c.notifications,
      statuses: c.statuses,
      p50Ms: round(percentile(sorted, 50), 1),
      p99Ms: round(percentile(sorted, 99), 1),
    };
  }
  return figures;
}

/** Gateway CPU seconds per minute of the series (prom-client's process_cpu_seconds_total). */
function cpuPerMinute(samples: readonly SoakSample[]): number {
  if (samples.length < 2) return 0;
  const [first, last] = [samples[0]!, samples.at(-1)!];
  return round(((last.cpuSeconds - first.cpuSeconds) / (last.t - first.t)) * 60, 2);
}

/** Each doubled trap's appliance and copies, with the requests (seconds into the run) that carried its id. */
function doubledDetail(run: RunFacts, e: SoakEvidence) {
  const idOf = new Map([...run.load.sent.values()].map((n) => [n.appliance, n.id]));
  const doubledIds = new Set(
    Object.values(e.traps).flatMap((t) => t.doubledExamples.map((d) => idOf.get(d.appliance) ?? '')),
  );
  const carried = new Map<string, Array<[number, number]>>();
  for (const r of run.load.requestLog) {
    for (const id of r.ids) {
      if (!doubledIds.has(id)) continue;
      const spans = carried.get(id) ?? [];
      spans.push([round((r.start - run.t0) / 1000, 2), round((r.end - run.t0) / 1000, 2)]);
      carried.set(id, spans);
    }
  }
  return Object.fromEntries(
    Object.entries(e.traps).map(([host, t]) => [
      host,
      t.doubledExamples.map(({ appliance, copies }) => ({
        appliance,
        copies,
        requests: carried.get(idOf.get(appliance) ?? '') ?? [],
      })),
    ]),
  );
}

/** The run's set-up as the results record it. */
function runSetup(o: SoakOptions, run: RunFacts, e: SoakEvidence) {
  return {
    startedAt: run.startedAt,
    minutes: o.minutes,
    warmupMinutes: round(o.warmupMinutes, 2),
    scale: round(o.scale, 3),
    load: o.load,
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    rates: o.rates,
    freshIdsPerSecond: round(run.load.counts.valid.notifications / run.loadSeconds, 1),
    flapping: { everySeconds: o.flapEverySeconds, downSeconds: o.flapDownSeconds, inform: FLAPPING_INFORM },
    rsyslogRestartEverySeconds: o.rsyslogEverySeconds,
    retryEverySeconds: o.retryEverySeconds,
    retentionDays: RETENTION_DAYS,
    seededIds: o.seedIds,
    seedExpiresAtSeconds: round(e.seedExpiresAtSeconds, 1),
    flaps: run.flaps.map((w) => ({
      down: round(w.down, 2),
      stopped: w.stopped === undefined ? undefined : round(w.stopped, 2),
      starting: w.starting === undefined ? undefined : round(w.starting, 2),
      up: w.up === undefined ? undefined : round(w.up, 2),
    })),
    rsyslogRestarts: run.rsyslogRestarts.map((t) => round(t, 1)),
  };
}

/** The summary written to the results file. */
export function summarise(o: SoakOptions, run: RunFacts, e: SoakEvidence) {
  const slopes = fitSlopes(e);
  const targets = judgeTargets(e, slopes);
  const setup = runSetup(o, run, e);
  const bytesPerRecord = e.restart.after.bytesPerCompactedRecord;
  return {
    run: setup,
    slopes,
    gateway: {
      cpuSecondsPerMinute: cpuPerMinute(e.samples),
      stopExitStatus: run.gatewayStopStatus,
      restartStopExitStatus: e.restart.stopExitStatus,
    },
    journal: {
      compactionsDuringRun: compactionsSeen(e.samples),
      recordsAtEnd: e.final.journalRecords,
      bytesAtEnd: e.final.journalBytes,
      beforeRestart: e.restart.before,
      afterRestart: e.restart.after,
      recordsAfterRestart: e.restart.recordsAfterRestart,
      bytesPerCompactedRecord: bytesPerRecord,
      // What the journal holds once ids arrive as fast as here for a whole retention period.
      projectedBytesAtRetention: Math.round(setup.freshIdsPerSecond * 86_400 * RETENTION_DAYS * bytesPerRecord),
    },
    requests: requestFigures(run.load),
    receivers: {
      traps: e.traps,
      syslog: e.syslog,
      syslogDroppedReported: e.final.syslogDropped,
      syslogReconnects: e.final.syslogReconnects,
      syslogQueuedMax: Math.max(0, ...e.samples.map((x) => x.syslogQueued)),
      unacknowledgedAfterDrain: e.unacknowledgedAfterDrain,
      failedResults: run.load.failedResults,
      informRetries: e.final.informRetries,
      answeredAsNewTwice: e.forgotten,
      doubled: doubledDetail(run, e),
      skippedAtInFlightCap: run.load.skippedAtCap,
    },
    targets,
    pass: targets.every((t) => t.pass),
  };
}

/** The summary's type. */
export type SoakSummary = ReturnType<typeof summarise>;

/** The figures bench/README.md shows next to the targets. */
export function readmeFigures(s: SoakSummary): Array<[string, string | number]> {
  const rates = Object.values(s.run.rates).map((r) => `${r.perSecond} × ${r.maxBatch > 1 ? `1–${r.maxBatch}` : '1'}`);
  const { slopes, journal, receivers } = s;
  return [
    ['requests per second × notifications each (fresh, duplicate, bad signature, oversize)', rates.join(', ')],
    ['fresh ids per second', s.run.freshIdsPerSecond],
    ['gateway CPU seconds per minute', s.gateway.cpuSecondsPerMinute],
    [
      'RSS / heap / fds slope per 10 min',
      `${slopes.rssMbPer10Min} MB / ${slopes.heapMbPer10Min} MB / ${slopes.fdsPer10Min}`,
    ],
    ['heap bytes per remembered id (heap slope / records slope)', slopes.heapBytesPerJournalRecord],
    ['journal growth per hour', `${slopes.journalBytesPerHour} bytes, ${slopes.journalRecordsPerHour} records`],
    ['bytes per compacted journal record', journal.bytesPerCompactedRecord],
    ['compactions on growth during the run', journal.compactionsDuringRun.length],
    [
      'p99 slope per 10 min (all intervals / every host up)',
      `${slopes.p99MsPer10Min} / ${slopes.steadyP99MsPer10Min} ms`,
    ],
    ['fresh-id requests p50 / p99', `${s.requests.valid.p50Ms} / ${s.requests.valid.p99Ms} ms`],
    ['duplicate requests p50 / p99', `${s.requests.duplicate.p50Ms} / ${s.requests.duplicate.p99Ms} ms`],
    [
      'syslog lines expected / distinct seen / duplicates',
      `${receivers.syslog.expected} / ${receivers.syslog.distinctSeen} / ${receivers.syslog.duplicates}`,
    ],
  ];
}
