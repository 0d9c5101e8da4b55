import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { dirStateLocation } from '../../../adapters/createStateStore.ts';
import { DirRecordStore, STALE_LOCK_MS } from '../../../adapters/dir/dirRecordStore.ts';
import { StateConflictError, StateStoreError } from '../../../app/errors.ts';
import type { RecordStore } from '../../../app/ports.ts';
import type { ApplianceState } from '../../../core/types.ts';

let root: string;
before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'certmonitor-dirstate-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

const S1: ApplianceState = {
  version: 1,
  alertActive: false,
  fingerprint: 'AA:BB',
  notAfter: '2027-01-01T00:00:00.000Z',
};
const S2: ApplianceState = { ...S1, alertActive: true, lastAlertAt: '2026-12-01T00:00:00.000Z' };

test('absent, create, read back, update with the version read', async () => {
  const store = dirStateLocation(path.join(root, 'a'));
  assert.deepEqual(await store.load('hsm01'), {});
  await store.save('hsm01', S1, undefined);
  const loaded = await store.load('hsm01');
  assert.deepEqual(loaded.state, S1);
  assert.equal(typeof loaded.version, 'string');
  await store.save('hsm01', S2, loaded.version);
  const again = await store.load('hsm01');
  assert.deepEqual(again.state, S2);
  assert.notEqual(again.version, loaded.version);
  assert.deepEqual(JSON.parse(await readFile(path.join(root, 'a', 'hsm01.json'), 'utf8')), S2);
  assert.deepEqual((await readdir(path.join(root, 'a'))).sort(), ['hsm01.json'], 'no temp or lock file left');
});

test('the fleet-level inventory report lives in _inventory.json, written conditionally', async () => {
  const dir = path.join(root, 'inventory');
  const store = dirStateLocation(dir);
  assert.deepEqual(await store.loadInventoryReport(), {});
  const report = { problem: 'fleet.json: not valid JSON at line 1, column 2: property name expected', reportedAt: 'x' };
  await store.saveInventoryReport(report, undefined);
  const loaded = await store.loadInventoryReport();
  assert.deepEqual(loaded.report, report);
  await assert.rejects(store.saveInventoryReport(undefined, undefined), StateConflictError);
  await store.saveInventoryReport(undefined, loaded.version);
  assert.equal((await store.loadInventoryReport()).report, undefined);
  assert.deepEqual(await readdir(dir), ['_inventory.json']);
  await writeFile(path.join(dir, '_inventory.json'), 'not json');
  const garbled = await store.loadInventoryReport();
  assert.equal(garbled.report, undefined, 'an unreadable record reads as nothing reported');
  assert.ok(garbled.version);
});

test('the fleet-level trap host record lives in _trapHosts.json, written conditionally, skipped by the listing', async () => {
  const dir = path.join(root, 'traphosts');
  const store = dirStateLocation(dir);
  assert.deepEqual(await store.loadTrapHostReport(), { report: { hosts: {} } });
  const at = '2026-11-24T12:00:00.000Z';
  const report = { hosts: { 'nms-b:1162': { failingSince: at, lastFailedAt: at } } };
  await store.saveTrapHostReport(report, undefined);
  const loaded = await store.loadTrapHostReport();
  assert.deepEqual(loaded.report, report);
  await assert.rejects(store.saveTrapHostReport({ hosts: {} }, undefined), StateConflictError);
  await store.saveTrapHostReport({ hosts: {} }, loaded.version);
  assert.deepEqual((await store.loadTrapHostReport()).report, { hosts: {} });
  await store.save('hsm01', S1, undefined);
  const names: string[] = [];
  for await (const name of store.list()) names.push(name);
  assert.deepEqual(names, ['hsm01']);
  await writeFile(path.join(dir, '_trapHosts.json'), '{"hosts": {"ok": {"failingSince": "yesterday"}}}');
  const garbled = await store.loadTrapHostReport();
  assert.deepEqual(garbled.report, { hosts: {} }, 'a malformed entry reads as no host failing');
  assert.ok(garbled.version, 'with the version needed to replace it');
});

test('two writers from the same version: the second gets StateConflictError and the first update stays', async () => {
  const dir = path.join(root, 'b');
  const first = dirStateLocation(dir);
  const second = dirStateLocation(dir);
  await first.save('hsm01', S1, undefined);
  const seenByFirst = await first.load('hsm01');
  const seenBySecond = await second.load('hsm01');
  await first.save('hsm01', S2, seenByFirst.version);
  await assert.rejects(second.save('hsm01', { ...S1, fingerprint: 'CC:DD' }, seenBySecond.version), StateConflictError);
  assert.deepEqual((await first.load('hsm01')).state, S2);
  // Creating a record that someone else created meanwhile is a conflict too.
  await assert.rejects(second.save('hsm01', S1, undefined), StateConflictError);
});

test('many concurrent writers from one version: exactly one wins', async () => {
  const dir = path.join(root, 'c');
  const stores = Array.from({ length: 12 }, () => dirStateLocation(dir));
  await stores[0]!.save('hsm01', S1, undefined);
  const { version } = await stores[0]!.load('hsm01');
  const results = await Promise.allSettled(
    stores.map((store, i) => store.save('hsm01', { ...S1, fingerprint: `F${i}` }, version)),
  );
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  for (const r of results) {
    if (r.status === 'rejected') assert.ok(r.reason instanceof StateConflictError);
  }
});

test('a corrupt record is reported with a version, and can be replaced conditionally', async () => {
  const dir = path.join(root, 'd');
  const store = dirStateLocation(dir);
  await store.save('hsm01', S1, undefined);
  await writeFile(path.join(dir, 'hsm01.json'), '{"version":1,"alertAct');
  const loaded = await store.load('hsm01');
  assert.equal(loaded.corrupt, 'record is not JSON');
  assert.equal(loaded.state, undefined);
  await store.save('hsm01', S1, loaded.version);
  assert.deepEqual((await store.load('hsm01')).state, S1);

  await writeFile(path.join(dir, 'hsm01.json'), '{"version":2,"alertActive":false}');
  assert.equal((await store.load('hsm01')).corrupt, 'unsupported version');
  await writeFile(path.join(dir, 'hsm01.json'), '{"version":1,"alertActive":false,"lastAlertAt":"yesterday"}');
  assert.equal((await store.load('hsm01')).corrupt, 'lastAlertAt is not an ISO 8601 instant');
  await writeFile(path.join(dir, 'hsm01.json'), '[1,2]');
  assert.equal((await store.load('hsm01')).corrupt, 'not a JSON object');
});

test('a live lock is a conflict; a stale one left by a crashed run is taken over', async () => {
  const dir = path.join(root, 'e');
  const store = dirStateLocation(dir);
  await store.save('hsm01', S1, undefined);
  const { version } = await store.load('hsm01');
  const lock = path.join(dir, 'hsm01.json.lock');
  await writeFile(lock, '');
  await assert.rejects(store.save('hsm01', S2, version), StateConflictError);
  const old = new Date(Date.now() - STALE_LOCK_MS - 60_000);
  await utimes(lock, old, old);
  await store.save('hsm01', S2, version);
  assert.deepEqual((await store.load('hsm01')).state, S2);
});

test('appliance names are validated before use as a path', async () => {
  const store = dirStateLocation(path.join(root, 'f'));
  await assert.rejects(store.load('../escape'), StateStoreError);
  await assert.rejects(store.save('a/b', S1, undefined), StateStoreError);
});

test('lists the records only (no report folder, inventory record, temporary or lock file), and keeps report files', async () => {
  const dir = path.join(root, 'listing');
  const store = dirStateLocation(dir);
  const none: string[] = [];
  for await (const name of dirStateLocation(path.join(root, 'absent')).list()) none.push(name);
  assert.deepEqual(none, []);
  await store.save('hsm01', S1, undefined);
  await store.save('hsm.02', S1, undefined);
  // The fleet-level record of fleet.json's problems lives beside the appliances' records.
  await store.saveInventoryReport({ problem: 'fleet.json: x', reportedAt: '2026-11-24T12:00:00.000Z' }, undefined);
  await writeFile(path.join(dir, 'hsm03.json.lock'), '');
  await writeFile(path.join(dir, '.hsm04.json.1.abc.tmp'), '');
  await writeFile(path.join(dir, 'notes.txt'), '');
  await store.writeReportFile('index.html', '<p>report</p>', 'text/html');
  await store.writeReportFile('parts/1-0.json', '{}', 'application/json');
  const names: string[] = [];
  for await (const name of store.list()) names.push(name);
  assert.deepEqual(names.sort(), ['hsm.02', 'hsm01']);
  assert.equal(await readFile(path.join(dir, '_report', 'index.html'), 'utf8'), '<p>report</p>');
  assert.equal(await store.readReportFile('parts/1-0.json'), '{}');
  assert.equal(await store.readReportFile('fleet-status.json'), undefined);
  assert.equal(store.reportPath('index.html'), path.resolve(dir, '_report', 'index.html'));
  assert.deepEqual((await readdir(path.join(dir, '_report'))).sort(), ['index.html', 'parts']);
  await assert.rejects(store.writeReportFile('../../escape.html', 'x', 'text/html'), StateStoreError);
});

test('the record store itself: each write changes the version, even of the same bytes; a folder lists its files', async () => {
  const records: RecordStore = new DirRecordStore(path.join(root, 'records'));
  const bytes = new TextEncoder().encode('{}');
  await records.writeIf('_report/parts/a.json', bytes, undefined, 'application/json');
  const first = await records.read('_report/parts/a.json', 10);
  await records.writeIf('_report/parts/a.json', bytes, first?.version, 'application/json');
  const second = await records.read('_report/parts/a.json', 10);
  assert.deepEqual(second?.bytes, bytes);
  assert.notEqual(second?.version, first?.version);
  await assert.rejects(
    records.writeIf('_report/parts/a.json', bytes, first?.version, 'application/json'),
    StateConflictError,
  );
  const big = await records.read('_report/parts/a.json', 1);
  assert.equal(big?.bytes.length, 2, 'too large: a placeholder one byte over the limit');
  assert.equal(big?.version, second?.version);
  const keys: string[] = [];
  for await (const key of records.list('_report/parts/')) keys.push(key);
  assert.deepEqual(keys, ['_report/parts/a.json']);
  await assert.rejects(records.read('../x', 10), StateStoreError);
  await assert.rejects(records.read('.hidden', 10), StateStoreError);
});
