/** The TCP/TLS sinks' buffer: one bound for waiting and unconfirmed lines, confirmation, replay order. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplayBuffer } from '../../../gateway/syslog/replayBuffer.ts';

/** Writes every waiting line and reports each as in the kernel; returns their end offsets. */
function writeAll(b: ReplayBuffer): number[] {
  const ends: number[] = [];
  for (let s = b.next(); s !== undefined; s = b.next()) {
    b.reachedKernel(s.end);
    ends.push(s.end);
  }
  return ends;
}

describe('ReplayBuffer', () => {
  it('bounds waiting and unconfirmed lines together, with one notice allowed past the bound', () => {
    const b = new ReplayBuffer(3);
    assert.equal(b.add('a\n'), true);
    assert.equal(b.add('b\n'), true);
    writeAll(b);
    assert.equal(b.add('c\n'), true);
    assert.equal(b.add('d\n'), false, 'two unconfirmed and one waiting fill a bound of 3');
    assert.equal(b.roomForNotice(), true);
    assert.equal(b.add('notice\n', true), true);
    assert.equal(b.roomForNotice(), false, 'one line past the bound at most');
    assert.deepEqual([b.waitingLines, b.unconfirmedLines], [2, 2]);
  });

  it('confirms a line only once the collector acknowledged it and replayMs has passed since', () => {
    const b = new ReplayBuffer(10);
    for (const l of ['one\n', 'two\n', 'three\n']) b.add(l);
    const ends = writeAll(b);
    b.acknowledged(ends[1]!, 1000); // the first two acknowledged at t=1000
    assert.equal(b.confirm(5999, 5000), 0, 'not yet replayMs after the acknowledgement');
    assert.equal(b.confirm(6000, 5000), 2);
    assert.equal(b.unconfirmedLines, 1);
    b.acknowledged(ends[2]! - 1, 2000); // the third only in part
    assert.equal(b.confirm(60_000, 5000), 0, 'a line acknowledged in part stays');
    assert.equal(b.unconfirmedLines, 1);
  });

  it('puts the unconfirmed lines back ahead of the waiting ones when the connection is lost', () => {
    const b = new ReplayBuffer(10);
    b.add('1\n');
    b.add('2\n');
    const ends = writeAll(b);
    b.acknowledged(ends[1]!, 0);
    b.add('3\n');
    assert.equal(b.requeue(), 2);
    assert.equal(b.confirm(1e9, 0), 0, 'acknowledgements of the lost connection no longer count');
    const again: string[] = [];
    for (let s = b.next(); s !== undefined; s = b.next()) again.push(s.line);
    assert.deepEqual(again, ['1\n', '2\n', '3\n']);
    assert.equal(b.handed, 0, 'offsets restart with the new connection');
  });

  it('confirms everything when the collector closed after reading to the end; discards on shutdown', () => {
    const b = new ReplayBuffer(10);
    b.add('x\n');
    writeAll(b);
    b.add('y\n');
    assert.equal(b.confirmAll(), 1);
    assert.equal(b.discardAll(), 1);
    assert.deepEqual([b.waitingLines, b.unconfirmedLines], [0, 0]);
  });
});
