import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type PacerClock, SendPacer } from '../../../gateway/snmp/sendPacer.ts';

/** A clock that only moves when told, recording each sleep (sleeps resolve at once). */
function fakeClock(start = 1000): PacerClock & { sleeps: number[]; advance(ms: number): void } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
}

describe('SendPacer', () => {
  it('does not wait at all when pacing is off (0 per second)', async () => {
    const clock = fakeClock();
    const pacer = new SendPacer(0, clock);
    for (let i = 0; i < 100; i++) await pacer.wait();
    assert.deepEqual(clock.sleeps, []);
  });

  it('spaces sends 1000 / maxPerSecond ms apart', async () => {
    const clock = fakeClock();
    const pacer = new SendPacer(10, clock);
    await Promise.all([pacer.wait(), pacer.wait(), pacer.wait()]);
    // The first goes at once; the others take the next slots, 100 ms apart, from the same instant.
    assert.deepEqual(clock.sleeps, [100, 200]);
  });

  it('gives a send after a quiet spell its slot at once', async () => {
    const clock = fakeClock();
    const pacer = new SendPacer(10, clock);
    await pacer.wait();
    clock.advance(5000);
    await pacer.wait();
    assert.deepEqual(clock.sleeps, []);
  });

  it('does not sleep for less than a millisecond, so fast rates are smoothed, not serialised', async () => {
    const clock = fakeClock();
    const pacer = new SendPacer(5000, clock);
    // 0.2 ms apart: the first five fit in the first millisecond.
    await Promise.all(Array.from({ length: 6 }, () => pacer.wait()));
    assert.deepEqual(clock.sleeps.length, 1);
    assert.ok(Math.abs((clock.sleeps[0] ?? 0) - 1) < 1e-9);
  });
});
