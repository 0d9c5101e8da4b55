/**
 * Turns the soak's series into fitted slopes after the warm-up, and judges the targets
 * (bench/README.md, Soak): RSS slope under 1 MB per 10 minutes, journal compacted to its retention, p99
 * steady, nothing lost or doubled at the receivers (syslog lines may come twice, never go missing uncounted).
 */
import type { SyslogTally, TrapTally } from './receiverCheck.ts';
import type { RestartCheck } from './restartCheck.ts';
import type { DownWindow } from './soakPeers.ts';
import type { SoakSample } from './soakSampler.ts';
import { leastSquaresSlope, median, round } from './stats.ts';

/** One target and how the run did against it. */
export interface TargetResult {
  readonly name: string;
  readonly target: string;
  readonly value: string;
  readonly pass: boolean;
}

/** Slopes fitted after the warm-up. */
export interface SoakSlopes {
  readonly rssMbPer10Min: number;
  readonly heapMbPer10Min: number;
  readonly heapTotalMbPer10Min: number;
  readonly externalMbPer10Min: number;
  readonly fdsPer10Min: number;
  readonly journalBytesPerHour: number;
  readonly journalRecordsPerHour: number;
  /** p99 of every interval, and of the intervals in which the flapping host was up throughout. */
  readonly p99MsPer10Min: number;
  readonly steadyP99MsPer10Min: number;
  /** Heap growth per id the journal remembers (heap slope over journal-records slope). */
  readonly heapBytesPerJournalRecord: number;
}

/** A drop of the journal's bytes between two samples: a compaction. */
export interface CompactionSeen {
  readonly t: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  readonly recordsAfter: number;
}

/** Everything the targets are judged on. */
export interface SoakEvidence {
  readonly samples: readonly SoakSample[];
  /** The sample after the drain, once the receivers went quiet. */
  readonly final: SoakSample;
  readonly warmupSeconds: number;
  readonly sampleSeconds: number;
  readonly flaps: readonly DownWindow[];
  /** How long after a host came back an interval still counts as disturbed (a failing inform's timeout). */
  readonly settleSeconds: number;
  readonly seedExpiresAtSeconds: number;
  /** The journal before and after the restart that follows the run. */
  readonly restart: RestartCheck;
  /** Fresh ids sent in the run (each should be remembered by the journal at the end). */
  readonly idsSent: number;
  readonly traps: Readonly<Record<string, TrapTally>>;
  readonly unacknowledgedAfterDrain: number;
  readonly forgotten: number;
  readonly syslog: SyslogTally;
  readonly gatewayExit: string | undefined;
  readonly internalErrors: number;
}

const per10Min = (perSecond: number) => perSecond * 600;

/** True when the flapping host was down during the interval ending at `t`, or just before it. */
export function disturbed(
  t: number,
  sampleSeconds: number,
  settleSeconds: number,
  flaps: readonly DownWindow[],
): boolean {
  const from = t - sampleSeconds;
  return flaps.some(
    (w) => w.down <= t && (w.up === undefined ? Number.POSITIVE_INFINITY : w.up + settleSeconds) >= from,
  );
}

/** The samples after the warm-up. */
export function afterWarmup(e: SoakEvidence): SoakSample[] {
  return e.samples.filter((s) => s.t > e.warmupSeconds);
}

/** Least-squares slopes of the series after the warm-up. */
export function fitSlopes(e: SoakEvidence): SoakSlopes {
  const post = afterWarmup(e);
  const t = post.map((s) => s.t);
  const slope = (f: (s: SoakSample) => number) => leastSquaresSlope(t, post.map(f));
  const answered = post.filter((s) => s.requests > 0);
  const steady = answered.filter((s) => !disturbed(s.t, e.sampleSeconds, e.settleSeconds, e.flaps));
  const recordsSlope = slope((s) => s.journalRecords);
  const heapSlope = slope((s) => s.heapUsedMb);
  return {
    rssMbPer10Min: round(per10Min(slope((s) => s.rssMb)), 3),
    heapMbPer10Min: round(per10Min(heapSlope), 3),
    heapTotalMbPer10Min: round(per10Min(slope((s) => s.heapTotalMb)), 3),
    externalMbPer10Min: round(per10Min(slope((s) => s.externalMb)), 3),
    fdsPer10Min: round(per10Min(slope((s) => s.fds)), 3),
    journalBytesPerHour: Math.round(slope((s) => s.journalBytes) * 3600),
    journalRecordsPerHour: Math.round(recordsSlope * 3600),
    p99MsPer10Min: round(
      per10Min(
        leastSquaresSlope(
          answered.map((s) => s.t),
          answered.map((s) => s.p99Ms),
        ),
      ),
      2,
    ),
    steadyP99MsPer10Min: round(
      per10Min(
        leastSquaresSlope(
          steady.map((s) => s.t),
          steady.map((s) => s.p99Ms),
        ),
      ),
      2,
    ),
    heapBytesPerJournalRecord: recordsSlope > 0 ? Math.round((heapSlope * 1024 * 1024) / recordsSlope) : 0,
  };
}

/** Every fall of the journal's bytes from one sample to the next. */
export function compactionsSeen(samples: readonly SoakSample[]): CompactionSeen[] {
  const seen: CompactionSeen[] = [];
  for (let i = 1; i < samples.length; i++) {
    const [a, b] = [samples[i - 1]!, samples[i]!];
    if (b.journalBytes < a.journalBytes) {
      seen.push({ t: b.t, bytesBefore: a.journalBytes, bytesAfter: b.journalBytes, recordsAfter: b.journalRecords });
    }
  }
  return seen;
}

/**
 * p99 steadiness, over the intervals in which every trap host was up: the median p99 of the last third of
 * the run after warm-up against that of the first third (medians, so a moment when the shared machine is
 * busy does not decide it; the least-squares slope is reported beside it).
 */
function p99Target(e: SoakEvidence, slopes: SoakSlopes): TargetResult {
  const post = afterWarmup(e).filter((s) => s.requests > 0);
  const steady = post.filter((s) => !disturbed(s.t, e.sampleSeconds, e.settleSeconds, e.flaps));
  const third = Math.floor(steady.length / 3);
  const first = median(steady.slice(0, third).map((s) => s.p99Ms));
  const last = median(steady.slice(steady.length - third).map((s) => s.p99Ms));
  const limit = 1.25 * first + 5;
  return {
    name: 'p99 steady',
    target:
      'with every trap host up, median p99 of the last third after warm-up ≤ 1.25 × that of the first third + 5 ms',
    value:
      `first third ${round(first, 1)} ms, last third ${round(last, 1)} ms (limit ${round(limit, 1)} ms; ` +
      `${third} of ${steady.length} intervals each); least-squares slope ${slopes.steadyP99MsPer10Min} ms per 10 min`,
    pass: third >= 2 && last <= limit,
  };
}

/**
 * The journal target: the seeded ids, once past the retention period, are dropped by a compaction — on
 * growth during the run when one came after they expired (then they are gone before the restart), else
 * by the compaction at the restart — and the compacted journal holds exactly one record per id sent.
 */
function journalTarget(e: SoakEvidence): TargetResult {
  const during = compactionsSeen(e.samples).filter((c) => c.t > e.seedExpiresAtSeconds);
  const { before, after, recordsAfterRestart, probeSent, probeAnsweredDuplicate } = e.restart;
  const droppedDuring = during.length > 0 && before.seededIds === 0 && before.olderThanRetention === 0;
  const compacted =
    after.seededIds === 0 &&
    after.olderThanRetention === 0 &&
    after.compactedRecords === e.idsSent &&
    after.distinctIds === e.idsSent &&
    recordsAfterRestart === e.idsSent;
  const where = droppedDuring
    ? `dropped during the run (${during.length} compaction(s) on growth after they expired)`
    : `${before.seededIds} still in the file at the end of the run (no compaction on growth after they expired), dropped at the restart`;
  return {
    name: 'journal compacted to its retention',
    target:
      'seeded ids that passed retention are dropped; the compacted journal holds one record per id sent; ids survive a restart',
    value:
      `seeded ids: ${where}; after the restart ${after.compactedRecords} compacted records, ${recordsAfterRestart} in the index, ` +
      `of ${e.idsSent} ids sent; seeded ${after.seededIds}, older than retention ${after.olderThanRetention}; ` +
      `${probeAnsweredDuplicate}/${probeSent} re-sent ids answered as duplicates`,
    pass: (droppedDuring || during.length === 0) && compacted && probeAnsweredDuplicate === probeSent,
  };
}

/** Nothing lost or doubled at the trap receivers, every id acknowledged, none forgotten by the gateway. */
function receiverTarget(e: SoakEvidence): TargetResult {
  const parts = Object.entries(e.traps).map(
    ([host, t]) =>
      `${host}: ${t.exactlyOnce}/${t.expected} once, lost ${t.lost}, doubled ${t.doubled} ` +
      `(${t.doubledByInformRetry} of them an inform sent again after a failure or a timeout), unexpected ${t.unexpected}`,
  );
  const clean = Object.values(e.traps).every(
    (t) => t.lost === 0 && t.doubled === t.doubledByInformRetry && t.unexpected === 0,
  );
  return {
    name: '0 lost or doubled',
    target:
      'every fresh id trapped exactly once per trap host (the flapping one too, after retries; an inform sent again after a reported failure or a timeout may come twice); none unacknowledged',
    value: `${parts.join('; ')}; unacknowledged ${e.unacknowledgedAfterDrain}; answered as new twice ${e.forgotten}`,
    pass: clean && e.unacknowledgedAfterDrain === 0 && e.forgotten === 0,
  };
}

/** Judges every target. */
export function judgeTargets(e: SoakEvidence, slopes: SoakSlopes): TargetResult[] {
  const dropped = e.final.syslogDropped;
  const s = e.syslog;
  return [
    {
      name: 'RSS slope',
      target: '< 1 MB per 10 minutes after warm-up',
      value: `${slopes.rssMbPer10Min} MB per 10 min`,
      pass: slopes.rssMbPer10Min < 1,
    },
    journalTarget(e),
    p99Target(e, slopes),
    receiverTarget(e),
    {
      name: 'syslog lines accounted for',
      target: 'every expected line at rsyslog, or counted as dropped by the gateway (duplicates allowed)',
      value: `${s.distinctSeen}/${s.expected} distinct, missing ${s.missing}, dropped (reported) ${dropped}, duplicates ${s.duplicates}`,
      pass: s.missing <= dropped,
    },
    {
      name: 'gateway ran throughout',
      target: 'no exit before the end, no internal error on stderr',
      value: `${e.gatewayExit ?? 'running at the end'}; internal errors ${e.internalErrors}`,
      pass: e.gatewayExit === undefined && e.internalErrors === 0,
    },
  ];
}
