/**
 * The gateway journal's memory with 1,000,000 remembered ids: heap plus array buffers per id once the
 * journal is open (compact index, docs/gateway.md, Journal), side by side in one run with the same ids held
 * as entry objects in a Map, as the journal did before. Also the open (load and compaction) time and the
 * rate of duplicate look-ups read back from the file.
 * Then the longest event-loop stall while the running gateway's scheduler compacts those 1,000,000 ids,
 * with intake beside it (a batch of 10 fresh ids accepted, acknowledged and completed every 10 ms, fsynced as
 * the gateway does) and a 1 ms interval probe: the longest gap less the intake's own time in it
 * (`compactionStallMs`), the raw gap, the most CPU one gap held. Compared with the same intake for as long
 * without a compaction (what the machine and the intake's fsyncs stall alone) and with the same rewrite in
 * one go, as the gateway ran it before.
 * Run: node --import tsx bench/journal.ts (writes bench/results/journal.json).
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CompactionScheduler } from '../gateway/delivery/compactionScheduler.ts';
import { DeliveryJournal } from '../gateway/delivery/deliveryJournal.ts';
import { forEachJournalLine } from '../gateway/delivery/journalLines.ts';
import { type CompleteRecord, entryOfComplete, type JournalEntry } from '../gateway/delivery/journalRecord.ts';
import type { Notification } from '../protocol/notification.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const IDS = 1_000_000;
const LOOKUPS = 100_000;
const DAY = 86_400_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap and array buffers in use after full collections. */
function memory(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const idOf = (i: number) =>
  `hsm${String(i % 5000).padStart(4, '0')}:8B3B${String(i).padStart(7, '0')}:expiring:2026-11-24T12:05`;

/** A journal of `IDS` complete records as the gateway writes them: two trap hosts, one failed. */
function writeJournal(path: string, at: number): void {
  const fd = openSync(path, 'w');
  let lines: string[] = [];
  for (let i = 0; i < IDS; i++) {
    const hosts = { nms1: { ok: true }, nms2: { ok: false, error: 'no response (timeout after 5000 ms)' } };
    lines.push(JSON.stringify({ t: 'c', id: idOf(i), at, hosts, syslog: 'ok' }));
    if (lines.length === 10_000 || i === IDS - 1) {
      writeSync(fd, `${lines.join('\n')}\n`);
      lines = [];
    }
  }
  closeSync(fd);
}

/** The same ids as the journal held them before: one entry object with a Map of outcomes per id. */
function asEntryMap(path: string): Map<string, JournalEntry> {
  const entries = new Map<string, JournalEntry>();
  const fd = openSync(path, 'r');
  forEachJournalLine(fd, (line) => {
    const r = JSON.parse(line.toString('utf8')) as CompleteRecord;
    entries.set(r.id, entryOfComplete(r));
  });
  closeSync(fd);
  return entries;
}

/** Heap plus array buffers per id of the entry Map (dropped again before this returns). */
function entryMapBytesPerId(path: string): number {
  const mapBase = memory();
  const entries = asEntryMap(path);
  const bytesPerId = (memory() - mapBase) / IDS;
  if (entries.size !== IDS) throw new Error('map incomplete');
  return bytesPerId;
}

/** Notifications as the check sends them, with fresh ids. */
let freshCount = 0;
function freshBatch(size: number): Notification[] {
  return Array.from({ length: size }, () => ({
    id: `fresh${freshCount++}`,
    appliance: 'hsm0001',
    address: '10.0.0.1',
    event: 'expiring' as const,
    observedAt: '2026-11-24T12:00:00Z',
  }));
}

const round1 = (ms: number) => Number(ms.toFixed(1));

/** Milliseconds spent inside intake callbacks so far (their journal writes and fsyncs). */
let intakeMs = 0;

/** What a stall probe found over one measured span. */
interface Stall {
  /** Longest gap between ticks of a 1 ms interval, beyond its 1 ms, less the intake's own time in that gap. */
  readonly ms: number;
  /** The same gap with the intake's time in it. */
  readonly rawMs: number;
  /** `monitorEventLoopDelay`'s maximum (intake included). */
  readonly histogramMs: number;
  /** The most main-thread CPU time spent within one gap (what other processes cannot lengthen). */
  readonly cpuMs: number;
  /** The longest single intake callback (a batch, its two fsyncs included). */
  readonly intakeMs: number;
}

/**
 * The event loop's stalls: every gap between the ticks of a 1 ms interval. The intake beside the
 * compaction fsyncs each batch on the loop, as the gateway does, and on a shared disk one fsync can take a
 * long while whether or not a compaction runs: the time spent in the intake's callbacks is taken out of
 * each gap (and reported apart), so the figure is what the compaction held the loop for.
 */
function stallProbe(): { stop: () => Omit<Stall, 'intakeMs'> } {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let last = performance.now();
  let lastCpu = process.threadCpuUsage();
  let lastIntake = intakeMs;
  const found = { ms: 0, rawMs: 0, cpuMs: 0 };
  const tick = () => {
    const t = performance.now();
    const cpu = process.threadCpuUsage(lastCpu);
    const gap = t - last - 1;
    found.rawMs = Math.max(found.rawMs, gap);
    found.ms = Math.max(found.ms, gap - (intakeMs - lastIntake));
    found.cpuMs = Math.max(found.cpuMs, (cpu.user + cpu.system) / 1000);
    last = t;
    lastIntake = intakeMs;
    lastCpu = process.threadCpuUsage();
  };
  const timer = setInterval(tick, 1);
  return {
    stop: () => {
      clearInterval(timer);
      tick();
      histogram.disable();
      return { ...found, histogramMs: histogram.max / 1e6 };
    },
  };
}

/**
 * Runs `compaction` with intake beside it; returns the longest stall, the compaction's seconds and the ids
 * taken meanwhile (each checked afterwards to be remembered as completed).
 */
async function underIntake(journal: DeliveryJournal, compaction: () => Promise<unknown>) {
  const taken: string[] = [];
  let longestIntake = 0;
  const intake = setInterval(() => {
    const started = performance.now();
    const batch = freshBatch(10);
    journal.accept(batch, Date.now());
    for (const n of batch) {
      journal.recordHost(n.id, 'nms1', { ok: true });
      journal.complete(n.id, 'ok');
      taken.push(n.id);
    }
    journal.sync();
    const spent = performance.now() - started;
    intakeMs += spent;
    longestIntake = Math.max(longestIntake, spent);
  }, 10);
  await sleep(500);
  const probe = stallProbe();
  longestIntake = 0;
  const started = performance.now();
  const before = taken.length;
  await compaction();
  const seconds = (performance.now() - started) / 1000;
  const stall: Stall = { ...probe.stop(), intakeMs: longestIntake };
  clearInterval(intake);
  for (const id of taken) if (journal.get(id)?.done !== true) throw new Error(`${id} lost by the compaction`);
  return { stall, seconds, takenDuring: taken.length - before };
}

const dir = mkdtempSync(join(tmpdir(), 'certmonitor-bench-journal-'));
try {
  const now = Date.now();
  const path = join(dir, 'journal.jsonl');
  writeJournal(path, now - DAY);
  const fileMb = statSync(path).size / 2 ** 20;

  const base = memory();
  const started = performance.now();
  const journal = DeliveryJournal.open(dir, 7 * DAY, now);
  const openSeconds = (performance.now() - started) / 1000;
  const indexBytesPerId = (memory() - base) / IDS;
  if (journal.size !== IDS) throw new Error(`journal holds ${journal.size} ids, expected ${IDS}`);

  const lookupStart = performance.now();
  for (let k = 0; k < LOOKUPS; k++) {
    const id = idOf((k * 7919) % IDS);
    if (journal.get(id)?.id !== id) throw new Error(`lookup of ${id} failed`);
  }
  const lookupsPerSecond = LOOKUPS / ((performance.now() - lookupStart) / 1000);

  // Before the compactions, while the file holds the 1,000,000 ids alone.
  const mapBytesPerId = entryMapBytesPerId(path);
  // Collected now: the half gigabyte the Map leaves would otherwise be collected during a compaction below.
  memory();

  const scheduler = new CompactionScheduler({ journal, writer: { lifecycle: () => undefined } });
  const stepped = await underIntake(journal, () => scheduler.run());
  // The control: the same intake for as long with no compaction; on a shared machine other processes alone
  // make stalls of some size.
  const control = await underIntake(journal, () => sleep(stepped.seconds * 1000));
  const oneGo = await underIntake(journal, async () => {
    // The rewrite in one go, from a timer, as the response hook ran it before.
    await new Promise<void>((resolve) => setTimeout(() => resolve(journal.compact(Date.now())), 0));
  });
  if (journal.size !== IDS + freshCount) throw new Error(`journal holds ${journal.size} ids after the compactions`);
  journal.close();

  const result = {
    ids: IDS,
    journalMb: Number(fileMb.toFixed(1)),
    indexBytesPerId: Number(indexBytesPerId.toFixed(1)),
    entryMapBytesPerId: Number(mapBytesPerId.toFixed(1)),
    vsEntryMap: Number((mapBytesPerId / indexBytesPerId).toFixed(1)),
    openSeconds: Number(openSeconds.toFixed(2)),
    duplicateLookupsPerSecond: Math.round(lookupsPerSecond),
    compactionStallMs: round1(stepped.stall.ms),
    compactionStallRawMs: round1(stepped.stall.rawMs),
    compactionLoopDelayMaxMs: round1(stepped.stall.histogramMs),
    compactionStallCpuMs: round1(stepped.stall.cpuMs),
    compactionLongestIntakeMs: round1(stepped.stall.intakeMs),
    compactionSeconds: Number(stepped.seconds.toFixed(2)),
    idsTakenDuringCompaction: stepped.takenDuring,
    stallWithoutCompactionMs: round1(control.stall.ms),
    stallWithoutCompactionRawMs: round1(control.stall.rawMs),
    stallWithoutCompactionCpuMs: round1(control.stall.cpuMs),
    longestIntakeWithoutCompactionMs: round1(control.stall.intakeMs),
    oneGoCompactionStallMs: round1(oneGo.stall.ms),
    oneGoCompactionStallCpuMs: round1(oneGo.stall.cpuMs),
    oneGoCompactionSeconds: Number(oneGo.seconds.toFixed(2)),
    vsOneGoCompaction: Number((oneGo.stall.ms / stepped.stall.ms).toFixed(1)),
    node: process.version,
  };
  console.log(JSON.stringify(result));
  writeFileSync(join(HERE, 'results/journal.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
