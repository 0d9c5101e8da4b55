/**
 * The gateway journal's memory with 1,000,000 remembered ids: heap plus array buffers per id once the
 * journal is open (compact index, docs/gateway.md, Journal), side by side in one run with the same ids held
 * as entry objects in a Map, as the journal did before. Also the open (load and compaction) time and the
 * rate of duplicate look-ups read back from the file.
 * Then the longest event-loop stall while the running gateway's scheduler compacts those 1,000,000 ids,
 * with intake beside it (a batch of 10 fresh ids accepted, acknowledged and completed every 10 ms) and a
 * 1 ms interval probe, compared with the same rewrite done in one go, as the gateway did before, and with
 * the same intake for as long without any compaction (what the machine alone stalls).
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

/** Longest gap between the ticks of a 1 ms interval, beyond its 1 ms, and the loop-delay histogram's maximum. */
function stallProbe(): { stop: () => { probeMs: number; histogramMs: number } } {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const t = performance.now();
    longest = Math.max(longest, t - last - 1);
    last = t;
  }, 1);
  return {
    stop: () => {
      clearInterval(timer);
      histogram.disable();
      longest = Math.max(longest, performance.now() - last - 1);
      return { probeMs: longest, histogramMs: histogram.max / 1e6 };
    },
  };
}

/**
 * Runs `compaction` with intake beside it; returns the longest stall, the compaction's seconds and the ids
 * taken meanwhile (each checked afterwards to be remembered as completed).
 */
async function underIntake(journal: DeliveryJournal, compaction: () => Promise<unknown>) {
  const taken: string[] = [];
  const intake = setInterval(() => {
    const batch = freshBatch(10);
    journal.accept(batch, Date.now());
    for (const n of batch) {
      journal.recordHost(n.id, 'nms1', { ok: true });
      journal.complete(n.id, 'ok');
      taken.push(n.id);
    }
    journal.sync();
  }, 10);
  await sleep(500);
  const probe = stallProbe();
  const started = performance.now();
  const before = taken.length;
  await compaction();
  const seconds = (performance.now() - started) / 1000;
  const stall = probe.stop();
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
    compactionStallMs: Number(stepped.stall.probeMs.toFixed(1)),
    compactionLoopDelayMaxMs: Number(stepped.stall.histogramMs.toFixed(1)),
    compactionSeconds: Number(stepped.seconds.toFixed(2)),
    idsTakenDuringCompaction: stepped.takenDuring,
    stallWithoutCompactionMs: Number(control.stall.probeMs.toFixed(1)),
    oneGoCompactionStallMs: Number(oneGo.stall.probeMs.toFixed(1)),
    oneGoCompactionSeconds: Number(oneGo.seconds.toFixed(2)),
    vsOneGoCompaction: Number((oneGo.stall.probeMs / stepped.stall.probeMs).toFixed(1)),
    node: process.version,
  };
  console.log(JSON.stringify(result));
  writeFileSync(join(HERE, 'results/journal.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
