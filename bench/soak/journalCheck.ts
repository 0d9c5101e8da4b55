/**
 * The gateway's journal file after the run (docs/gateway.md, Delivery guarantees): which ids it still
 * holds, whether any is older than the retention period or one of the pre-seeded ids, and how many bytes a
 * compacted record takes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the journal file holds. */
export interface JournalFileCheck {
  readonly bytes: number;
  readonly lines: number;
  readonly distinctIds: number;
  /** Ids accepted before the retention cut-off (a compaction would have dropped them). */
  readonly olderThanRetention: number;
  /** Pre-seeded ids still present. */
  readonly seededIds: number;
  /** Compacted records (one per remembered id, written by the last compaction) and their mean size. */
  readonly compactedRecords: number;
  readonly bytesPerCompactedRecord: number;
}

/** Reads `stateDir`/journal.jsonl; `seedPrefix` names the seeded ids' appliances. */
export function checkJournalFile(stateDir: string, retentionMs: number, seedPrefix: string): JournalFileCheck {
  const path = join(stateDir, 'journal.jsonl');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const cutoff = Date.now() - retentionMs;
  const ids = new Set<string>();
  const old = new Set<string>();
  let lines = 0;
  let compacted = 0;
  let compactedBytes = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    lines++;
    let r: { t?: string; id?: string; at?: number };
    try {
      r = JSON.parse(line) as typeof r;
    } catch {
      continue;
    }
    if (typeof r.id !== 'string') continue;
    ids.add(r.id);
    if (typeof r.at === 'number' && r.at < cutoff) old.add(r.id);
    if (r.t === 'c') {
      compacted++;
      compactedBytes += Buffer.byteLength(line) + 1;
    }
  }
  return {
    bytes: Buffer.byteLength(text),
    lines,
    distinctIds: ids.size,
    olderThanRetention: old.size,
    seededIds: [...ids].filter((id) => id.startsWith(seedPrefix)).length,
    compactedRecords: compacted,
    bytesPerCompactedRecord: compacted > 0 ? Math.round(compactedBytes / compacted) : 0,
  };
}
