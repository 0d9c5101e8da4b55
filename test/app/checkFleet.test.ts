import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dirStateLocation } from '../../adapters/createStateStore.ts';
import { DirSource } from '../../adapters/dir/dirSource.ts';
import { type CheckFleetInput, checkFleet } from '../../app/checkFleet.ts';
import type { DeliveryResult, LogSink, NotificationForwarder } from '../../app/ports.ts';
import type { LogEntry } from '../../core/types.ts';
import { makeDemoFleet } from '../../examples/demoFleet.ts';
import type { Notification } from '../../protocol/notification.ts';

const T0 = new Date('2026-11-24T12:00:00Z');

let root: string;
before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'certmonitor-checkfleet-'));
  await makeDemoFleet(path.join(root, 'fleet'), T0);
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

class Lines implements LogSink {
  readonly keys: string[] = [];
  write(entry: LogEntry) {
    this.keys.push(entry.key);
  }
}

const delivering: NotificationForwarder = {
  description: 'delivering',
  forward: async (batch: readonly Notification[]): Promise<DeliveryResult[]> =>
    batch.map((n) => ({ id: n.id, delivered: true, traps: [{ host: '192.0.2.1:162', ok: true }] })),
};

function input(stateDir: string, overrides: Partial<CheckFleetInput> = {}): CheckFleetInput {
  return {
    source: new DirSource(path.join(root, 'fleet')),
    state: dirStateLocation(path.join(root, stateDir)),
    forwarder: delivering,
    log: new Lines(),
    settings: { thresholdDays: 30, repeatHours: 24 },
    now: T0,
    announce: true,
    ...overrides,
  };
}

describe('checkFleet', () => {
  test('start lines, the run, the report from its own views, and the verdict', async () => {
    const log = new Lines();
    const phases: string[] = [];
    const result = await checkFleet(
      input('state', {
        log,
        beforeRun: async () => void phases.push(`before:${log.keys.length}`),
        afterRun: () => void phases.push('after'),
      }),
    );
    assert.deepEqual(log.keys.slice(0, 2), ['started', 'configured']);
    assert.deepEqual(phases, ['before:2', 'after']);
    assert.equal(result.report.kind, 'written');
    assert.equal(result.report.kind === 'written' && result.report.appliances, result.summary.appliances);
    assert.equal(result.views.size, result.summary.appliances);
    const report = JSON.parse(await readFile(path.join(root, 'state', '_report', 'fleet-status.json'), 'utf8')) as {
      appliances: unknown[];
    };
    assert.equal(report.appliances.length, result.summary.appliances);
    // Every due notification delivered, every source read, a sound inventory: nothing undone, nothing to fix.
    assert.equal(result.verdict.incomplete, undefined);
    assert.deepEqual(result.verdict.attention, []);
  });

  test('a what-if run writes no state and no report; a cold-started Lambda announces, a warm one does not', async () => {
    const log = new Lines();
    const result = await checkFleet(input('state-dry', { log, dryRun: true, announce: false }));
    assert.deepEqual(result.report, { kind: 'skipped', reason: 'dry-run' });
    assert.equal(result.views.size, 0);
    assert.ok(!log.keys.includes('started'));
    assert.ok(result.summary.wouldSend !== undefined && result.summary.wouldSend > 0);
    await assert.rejects(readdir(path.join(root, 'state-dry')));
  });

  test('a run that stopped early leaves the report as it was and is incomplete', async () => {
    const result = await checkFleet(input('state-stopped', { shouldStop: () => true }));
    assert.equal(result.summary.stopped, true);
    assert.deepEqual(result.report, { kind: 'skipped', reason: 'stopped' });
    assert.equal(result.verdict.incomplete, 'the run stopped before the end of the fleet');
  });

  test('a run that evaluated no appliance fails with EmptyRunError naming the source, and writes no report', async () => {
    const emptyFleet = path.join(root, 'empty-fleet');
    await mkdir(emptyFleet);
    const result = await checkFleet(input('state-empty', { source: new DirSource(emptyFleet) }));
    assert.equal(result.summary.appliances, 0);
    assert.equal(result.verdict.empty?.code, 'CM_ERR_EMPTY_RUN');
    assert.match(
      result.verdict.empty?.message ?? '',
      /^no appliance was evaluated: dir:\/\S+\/empty-fleet holds no certificate/,
    );
    // An empty page would replace the report that last showed the fleet.
    assert.deepEqual(result.report, { kind: 'skipped', reason: 'empty' });
    await assert.rejects(readdir(path.join(root, 'state-empty', '_report')));
    // Declared empty: the run succeeds and its report says there is nothing.
    const meant = await checkFleet(input('state-meant', { source: new DirSource(emptyFleet), allowEmpty: true }));
    assert.equal(meant.verdict.empty, undefined);
    assert.deepEqual(meant.report.kind, 'written');
    // A shard left empty by a small fleet is no failure: the scheduled invocation answers for the fleet.
    const shard = await checkFleet(
      input('state-shard', { source: new DirSource(emptyFleet), shard: { shard: 0, shards: 2 } }),
    );
    assert.equal(shard.verdict.empty, undefined);
  });

  test('an inventory whose appliances have no certificate is not empty: they are evaluated as missing', async () => {
    const inventoryOnly = path.join(root, 'inventory-only');
    await mkdir(inventoryOnly);
    await writeFile(path.join(inventoryOnly, 'fleet.json'), JSON.stringify({ appliances: { hsm01: {}, hsm02: {} } }));
    const result = await checkFleet(input('state-inventory-only', { source: new DirSource(inventoryOnly) }));
    assert.equal(result.summary.byStatus.missing, 2);
    assert.equal(result.verdict.empty, undefined);
  });

  test('without a gateway, the notifications due are counted as not forwarded', async () => {
    const result = await checkFleet(input('state-no-gateway', { forwarder: undefined }));
    assert.ok(result.summary.notForwarded !== undefined && result.summary.notForwarded > 0);
    assert.deepEqual(result.summary.notifications, { sent: 0, failed: 0 });
    // Evaluate-only is legitimate: nothing is undone, nothing to fix.
    assert.equal(result.verdict.incomplete, undefined);
    // With a gateway the count is not there: what was due was forwarded.
    const forwarded = await checkFleet(input('state-with-gateway'));
    assert.equal(forwarded.summary.notForwarded, undefined);
  });
});
