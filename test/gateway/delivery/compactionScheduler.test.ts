/** The one compaction scheduler: one compaction at a time, on growth and on the clock, failures reported. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CompactableJournal,
  CompactionScheduler,
  compactOrReport,
  RETRY_FIRST_MS,
  RETRY_MOST_MS,
} from '../../../gateway/delivery/compactionScheduler.ts';
import { DeliveryJournal } from '../../../gateway/delivery/deliveryJournal.ts';

type Line = [string, Readonly<Record<string, string | number>> | undefined];
const recorder = (lines: Line[]) => ({
  lifecycle: (key: string, params?: Readonly<Record<string, string | number>>) => void lines.push([key, params]),
});

/** A journal whose compactions end when the test says so; counts how many run at once. */
function fakeJournal() {
  const state = { due: false, calls: 0, running: 0, most: 0, finish: [] as ((ok: boolean) => void)[] };
  const journal: CompactableJournal = {
    get compactionDue() {
      return state.due;
    },
    compactInSteps: () => {
      state.calls++;
      state.running++;
      state.most = Math.max(state.most, state.running);
      return new Promise<boolean>((resolve) =>
        state.finish.push((ok) => {
          state.running--;
          resolve(ok);
        }),
      );
    },
  };
  return { journal, state };
}

describe('CompactionScheduler', () => {
  it('runs one compaction at a time: asking while one runs joins it, on growth or by the clock', async () => {
    const { journal, state } = fakeJournal();
    const s = new CompactionScheduler({ journal, writer: recorder([]), everyMs: 5, checkEveryMs: 2 });
    state.due = true;
    s.start();
    for (let waited = 0; state.calls === 0 && waited < 2000; waited += 5) await sleep(5);
    await sleep(40);
    // Both timers fire again and again meanwhile; one compaction was started.
    assert.equal(state.calls, 1);
    const joined = s.run();
    assert.equal(await s.runIfDue(), false);
    state.finish.shift()!(true);
    assert.equal(await joined, true);
    assert.equal(state.most, 1);
    state.due = false;
    await sleep(3);
    const calls = state.calls;
    assert.equal(await s.runIfDue(), false);
    assert.equal(state.calls, calls);
    const stopped = s.stop();
    for (const finish of state.finish.splice(0)) finish(true);
    await stopped;
    const after = state.calls;
    await sleep(20);
    assert.equal(state.calls, after, 'no compaction after stop');
    assert.equal(state.most, 1);
  });

  it('after a failure a compaction on growth waits, the wait doubling up to an hour; a success ends it', async () => {
    let now = 1_000_000;
    let fail = true;
    let calls = 0;
    const journal: CompactableJournal = {
      compactionDue: true,
      compactInSteps: async () => {
        calls++;
        if (fail) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
        return true;
      },
    };
    const lines: Line[] = [];
    const s = new CompactionScheduler({ journal, writer: recorder(lines), clock: () => now });
    assert.equal(await s.runIfDue(), false);
    assert.equal(calls, 1);
    for (const [wait, tried] of [
      [RETRY_FIRST_MS - 1, 1],
      [1, 2],
      [2 * RETRY_FIRST_MS - 1, 2],
      [1, 3],
    ] as const) {
      now += wait;
      await s.runIfDue();
      assert.equal(calls, tried, `after ${wait} ms more`);
    }
    assert.equal(lines.length, 3, 'one failure line per attempt, not one a second');
    // The hourly run does not wait; once it succeeds, growth is looked at every check again.
    fail = false;
    assert.equal(await s.run(), true);
    now += 1;
    assert.equal(await s.runIfDue(), true);
    // The wait never exceeds an hour.
    fail = true;
    for (let i = 0; i < 12; i++) {
      now += RETRY_MOST_MS;
      await s.runIfDue();
    }
    assert.equal(calls, 5 + 12);
  });

  it('a compaction on growth starts once the journal says it is due', async () => {
    const { journal, state } = fakeJournal();
    const s = new CompactionScheduler({ journal, writer: recorder([]), everyMs: 3_600_000, checkEveryMs: 2 });
    s.start();
    await sleep(20);
    assert.equal(state.calls, 0);
    state.due = true;
    for (let waited = 0; state.calls === 0 && waited < 2000; waited += 5) await sleep(5);
    assert.equal(state.calls, 1);
    state.finish.shift()!(true);
    await s.stop();
  });

  it('a compaction that fails is reported by its code and the gateway keeps its journal in use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certmonitor-compact-'));
    const journal = DeliveryJournal.open(dir, 86_400_000, Date.now());
    const lines: Line[] = [];
    const writer = recorder(lines);
    assert.equal(await compactOrReport(journal, writer, Date.now()), true);
    assert.deepEqual(lines, []);
    rmSync(dir, { recursive: true, force: true }); // the directory vanishes: the rewrite cannot be created
    assert.equal(await compactOrReport(journal, writer, Date.now()), false);
    assert.deepEqual(lines, [['journalCompactionFailed', { reason: 'ENOENT' }]]);
    // Still in use: an id accepted now is remembered.
    journal.accept(
      [{ id: 'x', appliance: 'a', address: '10.0.0.1', event: 'expiring', observedAt: '2026-11-24T12:00:00Z' }],
      Date.now(),
    );
    journal.complete('x', 'ok');
    assert.equal(journal.get('x')?.done, true);
    journal.close();
  });

  it('through the scheduler, a real journal is compacted in slices, and asking again meanwhile gives the same compaction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certmonitor-compact-'));
    try {
      const journal = DeliveryJournal.open(dir, 86_400_000, Date.now());
      const ids = Array.from({ length: 20_000 }, (_, i) => `id${i}`);
      journal.accept(
        ids.map((id) => ({
          id,
          appliance: 'a',
          address: '10.0.0.1',
          event: 'expiring',
          observedAt: '2026-11-24T12:00:00Z',
        })),
        Date.now(),
      );
      for (const id of ids) journal.complete(id, 'ok');
      const s = new CompactionScheduler({ journal, writer: recorder([]) });
      const running = s.run();
      assert.equal(journal.compacting, true);
      assert.equal(s.run(), running);
      assert.equal(await running, true);
      assert.equal(journal.compacting, false);
      assert.equal(journal.size, 20_000);
      await s.stop();
      journal.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
