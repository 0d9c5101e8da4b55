import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucketLimiter } from '../../../gateway/http/tokenBucketLimiter.ts';

describe('TokenBucketLimiter', () => {
  it('allows the burst, then refills at the rate, per key', () => {
    const l = new TokenBucketLimiter(2, 3);
    assert.deepEqual(
      [0, 0, 0, 0].map(() => l.take('a', 0)),
      [true, true, true, false],
    );
    assert.equal(l.take('b', 0), true);
    assert.equal(l.take('a', 499), false);
    assert.equal(l.take('a', 500), true);
  });

  it('bounds the number of buckets', () => {
    const l = new TokenBucketLimiter(1, 1, 50);
    for (let i = 0; i < 1000; i++) l.take(`k${i}`, 0);
    assert.equal(l.take('k999', 0), false);
  });
});
