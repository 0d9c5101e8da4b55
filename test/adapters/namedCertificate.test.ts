import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { DirSource } from '../../adapters/dir/dirSource.ts';
import { isNamed } from '../../adapters/namedCertificate.ts';
import { createS3Client } from '../../adapters/s3/s3Client.ts';
import { S3Source } from '../../adapters/s3/s3Source.ts';
import { createSsmClient } from '../../adapters/ssm/ssmClient.ts';
import { SsmSource } from '../../adapters/ssm/ssmSource.ts';
import type { CertificateSource } from '../../app/ports.ts';
import { putObjects, S3RVER_CREDENTIALS, type S3rverHandle, startS3rver } from '../helpers/s3rver.ts';
import { type SsmStandIn, startSsmStandIn } from '../helpers/ssmStandIn.ts';

/** The layout every source shares: a server.pem, a web.pem beside it, and an appliance with a web.pem only. */
const FILES: readonly (readonly [string, string])[] = [
  ['hsm01/server.pem', 'ntls of hsm01'],
  ['hsm01/web.pem', 'web of hsm01'],
  ['hsm02/web.pem', 'web of hsm02'],
];

async function fetched(source: CertificateSource, appliance: string, certificate?: string): Promise<string> {
  const result = await source.fetch(appliance, certificate);
  return result.kind === 'found' ? new TextDecoder().decode(result.bytes) : result.kind;
}

async function listed(source: CertificateSource): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of source.list()) names.push(entry.name);
  return names.sort();
}

/** What every source must do with named certificates: read NAME.pem beside server.pem, skip nothing new. */
async function assertLayout(source: CertificateSource): Promise<void> {
  assert.equal(await fetched(source, 'hsm01'), 'ntls of hsm01');
  assert.equal(await fetched(source, 'hsm01', 'web'), 'web of hsm01');
  assert.equal(await fetched(source, 'hsm01', 'api'), 'missing');
  assert.equal(await fetched(source, 'hsm02', 'web'), 'web of hsm02');
  // A name outside the rule never becomes a path or key.
  assert.equal(await fetched(source, 'hsm01', '../hsm02/web'), 'missing');
  assert.equal(await fetched(source, 'hsm01', 'server'), 'missing');
  // Only server.pem makes an appliance; NAME.pem is never a misplaced certificate.
  assert.deepEqual(await listed(source), ['hsm01']);
  assert.deepEqual(source.skippedKeys?.(), { count: 0, examples: [] });
}

it('a named certificate fits the layout only with a name of the rule', () => {
  assert.equal(isNamed(undefined), true);
  assert.equal(isNamed('web'), true);
  assert.equal(isNamed('ntls'), false);
  assert.equal(isNamed('Web'), false);
});

describe('named certificates in a directory', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'certmonitor-named-dir-'));
    for (const [file, text] of FILES) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), text);
    }
  });
  after(() => rm(root, { recursive: true, force: true }));
  it('reads APPLIANCE/NAME.pem beside server.pem', () => assertLayout(new DirSource(root)));
});

describe('named certificates in S3 (s3rver)', () => {
  let s3: S3rverHandle;
  let client: S3Client;
  before(async () => {
    Object.assign(process.env, S3RVER_CREDENTIALS);
    s3 = await startS3rver(['fleet']);
    client = createS3Client({ env: { AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_REGION: 'us-east-1' } });
    await putObjects(
      client,
      'fleet',
      FILES.map(([key, text]) => [`prod/${key}`, text]),
    );
  });
  after(async () => {
    client?.destroy();
    await s3?.stop();
  });
  it('reads APPLIANCE/NAME.pem beside server.pem', () =>
    assertLayout(new S3Source(client, { bucket: 'fleet', prefix: 'prod/' })));
});

describe('named certificates in SSM (stand-in)', () => {
  let ssm: SsmStandIn;
  let client: SSMClient;
  before(async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' });
    ssm = await startSsmStandIn(FILES.map(([key, text]) => [`/certmonitor/prod/${key}`, text] as const));
    client = createSsmClient({ env: { AWS_ENDPOINT_URL_SSM: ssm.endpoint } });
  });
  after(async () => {
    client?.destroy();
    await ssm?.stop();
  });
  it('reads parameter APPLIANCE/NAME.pem beside server.pem', () =>
    assertLayout(new SsmSource(client, '/certmonitor/prod/')));
});
