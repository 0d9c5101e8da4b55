/** The compaction's buffered writer: each line's offset, writes now or on the thread pool, in order. */
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FLUSH_BYTES, JournalWriter } from '../../../gateway/delivery/journalWriter.ts';

describe('JournalWriter', () => {
  it('gives each line its offset and writes only when told, now or on the thread pool, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certmonitor-writer-'));
    try {
      const path = join(dir, 'out');
      const fd = openSync(path, 'w');
      const w = new JournalWriter(fd);
      assert.equal(w.line(Buffer.from('one')), 0);
      assert.equal(w.line(Buffer.from('two')), 4);
      assert.equal(readFileSync(path, 'utf8'), '', 'nothing written before a flush');
      await w.flushInBackground();
      w.bytes(Buffer.from('copied\n'));
      assert.equal(w.line(Buffer.from('three')), 15);
      w.flush();
      assert.equal(w.full, false);
      const big = Buffer.alloc(FLUSH_BYTES, 'x');
      assert.equal(w.line(big), 21);
      assert.equal(w.full, true);
      await w.flushInBackground();
      assert.equal(w.full, false);
      assert.equal(w.offset, 21 + FLUSH_BYTES + 1);
      closeSync(fd);
      assert.equal(readFileSync(path, 'utf8'), `one\ntwo\ncopied\nthree\n${big.toString()}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
