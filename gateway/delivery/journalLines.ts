/**
 * Reads the journal file line by line in fixed-size chunks (docs/design.md, Delivery guarantees: the
 * journal's memory), so a journal of any size loads without ever being held whole in memory. A last line
 * without its newline is a write torn by a crash and is not passed on.
 */
import { readSync } from 'node:fs';

const CHUNK_BYTES = 1 << 20;

/** Calls `onLine` with each complete, non-empty line of the file behind `fd` and its byte offset. */
export function forEachJournalLine(
  fd: number,
  onLine: (line: Buffer, offset: number) => void,
  chunkBytes = CHUNK_BYTES,
): void {
  const chunk = Buffer.allocUnsafe(chunkBytes);
  let carry = Buffer.alloc(0);
  let carryOffset = 0; // file offset of carry[0]
  let position = 0;
  for (;;) {
    const n = readSync(fd, chunk, 0, chunkBytes, position);
    if (n === 0) return;
    position += n;
    const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
    let start = 0;
    for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
      if (nl > start) onLine(data.subarray(start, nl), carryOffset + start);
      start = nl + 1;
    }
    // Copied: `chunk` is reused by the next read.
    carry = Buffer.from(data.subarray(start));
    carryOffset += start;
  }
}
