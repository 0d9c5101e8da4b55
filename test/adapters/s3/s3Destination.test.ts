import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createS3Client } from '../../../adapters/s3/s3Client.ts';
import { S3Destination } from '../../../adapters/s3/s3Destination.ts';
import { S3Source } from '../../../adapters/s3/s3Source.ts';
import { DestinationConflictError, DestinationError } from '../../../app/errors.ts';
import {
  type FaultProxy,
  S3RVER_CREDENTIALS,
  type S3rverHandle,
  startFaultProxy,
  startS3rver,
} from '../../helpers/s3rver.ts';

const BUCKET = 'fleet';
const live = () => new AbortController().signal;
const bytes = (text: string) => new TextEncoder().encode(text);

describe('S3Destination against s3rver', () => {
  let s3: S3rverHandle;
  let proxy: FaultProxy;
  let client: S3Client;
  let destination: S3Destination;

  before(async () => {
    Object.assign(process.env, S3RVER_CREDENTIALS);
    s3 = await startS3rver([BUCKET]);
    proxy = await startFaultProxy(s3.endpoint, () => undefined);
    client = createS3Client({ env: { AWS_ENDPOINT_URL_S3: proxy.endpoint } });
    destination = new S3Destination(client, { bucket: BUCKET, prefix: 'certs/' });
  });
  after(async () => {
    client?.destroy();
    await proxy?.stop();
    await s3?.stop();
  });

  it('writes {prefix}{appliance}/server.pem where the S3 source reads it, and reads it back with its ETag', async () => {
    assert.deepEqual(await destination.read('hsm01', live()), {});
    await destination.write('hsm01', bytes('pem one'), {}, live());
    const stored = await destination.read('hsm01', live());
    assert.deepEqual(stored.bytes, bytes('pem one'));
    assert.match(stored.token ?? '', /^"[0-9a-f]{32}"$/);
    await destination.write('hsm01', bytes('pem two'), stored, live());
    const fetched = await new S3Source(client, { bucket: BUCKET, prefix: 'certs/' }).fetch('hsm01');
    assert.deepEqual(fetched.kind === 'found' && fetched.bytes, bytes('pem two'));
    assert.equal(proxy.seen.filter((r) => r.startsWith(`PUT /${BUCKET}/certs/hsm01/server.pem`)).length, 2);
  });

  it('writes {prefix}fleet.json where the S3 source reads its inventory, conditional on its ETag', async () => {
    assert.deepEqual(await destination.readInventory(live()), {});
    const file = bytes('{"appliances": {"hsm01": {}}}');
    await destination.writeInventory(file, {}, live());
    const stored = await destination.readInventory(live());
    assert.deepEqual(stored.bytes, file);
    assert.match(stored.token ?? '', /^"[0-9a-f]{32}"$/);
    const source = new S3Source(client, { bucket: BUCKET, prefix: 'certs/' });
    assert.deepEqual(await source.readInventory(), { appliances: { hsm01: {} } });
    assert.equal(proxy.seen.filter((r) => r.startsWith(`PUT /${BUCKET}/certs/fleet.json`)).length, 1);
  });

  it('a read or write that runs out of time is a DestinationError, and nothing is written', async () => {
    const before = proxy.seen.length;
    await assert.rejects(destination.read('hsm02', AbortSignal.abort()), DestinationError);
    await assert.rejects(destination.write('hsm02', bytes('late'), {}, AbortSignal.abort()), DestinationError);
    assert.equal(proxy.seen.slice(before).filter((r) => r.startsWith('PUT')).length, 0);
    assert.deepEqual(await destination.read('hsm02', live()), {});
  });
});

describe('S3Destination conditional writes (mocked: s3rver ignores If-Match / If-None-Match)', () => {
  const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const mock = mockClient(client);
  const destination = new S3Destination(client, { bucket: BUCKET, prefix: 'certs/' });
  after(() => mock.restore());
  const serviceError = (name: string, status: number) =>
    new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: 'text from S3' });

  it('is conditional on what was read: If-None-Match: * when nothing was stored, If-Match its ETag otherwise', async () => {
    mock.reset();
    mock.on(PutObjectCommand).resolves({ ETag: '"e2"' });
    await destination.write('hsm01', bytes('a'), {}, live());
    await destination.write('hsm01', bytes('b'), { bytes: bytes('a'), token: '"e1"' }, live());
    const inputs = mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    assert.equal(inputs[0]?.IfNoneMatch, '*');
    assert.equal(inputs[0]?.IfMatch, undefined);
    assert.equal(inputs[1]?.IfMatch, '"e1"');
    assert.equal(inputs[1]?.Key, 'certs/hsm01/server.pem');
    assert.equal(inputs[1]?.ContentType, 'application/x-pem-file');
  });

  it('a lost race is a DestinationConflictError; other failures name the error, never its message', async () => {
    for (const [name, status] of [
      ['PreconditionFailed', 412],
      ['ConditionalRequestConflict', 409],
    ] as const) {
      mock.reset();
      mock.on(PutObjectCommand).rejects(serviceError(name, status));
      await assert.rejects(
        destination.write('hsm01', bytes('a'), { bytes: bytes('x'), token: '"e1"' }, live()),
        DestinationConflictError,
      );
    }
    mock.reset();
    mock.on(PutObjectCommand).rejects(serviceError('AccessDenied', 403));
    mock.on(GetObjectCommand).rejects(serviceError('SlowDown', 503));
    await assert.rejects(destination.write('hsm01', bytes('a'), {}, live()), {
      message: 'server.pem could not be written: AccessDenied (HTTP 403)',
    });
    await assert.rejects(destination.read('hsm01', live()), {
      message: 'server.pem could not be read: SlowDown (HTTP 503)',
    });
  });

  it('writes the inventory the same way: conditional, as JSON, a lost race a DestinationConflictError', async () => {
    mock.reset();
    mock.on(PutObjectCommand).resolves({ ETag: '"e2"' });
    await destination.writeInventory(bytes('{}'), {}, live());
    await destination.writeInventory(bytes('{ }'), { bytes: bytes('{}'), token: '"e1"' }, live());
    const inputs = mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    assert.deepEqual(
      inputs.map((i) => [i.Key, i.IfNoneMatch, i.IfMatch, i.ContentType]),
      [
        ['certs/fleet.json', '*', undefined, 'application/json'],
        ['certs/fleet.json', undefined, '"e1"', 'application/json'],
      ],
    );
    mock.reset();
    mock.on(PutObjectCommand).rejects(serviceError('PreconditionFailed', 412));
    await assert.rejects(destination.writeInventory(bytes('{}'), { bytes: bytes('x'), token: '"e1"' }, live()), {
      name: 'DestinationConflictError',
      message: 'fleet.json was changed by another writer',
    });
    mock.on(PutObjectCommand).rejects(serviceError('AccessDenied', 403));
    await assert.rejects(destination.writeInventory(bytes('{}'), {}, live()), {
      message: 'fleet.json could not be written: AccessDenied (HTTP 403)',
    });
  });
});
