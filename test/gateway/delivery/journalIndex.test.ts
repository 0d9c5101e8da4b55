import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { digestOf, JournalIndex } from '../../../gateway/delivery/journalIndex.ts';

describe('JournalIndex', () => {
  it('declares a fixed slot well under 100 bytes: 16-byte digest, seconds, offset, length', () => {
    assert.equal(JournalIndex.BYTES_PER_SLOT, 32);
    assert.equal(digestOf('hsm01:8B3B5CD9:expiring:2026-11-24T12').length, 4);
  });

  it('finds every id it was given, updates in place, and grows past its load limit at under 100 bytes per id', () => {
    const index = new JournalIndex();
    const N = 200_000;
    for (let i = 0; i < N; i++) index.set(digestOf(`id${i}`), i, i * 100, 90);
    assert.equal(index.size, N);
    assert.equal(index.capacity & (index.capacity - 1), 0, 'a power of two');
    assert.ok(index.size <= index.capacity * 0.7);
    assert.ok(index.byteLength / index.size < 100, `${index.byteLength / index.size} bytes per id`);
    for (const i of [0, 1, 4242, N - 1]) {
      const slot = index.find(digestOf(`id${i}`));
      assert.deepEqual([index.atOf(slot), index.offsetOf(slot), index.lengthOf(slot)], [i, i * 100, 90]);
    }
    assert.equal(index.find(digestOf(`id${N}`)), -1);
    index.set(digestOf('id5'), 7, 2 ** 33, 120); // offsets beyond 4 GiB survive
    const slot = index.find(digestOf('id5'));
    assert.deepEqual([index.atOf(slot), index.offsetOf(slot), index.lengthOf(slot)], [7, 2 ** 33, 120]);
    assert.equal(index.size, N);
  });
});
