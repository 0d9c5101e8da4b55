/** The sinks' FIFO: order kept across compaction, prepend and partial heads. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineQueue } from '../../../gateway/syslog/lineQueue.ts';

describe('LineQueue', () => {
  it('keeps order across many removals (compaction), a prepend and a replaced head', () => {
    const q = new LineQueue<number>();
    for (let i = 0; i < 5000; i++) q.push(i);
    for (let i = 0; i < 3000; i++) assert.equal(q.shift(), i);
    assert.equal(q.length, 2000);
    q.prepend([-2, -1]);
    assert.equal(q.peek(), -2);
    q.replaceHead(-3);
    assert.equal(q.shift(), -3);
    assert.equal(q.shift(), -1);
    const rest = q.drain();
    assert.equal(rest.length, 2000);
    assert.equal(rest[0], 3000);
    assert.equal(rest.at(-1), 4999);
    assert.equal(q.length, 0);
    assert.equal(q.shift(), undefined);
  });
});
