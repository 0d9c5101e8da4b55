import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { counted, NO_COUNTS, type RunEvent } from '../../app/runCounts.ts';

const tally = (events: readonly RunEvent[]) => events.reduce(counted, NO_COUNTS);

describe('runCounts', () => {
  test('each event changes its own count, and the counts of no run stay at zero', () => {
    const counts = tally([
      { kind: 'started' },
      { kind: 'evaluated', status: 'expiring' },
      { kind: 'due', delivery: 'sent' },
      { kind: 'due', delivery: 'partial' },
      { kind: 'due', delivery: 'failed' },
      { kind: 'retry', complete: true },
      { kind: 'retry', complete: false },
      { kind: 'started' },
      { kind: 'failed' },
      { kind: 'wouldSend' },
      { kind: 'failover' },
    ]);
    assert.equal(counts.appliances, 2);
    assert.equal(counts.byStatus.expiring, 1);
    assert.equal(counts.byStatus.valid, 0);
    // A partial delivery is sent (some trap host acknowledged) and counted as partial too.
    assert.deepEqual([counts.sent, counts.partial, counts.failed], [2, 1, 1]);
    assert.deepEqual([counts.retried, counts.owed], [1, 1]);
    assert.deepEqual([counts.errors, counts.wouldSend, counts.failovers], [1, 1, 1]);
    assert.equal(NO_COUNTS.appliances, 0);
    assert.equal(NO_COUNTS.byStatus.expiring, 0);
  });

  test('deliveries add up by gateway, in the order the gateways first delivered', () => {
    const counts = tally([
      { kind: 'delivered', gateway: 'https://gw2.example', count: 3 },
      { kind: 'delivered', gateway: 'https://gw1.example', count: 1 },
      { kind: 'delivered', gateway: 'https://gw2.example', count: 2 },
    ]);
    assert.deepEqual(Object.entries(counts.deliveredBy), [
      ['https://gw2.example', 5],
      ['https://gw1.example', 1],
    ]);
  });
});
