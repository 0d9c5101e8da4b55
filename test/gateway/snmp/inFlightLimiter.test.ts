import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InFlightLimiter } from '../../../gateway/snmp/inFlightLimiter.ts';

/** Lets every settled promise run its callbacks. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('InFlightLimiter', () => {
  it('lets up to its cap through at once and holds the rest', async () => {
    const limiter = new InFlightLimiter(2);
    const through: number[] = [];
    for (const i of [1, 2, 3, 4]) void limiter.acquire().then(() => through.push(i));
    await turn();
    assert.deepEqual(through, [1, 2]);
    assert.equal(limiter.active, 2);
    assert.equal(limiter.queued, 2);
  });

  it('lets the longest waiting send go at each release, first come first served', async () => {
    const limiter = new InFlightLimiter(1);
    const through: number[] = [];
    for (const i of [1, 2, 3]) void limiter.acquire().then(() => through.push(i));
    await turn();
    assert.deepEqual(through, [1]);
    limiter.release();
    await turn();
    assert.deepEqual(through, [1, 2]);
    limiter.release();
    await turn();
    assert.deepEqual(through, [1, 2, 3]);
    limiter.release();
    assert.equal(limiter.active, 0);
    assert.equal(limiter.queued, 0);
  });

  it('never has more than its cap in flight under churn', async () => {
    const limiter = new InFlightLimiter(3);
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        await limiter.acquire();
        inFlight++;
        most = Math.max(most, inFlight);
        await turn();
        inFlight--;
        limiter.release();
      }),
    );
    assert.equal(most, 3);
    assert.equal(limiter.active, 0);
  });

  it('a send arriving as a place is released does not overtake a waiting one, nor go past the cap', async () => {
    const limiter = new InFlightLimiter(1);
    await limiter.acquire();
    const order: string[] = [];
    const waiting = limiter.acquire().then(() => order.push('waiting'));
    limiter.release();
    // Arrives in the same tick, after the release: it must queue behind the one that waited.
    const late = limiter.acquire().then(() => order.push('late'));
    await waiting;
    assert.equal(limiter.active, 1, 'the cap holds');
    assert.equal(limiter.queued, 1);
    limiter.release();
    await late;
    assert.deepEqual(order, ['waiting', 'late']);
    limiter.release();
    assert.equal(limiter.active, 0);
  });
});
