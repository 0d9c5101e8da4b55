/**
 * The gateway journal's memory with 1,000,000 remembered ids: heap plus array buffers per id once the
 * journal is open (compact index, docs/gateway.md, Journal), side by side in one run with the same ids held
 * as entry objects in a Map, as the journal did before. Also the open (load and compaction) time and the
 * rate of duplicate look-ups read back from the file.
 * Run: node --import tsx bench/journal.ts (writes bench/results/journal.json).
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DeliveryJournal } from '../gateway/delivery/deliveryJournal.ts';
import { forEachJournalLine } from '../gateway/delivery/journalLines.ts';
import { type CompleteRecord, entryOfComplete, type JournalEntry } from '../gateway/delivery/journalRecord.ts';

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
  journal.close();

  const mapBase = memory();
  const entries = asEntryMap(path);
  const mapBytesPerId = (memory() - mapBase) / IDS;
  if (entries.size !== IDS) throw new Error('map incomplete');

  const result = {
    ids: IDS,
    journalMb: Number(fileMb.toFixed(1)),
    indexBytesPerId: Number(indexBytesPerId.toFixed(1)),
    entryMapBytesPerId: Number(mapBytesPerId.toFixed(1)),
    vsEntryMap: Number((mapBytesPerId / indexBytesPerId).toFixed(1)),
    openSeconds: Number(openSeconds.toFixed(2)),
    duplicateLookupsPerSecond: Math.round(lookupsPerSecond),
    node: process.version,
  };
  console.log(JSON.stringify(result));
  writeFileSync(join(HERE, 'results/journal.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
