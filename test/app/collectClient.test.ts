import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DirDestination } from '../../adapters/dir/dirDestination.ts';
import { DirSource } from '../../adapters/dir/dirSource.ts';
import { createS3Client } from '../../adapters/s3/s3Client.ts';
import { S3Destination } from '../../adapters/s3/s3Destination.ts';
import { S3Source } from '../../adapters/s3/s3Source.ts';
import { createSsmClient } from '../../adapters/ssm/ssmClient.ts';
import { SsmDestination } from '../../adapters/ssm/ssmDestination.ts';
import { SsmSource } from '../../adapters/ssm/ssmSource.ts';
import { type ClientFileRead, collectClient } from '../../app/collectClient.ts';
import type { CertificateDestination, CertificateSource } from '../../app/ports.ts';
import { opensslChain } from '../helpers/opensslChain.ts';
import { S3RVER_CREDENTIALS, type S3rverHandle, startS3rver } from '../helpers/s3rver.ts';
import { type SsmStandIn, startSsmStandIn } from '../helpers/ssmStandIn.ts';

const pki = opensslChain();
const dir = mkdtempSync(join(tmpdir(), 'certmonitor-collect-client-'));
let s3: S3rverHandle;
let ssm: SsmStandIn;
before(async () => {
  Object.assign(process.env, S3RVER_CREDENTIALS);
  [s3, ssm] = await Promise.all([startS3rver(['fleet']), startSsmStandIn()]);
});
after(async () => {
  pki.remove();
  rmSync(dir, { recursive: true, force: true });
  await Promise.all([s3?.stop(), ssm?.stop()]);
});

const read = (text: string): ClientFileRead => ({ kind: 'read', bytes: new TextEncoder().encode(text) });
const live = () => ({ dryRun: false, signal: new AbortController().signal });
const text = async (source: CertificateSource, file: 'client.pem' | 'trust.pem') => {
  const result = await source.fetchClientFile?.('app01', file);
  return result?.kind === 'found' ? new TextDecoder().decode(result.bytes) : result?.kind;
};

const backends: Record<string, () => { destination: CertificateDestination; source: CertificateSource }> = {
  dir: () => ({ destination: new DirDestination(dir), source: new DirSource(dir) }),
  s3: () => {
    const client = createS3Client({ env: { AWS_ENDPOINT_URL_S3: s3.endpoint } });
    const location = { bucket: 'fleet', prefix: 'certs/' };
    return { destination: new S3Destination(client, location), source: new S3Source(client, location) };
  },
  ssm: () => {
    const client = createSsmClient({ env: { AWS_ENDPOINT_URL_SSM: ssm.endpoint } });
    return { destination: new SsmDestination(client, '/fleet/'), source: new SsmSource(client, '/fleet/') };
  },
};

describe('collectClient publishes a client’s files where the check reads them', () => {
  for (const [name, make] of Object.entries(backends)) {
    it(`${name}: certificates only (never the key that shares the file), only when changed, never clobbered`, async () => {
      const { destination, source } = make();
      const cert = pki.selfSigned(`app01-${name}`);
      const key = readFileSync(pki.files(`app01-${name}`).key, 'utf8');
      const ca = pki.ca(`ca-${name}`, 'ec-p256');
      const files = { 'client.pem': read(`${key}${cert}`), 'trust.pem': read(`# registered\n${ca}`) };
      const first = await collectClient('app01', files, destination, live());
      assert.deepEqual(
        first.map((o) => o.result),
        ['changed', 'changed'],
      );
      const published = await text(source, 'client.pem');
      assert.match(String(published), /^-----BEGIN CERTIFICATE-----\n/);
      assert.doesNotMatch(String(published), /PRIVATE KEY/);
      assert.equal(String(published).replace(/\s/g, ''), cert.replace(/\s/g, ''));
      const again = await collectClient('app01', files, destination, live());
      assert.deepEqual(
        again.map((o) => o.result),
        ['unchanged', 'unchanged'],
      );
      // A failed read and a key-only file publish nothing: what is stored stays.
      const broken = {
        'client.pem': { kind: 'failed', reason: 'file could not be read (EACCES)' } as const,
        'trust.pem': read(key),
      };
      const failed = await collectClient('app01', broken, destination, live());
      assert.deepEqual(
        failed.map((o) => o.result),
        ['failed', 'failed'],
      );
      assert.equal(await text(source, 'client.pem'), published);
      assert.equal(String(await text(source, 'trust.pem')).replace(/\s/g, ''), ca.replace(/\s/g, ''));
    });
  }

  it('ssm: refuses a bundle larger than a parameter holds, naming its size and the limit', async () => {
    const { destination } = backends.ssm!();
    const cas = Array.from({ length: 12 }, (_, i) => pki.ca(`big-${i}`, 'rsa')).join('');
    const outcome = await collectClient(
      'big',
      { 'client.pem': read(pki.selfSigned('big')), 'trust.pem': read(cas) },
      destination,
      live(),
    );
    assert.equal(outcome[0]?.result, 'changed');
    assert.equal(outcome[1]?.result, 'failed');
    assert.match(
      String(outcome[1]?.reason),
      /its certificates take \d+ bytes, more than the destination's limit of 8192 bytes/,
    );
    assert.equal(ssm.parameters.has('/fleet/_clients/big/trust.pem'), false);
  });

  it('lists no client folder as an appliance nor as a skipped file', async () => {
    for (const make of Object.values(backends)) {
      const { source } = make();
      const listed = [];
      for await (const a of source.list()) listed.push(a.name);
      assert.deepEqual(listed, []);
      assert.equal(source.skippedKeys?.().count ?? 0, 0);
    }
  });
});
