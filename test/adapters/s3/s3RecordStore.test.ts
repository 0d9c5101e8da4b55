import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { type StateLocation, s3StateLocation } from '../../../adapters/createStateStore.ts';
import { createS3Client } from '../../../adapters/s3/s3Client.ts';
import { S3RecordStore } from '../../../adapters/s3/s3RecordStore.ts';
import { StateConflictError, StateStoreError } from '../../../app/errors.ts';
import type { ApplianceState } from '../../../core/types.ts';
import { putObjects, S3RVER_CREDENTIALS, type S3rverHandle, startS3rver } from '../../helpers/s3rver.ts';

const BUCKET = 'fleet-state';
const state: ApplianceState = {
  version: 1,
  fingerprint: 'AB:CD',
  notAfter: '2027-01-01T00:00:00.000Z',
  alertActive: true,
  lastAlertAt: '2026-11-24T12:00:00.000Z',
};

describe('state in S3 records against s3rver', () => {
  let s3: S3rverHandle;
  let client: S3Client;
  let store: StateLocation;

  before(async () => {
    Object.assign(process.env, S3RVER_CREDENTIALS);
    s3 = await startS3rver([BUCKET]);
    client = createS3Client({ env: { AWS_ENDPOINT_URL_S3: s3.endpoint } });
    store = s3StateLocation(new S3RecordStore(client, { bucket: BUCKET, prefix: 'state/' }));
    await putObjects(client, BUCKET, [
      ['state/broken.json', '{"version": 1, "alertAct'],
      ['state/odd.json', '{"version": 7, "alertActive": false}'],
    ]);
  });

  after(async () => {
    client?.destroy();
    await s3?.stop();
  });

  it('loads nothing for a new appliance, then round-trips a record with its ETag as version', async () => {
    assert.deepEqual(await store.load('hsm01'), {});
    await store.save('hsm01', state, undefined);
    const loaded = await store.load('hsm01');
    assert.deepEqual(loaded.state, state);
    assert.match(loaded.version ?? '', /^"[0-9a-f]{32}"$/);
    const next: ApplianceState = { ...state, alertActive: false };
    await store.save('hsm01', next, loaded.version);
    const reloaded = await store.load('hsm01');
    assert.deepEqual(reloaded.state, next);
    assert.notEqual(reloaded.version, loaded.version);
  });

  it('keeps the fleet-level inventory report in {prefix}_inventory.json beside the appliances', async () => {
    assert.deepEqual(await store.loadInventoryReport(), {});
    const report = {
      problem: 'fleet.json: appliances.hsm01.address: expected an IPv4 or IPv6 address',
      reportedAt: 'x',
    };
    await store.saveInventoryReport(report, undefined);
    const loaded = await store.loadInventoryReport();
    assert.deepEqual(loaded.report, report);
    assert.ok(loaded.version);
    await store.saveInventoryReport(undefined, loaded.version);
    const cleared = await store.loadInventoryReport();
    assert.equal(cleared.report, undefined);
    assert.ok(cleared.version, 'an emptied record still has a version to write over');
    const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'state/_inventory.json' }));
    assert.equal(await object.Body?.transformToString(), '{}');
  });

  it('keeps the fleet-level trap host record in {prefix}_trapHosts.json, written conditionally', async () => {
    assert.deepEqual(await store.loadTrapHostReport(), { report: { hosts: {} } });
    const at = '2026-11-24T12:00:00.000Z';
    const report = { hosts: { nms1: { failingSince: at, lastFailedAt: at, reportedAt: at } } };
    await store.saveTrapHostReport(report, undefined);
    const loaded = await store.loadTrapHostReport();
    assert.deepEqual(loaded.report, report);
    assert.ok(loaded.version);
    await store.saveTrapHostReport({ hosts: {} }, loaded.version);
    const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'state/_trapHosts.json' }));
    assert.equal(await object.Body?.transformToString(), '{"hosts":{}}');
  });

  it('reports corrupt or foreign records as corrupt, with the version needed to overwrite them', async () => {
    const broken = await store.load('broken');
    assert.equal(broken.corrupt, 'not valid JSON');
    assert.equal(broken.state, undefined);
    assert.ok(broken.version);
    assert.equal((await store.load('odd')).corrupt, 'unsupported version');
  });

  it('lists every record under the prefix, not the report folder or the inventory record, and keeps report files with their type', async () => {
    await store.save('hsm.lon-1', state, undefined);
    await store.saveInventoryReport({ problem: 'fleet.json: x', reportedAt: '2026-11-24T12:00:00.000Z' }, undefined);
    await store.writeReportFile('index.html', '<!doctype html><p>report</p>', 'text/html; charset=utf-8');
    await store.writeReportFile('parts/2-0.time', '2026-11-24T12:00:00.000Z', 'text/plain; charset=utf-8');
    await putObjects(client, BUCKET, [
      ['state/not an appliance!.json', '{}'],
      ['state/nested/hsm09.json', '{}'],
    ]);
    const names: string[] = [];
    for await (const name of store.list()) names.push(name);
    assert.deepEqual(names.sort(), ['broken', 'hsm.lon-1', 'hsm01', 'odd']);
    assert.equal(await store.readReportFile('index.html'), '<!doctype html><p>report</p>');
    assert.equal(await store.readReportFile('parts/2-0.time'), '2026-11-24T12:00:00.000Z');
    assert.equal(await store.readReportFile('fleet-status.json'), undefined);
    const page = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'state/_report/index.html' }));
    assert.equal(page.ContentType, 'text/html; charset=utf-8');
    await assert.rejects(store.writeReportFile('../escape', 'x', 'text/plain'), StateStoreError);
  });

  it('the record store itself lists the keys directly in a folder, relative to the prefix', async () => {
    const records = new S3RecordStore(client, { bucket: BUCKET, prefix: 'state/' });
    const keys: string[] = [];
    for await (const key of records.list('_report/parts/')) keys.push(key);
    assert.deepEqual(keys, ['_report/parts/2-0.time']);
    assert.equal(records.describe('_report/'), 's3://fleet-state/state/_report/');
    await assert.rejects(records.read('../x', 10), StateStoreError);
  });
});

describe('state in S3 records: conditional writes (mocked: s3rver ignores If-Match / If-None-Match)', () => {
  const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  // Mock this instance only: mocking the class would also replace the s3rver suite's client.
  const mock = mockClient(client);
  const store = s3StateLocation(new S3RecordStore(client, { bucket: BUCKET, prefix: 'state/' }));
  after(() => mock.restore());

  const serviceError = (name: string, status: number) =>
    new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: 'request text' });

  it('sends If-None-Match: * for a new record and If-Match: ETag for an update', async () => {
    mock.reset();
    mock.on(PutObjectCommand).resolves({ ETag: '"e2"' });
    await store.save('hsm01', state, undefined);
    await store.save('hsm01', state, '"e1"');
    const inputs = mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    assert.equal(inputs[0]?.IfNoneMatch, '*');
    assert.equal(inputs[0]?.IfMatch, undefined);
    assert.equal(inputs[1]?.IfMatch, '"e1"');
    assert.equal(inputs[1]?.IfNoneMatch, undefined);
    assert.equal(inputs[1]?.Key, 'state/hsm01.json');
  });

  it('writes the inventory report conditionally too', async () => {
    mock.reset();
    mock.on(PutObjectCommand).rejectsOnce(serviceError('PreconditionFailed', 412)).resolves({});
    await assert.rejects(store.saveInventoryReport({ problem: 'p', reportedAt: 'x' }, '"e1"'), StateConflictError);
    await store.saveInventoryReport({ problem: 'p', reportedAt: 'x' }, undefined);
    const inputs = mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    assert.equal(inputs[0]?.IfMatch, '"e1"');
    assert.equal(inputs[1]?.IfNoneMatch, '*');
    assert.equal(inputs[1]?.Key, 'state/_inventory.json');
  });

  it('writes the trap host record conditionally too', async () => {
    mock.reset();
    mock.on(PutObjectCommand).rejectsOnce(serviceError('PreconditionFailed', 412)).resolves({});
    await assert.rejects(store.saveTrapHostReport({ hosts: {} }, '"e1"'), StateConflictError);
    await store.saveTrapHostReport({ hosts: {} }, undefined);
    const inputs = mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    assert.equal(inputs[0]?.IfMatch, '"e1"');
    assert.equal(inputs[1]?.IfNoneMatch, '*');
    assert.equal(inputs[1]?.Key, 'state/_trapHosts.json');
  });

  it('publishes report files unconditionally, with their type and no-cache', async () => {
    mock.reset();
    mock.on(PutObjectCommand).resolves({});
    await store.writeReportFile('index.html', '<p>', 'text/html; charset=utf-8');
    const input = mock.commandCalls(PutObjectCommand)[0]?.args[0].input;
    assert.equal(input?.Key, 'state/_report/index.html');
    assert.equal(input?.ContentType, 'text/html; charset=utf-8');
    assert.equal(input?.CacheControl, 'no-cache');
    assert.equal(input?.IfMatch ?? input?.IfNoneMatch, undefined);
  });

  it('turns 412 PreconditionFailed and 409 ConditionalRequestConflict into StateConflictError', async () => {
    for (const [name, status] of [
      ['PreconditionFailed', 412],
      ['ConditionalRequestConflict', 409],
    ] as const) {
      mock.reset();
      mock.on(PutObjectCommand).rejects(serviceError(name, status));
      await assert.rejects(store.save('hsm01', state, '"e1"'), (error: unknown) => {
        assert.ok(error instanceof StateConflictError);
        assert.equal(error.appliance, 'hsm01');
        return true;
      });
    }
  });

  it('reports other write and read failures as StateStoreError without the raw message', async () => {
    mock.reset();
    mock.on(PutObjectCommand).rejects(serviceError('AccessDenied', 403));
    mock.on(GetObjectCommand).rejects(serviceError('SlowDown', 503));
    await assert.rejects(store.save('hsm01', state, undefined), (error: unknown) => {
      assert.ok(error instanceof StateStoreError);
      assert.equal(error.message, 'state could not be written: AccessDenied (HTTP 403)');
      return true;
    });
    await assert.rejects(store.load('hsm01'), /state could not be read: SlowDown \(HTTP 503\)/);
  });
});
