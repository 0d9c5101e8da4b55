import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplayCache } from '../../../gateway/http/replayCache.ts';

describe('ReplayCache', () => {
  it('refuses a signature seen within its lifetime and accepts it after', () => {
    const c = new ReplayCache(1000, 10);
    assert.equal(c.checkAndRemember('s', 0), true);
    assert.equal(c.checkAndRemember('s', 999), false);
    assert.equal(c.checkAndRemember('s', 1000), true);
  });

  it('stays bounded', () => {
    const c = new ReplayCache(1_000_000, 100);
    for (let i = 0; i < 10_000; i++) c.checkAndRemember(`s${i}`, i);
    assert.ok(c.size <= 100);
    assert.equal(c.checkAndRemember('s9999', 10_000), false);
  });
});
