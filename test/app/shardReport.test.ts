import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ReportError } from '../../app/errors.ts';
import type { ReportStore } from '../../app/ports.ts';
import { assembleIfComplete, dispatchReport, type ShardPart, writeShardPart } from '../../app/shardReport.ts';
import { type FleetStatus, fleetEntry } from '../../core/fleetReport.ts';

/** A report folder in memory that counts writes by name. */
class MemoryReports implements ReportStore {
  readonly reportDescription = 'memory/_report/';
  readonly files = new Map<string, string>();
  readonly writes: string[] = [];
  failWrites = false;
  async writeReportFile(name: string, body: string): Promise<void> {
    if (this.failWrites) throw new Error('disk full');
    this.writes.push(name);
    this.files.set(name, body);
  }
  async readReportFile(name: string): Promise<string | undefined> {
    return this.files.get(name);
  }
  report(): FleetStatus | undefined {
    const text = this.files.get('fleet-status.json');
    return text === undefined ? undefined : (JSON.parse(text) as FleetStatus);
  }
}

const T1 = '2026-11-24T12:00:00.000Z';
const T2 = '2026-11-24T13:00:00.000Z';

function part(time: string, shard: number, shards: number, names: readonly string[]): ShardPart {
  return {
    time,
    shard,
    shards,
    thresholdDays: 30,
    appliances: names.map((n) => fleetEntry(n, { status: 'missing', thresholdDays: 30 }, new Date(time))),
  };
}

describe('the report of a run split into shards', () => {
  test('each shard writes two files; the one that finishes last assembles every appliance once', async () => {
    const store = new MemoryReports();
    const shards = [
      ['c', 'f'],
      ['a', 'd'],
      ['b', 'e'],
    ];
    for (const [shard, names] of [2, 0, 1].map((s) => [s, shards[s]!] as const)) {
      store.writes.length = 0;
      await writeShardPart(store, part(T1, shard, 3, names));
      assert.deepEqual(store.writes, [`parts/3-${shard}.json`, `parts/3-${shard}.time`]);
      const done = await assembleIfComplete(store, T1, 3, shard);
      assert.equal(done, shard === 1, `shard ${shard} finished ${shard === 1 ? 'last' : 'early'}`);
    }
    assert.deepEqual(
      store.report()?.appliances.map((a) => a.appliance),
      ['a', 'b', 'c', 'd', 'e', 'f'],
    );
    assert.equal(store.report()?.time, T1);
    assert.ok(store.files.get('index.html')?.includes('<table id="fleet">'));
  });

  test("a part left by an earlier run is not this run's: no report until every shard wrote this run's", async () => {
    const store = new MemoryReports();
    await writeShardPart(store, part(T1, 0, 2, ['a']));
    await writeShardPart(store, part(T1, 1, 2, ['b']));
    await writeShardPart(store, part(T2, 0, 2, ['a']));
    assert.equal(await assembleIfComplete(store, T2, 2, 0), false);
    await writeShardPart(store, part(T2, 1, 2, ['b']));
    assert.equal(await assembleIfComplete(store, T2, 2, 1), true);
    assert.equal(store.report()?.time, T2);
  });

  test('the next dispatching run assembles a run whose last shard could not, then records itself', async () => {
    const store = new MemoryReports();
    assert.equal(await dispatchReport(store, T1, 2), false, 'nothing dispatched before');
    await writeShardPart(store, part(T1, 0, 2, ['a']));
    await writeShardPart(store, part(T1, 1, 2, ['b']));
    // (the last shard's assembly failed here)
    assert.equal(store.report(), undefined);
    assert.equal(await dispatchReport(store, T2, 2), true);
    assert.equal(store.report()?.time, T1);
    assert.deepEqual(JSON.parse(store.files.get('parts/dispatched.json') ?? ''), { time: T2, shards: 2 });
    // Assembled already: the run after does not assemble it again.
    store.writes.length = 0;
    assert.equal(await dispatchReport(store, '2026-11-24T14:00:00.000Z', 2), false);
    assert.deepEqual(store.writes, ['parts/dispatched.json']);
  });

  test('a failure names the step and is a ReportError', async () => {
    const store = new MemoryReports();
    store.failWrites = true;
    await assert.rejects(writeShardPart(store, part(T1, 0, 1, ['a'])), (error: unknown) => {
      assert.ok(error instanceof ReportError);
      assert.equal(error.code, 'CM_ERR_REPORT');
      assert.match(error.message, /shard part/);
      return true;
    });
    store.failWrites = false;
    store.files.set('parts/1-0.time', T1);
    store.files.set('parts/1-0.json', '{"time": "nonsense"');
    await assert.rejects(assembleIfComplete(store, T1, 1), /not JSON/);
  });
});
