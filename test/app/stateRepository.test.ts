/**
 * State written before the record port existed reads as it is, and is written back byte for byte: the
 * fixture in test/fixtures/state/dir is a state directory as main at 8b69082 wrote it (a demo fleet checked
 * over several runs with one trap host failing, a renewal, a broken inventory, a whole report and a
 * 2-shard run's parts); s3-keys.txt lists the keys the same code wrote to an S3 prefix.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { dirStateLocation, type StateLocation, s3StateLocation } from '../../adapters/createStateStore.ts';
import { createS3Client } from '../../adapters/s3/s3Client.ts';
import { S3RecordStore } from '../../adapters/s3/s3RecordStore.ts';
import { StateConflictError, StateStoreError } from '../../app/errors.ts';
import { ReportFolder } from '../../app/reportFolder.ts';
import { StateRepository } from '../../app/stateRepository.ts';
import { MemoryRecordStore } from '../helpers/memoryRecordStore.ts';
import { S3RVER_CREDENTIALS, type S3rverHandle, startS3rver } from '../helpers/s3rver.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/state/', import.meta.url));
const FIXTURE_DIR = path.join(FIXTURE, 'dir');
const APPLIANCES = ['hsm-ams-01', 'hsm-ams-02', 'hsm-fra-01', 'hsm-fra-02', 'hsm-lon-01', 'hsm-lon-02', 'hsm-par-01'];
const REPORT_FILES = [
  'fleet-status.json',
  'index.html',
  'parts/2-0.json',
  'parts/2-0.time',
  'parts/2-1.json',
  'parts/2-1.time',
  'parts/assembled.json',
  'parts/dispatched.json',
];
const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  json: 'application/json',
  time: 'text/plain; charset=utf-8',
};

/** Every file under `dir`, relative, `/`-separated, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

const fixtureText = (key: string) => readFile(path.join(FIXTURE_DIR, key), 'utf8');
const fixtureJson = async (key: string) => JSON.parse(await fixtureText(key));

async function listed(state: StateLocation): Promise<string[]> {
  const names: string[] = [];
  for await (const name of state.list()) names.push(name);
  return names.sort();
}

/** Reads everything through the repository and compares it with the fixture's files. */
async function assertReadsFixture(state: StateLocation): Promise<void> {
  assert.deepEqual(await listed(state), APPLIANCES);
  for (const appliance of APPLIANCES) {
    const loaded = await state.load(appliance);
    assert.equal(loaded.corrupt, undefined, appliance);
    assert.ok(loaded.version, appliance);
    assert.deepEqual(loaded.state, await fixtureJson(`${appliance}.json`), appliance);
  }
  const inventory = await state.loadInventoryReport();
  assert.deepEqual(inventory.report, await fixtureJson('_inventory.json'));
  assert.deepEqual((await state.loadTrapHostReport()).report, await fixtureJson('_trapHosts.json'));
  for (const name of REPORT_FILES) {
    assert.equal(await state.readReportFile(name), await fixtureText(`_report/${name}`), name);
  }
}

describe('a state directory written by main before the record port', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'certmonitor-fixture-'));
    await cp(FIXTURE_DIR, root, { recursive: true });
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('the S3 layout has the same keys as the directory layout', async () => {
    const s3Keys = (await readFile(path.join(FIXTURE, 's3-keys.txt'), 'utf8')).trim().split('\n');
    assert.deepEqual(s3Keys, await filesUnder(FIXTURE_DIR));
  });

  test('reads identically: every appliance record, the fleet records, the report and the parts', async () => {
    await assertReadsFixture(dirStateLocation(root));
  });

  test('writing what was read back gives the same bytes under the same keys, and nothing else', async () => {
    const state = dirStateLocation(root);
    for (const appliance of APPLIANCES) {
      const loaded = await state.load(appliance);
      await state.save(appliance, loaded.state!, loaded.version);
    }
    const inventory = await state.loadInventoryReport();
    await state.saveInventoryReport(inventory.report, inventory.version);
    const trapHosts = await state.loadTrapHostReport();
    await state.saveTrapHostReport(trapHosts.report, trapHosts.version);
    for (const name of REPORT_FILES) {
      const type = CONTENT_TYPES[name.split('.').pop()!]!;
      await state.writeReportFile(name, (await state.readReportFile(name))!, type);
    }
    const keys = await filesUnder(root);
    assert.deepEqual(keys, await filesUnder(FIXTURE_DIR));
    for (const key of keys) {
      const [written, original] = await Promise.all([
        readFile(path.join(root, key)),
        readFile(path.join(FIXTURE_DIR, key)),
      ]);
      assert.ok(written.equals(original), key);
    }
  });
});

describe('the same state through the S3 records (s3rver)', () => {
  let s3: S3rverHandle;
  let client: S3Client;
  let state: StateLocation;
  before(async () => {
    Object.assign(process.env, S3RVER_CREDENTIALS);
    s3 = await startS3rver(['fixture']);
    client = createS3Client({ env: { AWS_ENDPOINT_URL_S3: s3.endpoint } });
    state = s3StateLocation(new S3RecordStore(client, { bucket: 'fixture', prefix: 'state/' }));
  });
  after(async () => {
    client?.destroy();
    await s3?.stop();
  });

  test('writes the keys main wrote to S3, each record the JSON alone, and reads them back identically', async () => {
    for (const appliance of APPLIANCES) await state.save(appliance, await fixtureJson(`${appliance}.json`), undefined);
    await state.saveInventoryReport(await fixtureJson('_inventory.json'), undefined);
    await state.saveTrapHostReport(await fixtureJson('_trapHosts.json'), undefined);
    for (const name of REPORT_FILES) {
      await state.writeReportFile(name, await fixtureText(`_report/${name}`), CONTENT_TYPES[name.split('.').pop()!]!);
    }
    const listing = await client.send(new ListObjectsV2Command({ Bucket: 'fixture', Prefix: 'state/' }));
    const keys = (listing.Contents ?? []).map((o) => o.Key!.slice('state/'.length)).sort();
    const s3Keys = (await readFile(path.join(FIXTURE, 's3-keys.txt'), 'utf8')).trim().split('\n');
    assert.deepEqual(keys, s3Keys);
    const record = await client.send(new GetObjectCommand({ Bucket: 'fixture', Key: 'state/hsm-ams-01.json' }));
    assert.equal(`${await record.Body?.transformToString()}\n`, await fixtureText('hsm-ams-01.json'));
    await assertReadsFixture(state);
  });
});

describe('the repository over any record store (in memory: a backend in one small file)', () => {
  const format = { newline: false, wording: { tooLarge: 'too large', notJson: 'not JSON' } };
  const S = { version: 1, alertActive: false } as const;

  test('keys, content types and the record format are the repository’s', async () => {
    const records = new MemoryRecordStore();
    const state = new StateRepository(records, format);
    await state.save('hsm01', S, undefined);
    await state.saveTrapHostReport({ hosts: {} }, undefined);
    await state.writeReportFile('parts/2-0.time', 'x', 'text/plain; charset=utf-8');
    assert.deepEqual([...records.records.keys()], ['hsm01.json', '_trapHosts.json', '_report/parts/2-0.time']);
    assert.equal(records.records.get('hsm01.json')?.contentType, 'application/json');
    assert.equal(new TextDecoder().decode(records.records.get('hsm01.json')?.bytes), JSON.stringify(S));
    const lines = new MemoryRecordStore();
    await new StateRepository(lines, { ...format, newline: true }).save('hsm01', S, undefined);
    assert.equal(new TextDecoder().decode(lines.records.get('hsm01.json')?.bytes), `${JSON.stringify(S)}\n`);
    assert.deepEqual(await listed(state), ['hsm01']);
    assert.equal(state.reportDescription, 'memory:_report/');
    assert.equal(state.reportPath('index.html'), undefined, 'no local file outside a directory');
  });

  test('a lost race names the appliance or the fleet record; a failure names what could not be done', async () => {
    const records = new MemoryRecordStore();
    const state = new StateRepository(records, format);
    await state.save('hsm01', S, undefined);
    await assert.rejects(state.save('hsm01', S, undefined), (error: unknown) => {
      assert.ok(error instanceof StateConflictError);
      assert.equal(error.appliance, 'hsm01');
      return true;
    });
    await assert.rejects(state.saveInventoryReport(undefined, 'v0'), { appliance: '_inventory.json' });
    records.read = async () => {
      throw new StateStoreError('could not be read (EIO)');
    };
    await assert.rejects(state.load('hsm01'), { message: 'state could not be read (EIO)' });
    await assert.rejects(state.readReportFile('index.html'), { message: 'report file could not be read (EIO)' });
  });

  test('names that are not an appliance’s or a report file’s never reach the store', async () => {
    const records = new MemoryRecordStore();
    const state = new StateRepository(records, format);
    await assert.rejects(state.load('../x'), { message: 'invalid appliance name' });
    await assert.rejects(state.writeReportFile('../x', '', 'text/plain'), { message: 'invalid report file name' });
    assert.equal(records.records.size, 0);
  });

  test('a report folder of its own keeps its files at the top of its store', async () => {
    const records = new MemoryRecordStore();
    await new ReportFolder(records, '', 'out/').writeReportFile('index.html', '<p>', 'text/html');
    assert.deepEqual([...records.records.keys()], ['index.html']);
  });
});
