import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { forEachJournalLine } from '../../../gateway/delivery/journalLines.ts';

function linesOf(text: string, chunkBytes: number): Array<[string, number]> {
  const dir = mkdtempSync(join(tmpdir(), 'certmonitor-lines-'));
  try {
    writeFileSync(join(dir, 'f'), text);
    const fd = openSync(join(dir, 'f'), 'r');
    const got: Array<[string, number]> = [];
    forEachJournalLine(fd, (line, offset) => got.push([line.toString('utf8'), offset]), chunkBytes);
    closeSync(fd);
    return got;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('forEachJournalLine', () => {
  it('gives each line with its byte offset across chunk boundaries, multibyte text included', () => {
    const text = 'ab\n\ncdéf\nghijklmnop\nq\n';
    const expected: Array<[string, number]> = [
      ['ab', 0],
      ['cdéf', 4],
      ['ghijklmnop', 10],
      ['q', 21],
    ];
    for (const chunk of [1, 2, 3, 7, 1 << 20]) assert.deepEqual(linesOf(text, chunk), expected, `chunk ${chunk}`);
  });

  it('drops a torn last line (no newline)', () => {
    assert.deepEqual(linesOf('{"a":1}\n{"b":', 4), [['{"a":1}', 0]]);
    assert.deepEqual(linesOf('', 4), []);
  });
});
