import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StateConflictError, StateStoreError } from '../../app/errors.ts';
import type { LoadedTrapHostReport, LogSink, StateStore } from '../../app/ports.ts';
import { reportTrapHosts } from '../../app/reportTrapHosts.ts';
import type { TrapHostReport } from '../../core/trapHostReport.ts';
import type { LogEntry } from '../../core/types.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-24T12:00:00Z');
const at = (hours: number) => new Date(T0 + hours * HOUR);

/** A store with only the trap host record; `beforeSave` lets a test play another shard writing first. */
class RecordStore implements Pick<StateStore, 'loadTrapHostReport' | 'saveTrapHostReport'> {
  record: { report: TrapHostReport; version: number } | undefined;
  saves = 0;
  beforeSave?: () => void;
  failLoad = false;
  failSave = false;
  async loadTrapHostReport(): Promise<LoadedTrapHostReport> {
    if (this.failLoad) throw new StateStoreError('state could not be read');
    return this.record
      ? { report: structuredClone(this.record.report), version: String(this.record.version) }
      : { report: { hosts: {} } };
  }
  async saveTrapHostReport(report: TrapHostReport, expected: string | undefined): Promise<void> {
    this.beforeSave?.();
    if (this.failSave) throw new StateStoreError('state could not be written');
    const current = this.record === undefined ? undefined : String(this.record.version);
    if (current !== expected) throw new StateConflictError('_trapHosts');
    this.saves++;
    this.record = { report: structuredClone(report), version: (this.record?.version ?? 0) + 1 };
  }
}

class Lines implements LogSink {
  readonly texts: string[] = [];
  write(entry: LogEntry) {
    this.texts.push(`${entry.key}${entry.appliance === undefined ? '' : ` ${entry.appliance}`}`);
  }
}

const failed = (...hosts: string[]) => ({ failed: new Set(hosts), ok: new Set<string>() });
const report = async (store: RecordStore, log: Lines, hours: number, evidence = failed('nms3')) =>
  reportTrapHosts(evidence, { state: store as unknown as StateStore, log, now: at(hours), repeatHours: 24 });

describe('reportTrapHosts', () => {
  test('records the streak, reports it once per H as a fleet-level line, and writes only on change', async () => {
    const store = new RecordStore();
    const log = new Lines();
    assert.equal(await report(store, log, 0), 0);
    assert.equal(await report(store, log, 0), 0);
    assert.equal(store.saves, 1, 'a second shard of the same run finds nothing to change');
    assert.equal(await report(store, log, 24), 1);
    assert.equal(await report(store, log, 25), 1);
    assert.deepEqual(log.texts, ['trapHostFailing']);
    assert.equal(await report(store, log, 26, { failed: new Set(), ok: new Set(['nms3']) }), 0);
    assert.deepEqual(log.texts, ['trapHostFailing', 'trapHostRecovered']);
    assert.deepEqual(store.record?.report, { hosts: {} });
  });

  test('two shards at once: the loser merges into the winner’s record and the line is written once', async () => {
    const store = new RecordStore();
    const log = new Lines();
    await report(store, log, 0);
    // Another shard of the run at 24 h records (and reports) nms3 just before this shard's conditional write.
    const since = at(0).toISOString();
    const now = at(24).toISOString();
    store.beforeSave = () => {
      store.beforeSave = undefined;
      const hosts = { nms3: { failingSince: since, lastFailedAt: now, reportedAt: now } };
      store.record = { report: { hosts }, version: (store.record?.version ?? 0) + 1 };
      log.texts.push('trapHostFailing (the other shard)');
    };
    assert.equal(await report(store, log, 24, failed('nms3', 'nms2')), 1);
    assert.deepEqual(log.texts, ['trapHostFailing (the other shard)']);
    assert.deepEqual(Object.keys(store.record?.report.hosts ?? {}), ['nms2', 'nms3'], 'both shards’ evidence is kept');
    assert.equal(store.record?.report.hosts.nms3?.reportedAt, now);
  });

  test('a record that cannot be read reports nothing; one that cannot be written still gets its lines', async () => {
    const store = new RecordStore();
    const log = new Lines();
    await report(store, log, 0);
    store.failLoad = true;
    assert.equal(await report(store, log, 24), 0);
    assert.deepEqual(log.texts, []);
    store.failLoad = false;
    store.failSave = true;
    assert.equal(await report(store, log, 24), 1);
    assert.deepEqual(log.texts, ['trapHostFailing']);
  });

  test('nothing seen, or a store without the record: nothing read, nothing written', async () => {
    const store = new RecordStore();
    const log = new Lines();
    assert.equal(await report(store, log, 0, { failed: new Set(), ok: new Set() }), 0);
    assert.equal(store.record, undefined);
    const bare = { description: 'bare' } as unknown as StateStore;
    assert.equal(await reportTrapHosts(failed('nms3'), { state: bare, log, now: at(0), repeatHours: 24 }), 0);
  });
});
