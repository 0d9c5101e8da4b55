import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../../adapters/s3/s3Client.ts';
import { S3Source } from '../../../adapters/s3/s3Source.ts';
import { InventoryError } from '../../../app/errors.ts';
import { evaluate } from '../../../core/evaluate.ts';
import {
  type FaultProxy,
  putObjects,
  S3RVER_CREDENTIALS,
  type S3rverHandle,
  startFaultProxy,
  startS3rver,
} from '../../helpers/s3rver.ts';

const BUCKET = 'fleet-certs';
const COUNT = 2500;
const names = Array.from({ length: COUNT }, (_, i) => `hsm${String(i).padStart(4, '0')}`);

describe('S3Source against s3rver', () => {
  let s3: S3rverHandle;
  let client: S3Client;
  const proxies: FaultProxy[] = [];

  const clientFor = (endpoint: string) =>
    createS3Client({ env: { AWS_ENDPOINT_URL_S3: endpoint, AWS_REGION: 'us-east-1' } });

  before(async () => {
    Object.assign(process.env, S3RVER_CREDENTIALS);
    s3 = await startS3rver([BUCKET]);
    client = clientFor(s3.endpoint);
    const objects: [string, string | Uint8Array][] = names.map((n) => [`prod/${n}/server.pem`, `pem of ${n}`]);
    objects.push(
      ['prod/fleet.json', JSON.stringify({ appliances: { hsm0000: { address: '10.0.0.5' }, ghost01: {} } })],
      ['prod/bad name!/server.pem', 'x'],
      ['prod/hsm0001/notes.txt', 'not a certificate'],
      ['prod/nested/deeper/server.pem', 'x'],
      ['prod/hsm0002/server.crt', 'x'],
      ['prod/hsm0003/chain.pem', 'a chain beside a server.pem is not misplaced'],
      ['prod/big01/server.pem', new Uint8Array(1024 * 1024 + 1)],
      ['other/hsm9999/server.pem', 'outside the prefix'],
      ['broken/fleet.json', '{"appliances": {"hsm01": {"adress": "x"}}}'],
    );
    await putObjects(client, BUCKET, objects);
  });

  after(async () => {
    for (const proxy of proxies) await proxy.stop();
    client?.destroy();
    await s3?.stop();
  });

  it('lists every appliance across more than two pages, collecting misplaced certificates', async () => {
    const proxy = await startFaultProxy(s3.endpoint, () => undefined);
    proxies.push(proxy);
    const source = new S3Source(clientFor(proxy.endpoint), { bucket: BUCKET, prefix: 'prod/' });
    const listed: string[] = [];
    for await (const { name } of source.list()) listed.push(name);
    assert.deepEqual(listed.sort(), [...names, 'big01'].sort());
    assert.deepEqual(source.skippedKeys(), {
      count: 3,
      examples: ['bad name!/server.pem', 'hsm0002/server.crt', 'nested/deeper/server.pem'],
    });
    const listRequests = proxy.seen.filter((line) => line.includes('list-type=2'));
    assert.ok(listRequests.length >= 3, `expected at least 3 pages, saw ${listRequests.length}`);
  });

  it('streams: the first name arrives after one page, before the rest is listed', async () => {
    const proxy = await startFaultProxy(s3.endpoint, () => undefined);
    proxies.push(proxy);
    const source = new S3Source(clientFor(proxy.endpoint), { bucket: BUCKET, prefix: 'prod/' });
    const iterator = source.list()[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.equal(first.done, false);
    assert.equal(proxy.seen.filter((line) => line.includes('list-type=2')).length, 1);
    await iterator.return?.();
  });

  it('reads fleet.json at the prefix, and none where it is absent', async () => {
    const source = new S3Source(client, { bucket: BUCKET, prefix: 'prod/' });
    const inventory = await source.readInventory();
    assert.deepEqual(inventory?.appliances.hsm0000, { address: '10.0.0.5' });
    assert.ok(inventory?.appliances.ghost01);
    assert.equal(await new S3Source(client, { bucket: BUCKET, prefix: 'other/' }).readInventory(), undefined);
  });

  it('reads a fleet.json with a bad entry as problems naming the key, keeping the entry by name', async () => {
    const source = new S3Source(client, { bucket: BUCKET, prefix: 'broken/' });
    assert.deepEqual(await source.readInventory(), {
      appliances: { hsm01: {} },
      problems: ['fleet.json: appliances.hsm01: unknown key(s) adress'],
    });
  });

  it('fails to read fleet.json loudly when S3 refuses it (the run fails, it is not run without it)', async () => {
    const proxy = await startFaultProxy(s3.endpoint, () => ({ status: 403, code: 'AccessDenied' }));
    proxies.push(proxy);
    const source = new S3Source(clientFor(proxy.endpoint), { bucket: BUCKET, prefix: 'prod/' });
    await assert.rejects(source.readInventory(), (error: unknown) => {
      assert.ok(error instanceof InventoryError);
      assert.equal(error.code, 'CM_ERR_INVENTORY_UNREADABLE');
      return true;
    });
  });

  it('fetches a certificate, reports an absent one as missing and an oversize one as invalid', async () => {
    const source = new S3Source(client, { bucket: BUCKET, prefix: 'prod/' });
    const found = await source.fetch('hsm0042');
    assert.equal(found.kind, 'found');
    assert.equal(found.kind === 'found' && new TextDecoder().decode(found.bytes), 'pem of hsm0042');
    assert.deepEqual(await source.fetch('ghost01'), { kind: 'missing' });
    const big = await source.fetch('big01');
    assert.equal(evaluate(big, 30, new Date()).status, 'invalid');
  });

  it('retries 503 SlowDown and 500 and then succeeds', async () => {
    let failures = 0;
    const proxy = await startFaultProxy(s3.endpoint, (request) => {
      if (request.url?.includes('hsm0007/server.pem') && failures < 2) {
        failures++;
        return failures === 1 ? { status: 503, code: 'SlowDown' } : { status: 500, code: 'InternalError' };
      }
      return undefined;
    });
    proxies.push(proxy);
    const source = new S3Source(clientFor(proxy.endpoint), { bucket: BUCKET, prefix: 'prod/' });
    const result = await source.fetch('hsm0007');
    assert.equal(result.kind, 'found');
    assert.equal(proxy.seen.filter((line) => line.includes('hsm0007')).length, 3);
  });

  it('reports a persistently failing object as unavailable (never missing) and leaves others unaffected', async () => {
    const proxy = await startFaultProxy(s3.endpoint, (request) =>
      request.url?.includes('hsm0008/server.pem') ? { status: 503, code: 'SlowDown' } : undefined,
    );
    proxies.push(proxy);
    const source = new S3Source(clientFor(proxy.endpoint), { bucket: BUCKET, prefix: 'prod/' });
    const [failed, fine] = await Promise.all([source.fetch('hsm0008'), source.fetch('hsm0009')]);
    assert.deepEqual(failed, { kind: 'unavailable', reason: 'SlowDown (HTTP 503)' });
    assert.equal(fine.kind, 'found');
    assert.equal(proxy.seen.filter((line) => line.includes('hsm0008')).length, 3);
  });

  it('reports an unreachable endpoint as unavailable with a short reason', async () => {
    const proxy = await startFaultProxy(s3.endpoint, () => undefined);
    await proxy.stop();
    const source = new S3Source(createS3Client({ env: { AWS_ENDPOINT_URL_S3: proxy.endpoint }, maxAttempts: 1 }), {
      bucket: BUCKET,
      prefix: 'prod/',
    });
    assert.deepEqual(await source.fetch('hsm0001'), { kind: 'unavailable', reason: 'ECONNREFUSED' });
  });
});
