/**
 * End to end with no hand-made glue: `openssl s_server` appliances → `certmonitor collect` → an
 * S3-compatible server (s3rver) → `certmonitor check` → signed HTTP → the real gateway → Debian's
 * snmptrapd. Then an appliance regenerates its certificate (a new s_server on the same port, as after
 * `sysconf regenCert`); the next collection publishes it, and the next check logs "New NTLS certificate
 * detected…" and sends the clearing trap. Traps are counted at the receiver (v2c informs).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '../../adapters/s3/s3Client.ts';
import { buildGatewayConfig } from '../../gateway/config/gatewayConfig.ts';
import { type RunningGateway, startGateway } from '../../gateway/gatewayRuntime.ts';
import { freeTcpPort } from '../helpers/freePort.ts';
import { informEntry } from '../helpers/informHost.ts';
import {
  type CertificateFactory,
  certificateFactory,
  type RunningAppliance,
  startOpensslAppliance,
} from '../helpers/ntlsAppliance.ts';
import { S3RVER_CREDENTIALS, type S3rverHandle, startS3rver } from '../helpers/s3rver.ts';
import { type RunningSnmptrapd, startSnmptrapd } from '../helpers/snmptrapd.ts';

const ROOT = join(import.meta.dirname, '..', '..');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('collect → S3 → check → gateway → snmptrapd, and a regenerated certificate', () => {
  let dir: string;
  let certs: CertificateFactory;
  let s3: S3rverHandle;
  let trapd: RunningSnmptrapd;
  let gateway: RunningGateway;
  let gatewayUrl: string;
  let secretFile: string;
  let expiring: RunningAppliance;
  let healthy: RunningAppliance;

  /** The real CLI, with the environment an on-prem host would give it. */
  const cli = (args: readonly string[]) =>
    new Promise<Run>((resolve) => {
      const env: NodeJS.ProcessEnv = {
        ...S3RVER_CREDENTIALS,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_REGION: 'us-east-1',
      };
      for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CERTMONITOR_') && !(k in env)) env[k] = v;
      execFile(
        process.execPath,
        ['bin/certmonitor.js', ...args],
        { cwd: ROOT, env, timeout: 60_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr }),
      );
    });
  const collect = () => cli(['collect', '--inventory', 's3://fleet/certs/', '--to', 's3://fleet/certs/', '--json']);
  const check = () =>
    cli([
      'check',
      '--source',
      's3://fleet/certs/',
      '--state',
      's3://fleet/state/',
      '--gateway',
      gatewayUrl,
      '--key-id',
      'collector-e2e',
      '--secret-file',
      secretFile,
      '--json',
    ]);
  const outcomes = (run: Run): Record<string, Record<string, string>> =>
    Object.fromEntries(
      run.stdout
        .split('\n')
        .filter((l) => l.startsWith('{"appliance"'))
        .map((l) => JSON.parse(l) as Record<string, string>)
        .map((o) => [o.appliance, o]),
    );
  /** The ssLogReference flags snmptrapd logged for an appliance, in arrival order. */
  const flags = (appliance: string) =>
    trapd
      .lines()
      .map((line) => /"\[([A-Za-z0-9._-]+):\S+ \/ lunalogs \/ .+ \/ ([01])\]"/.exec(line))
      .filter((m) => m?.[1] === appliance)
      .map((m) => m![2]);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certmonitor-collect-e2e-'));
    certs = certificateFactory();
    s3 = await startS3rver(['fleet']);
    trapd = await startSnmptrapd();
    secretFile = join(dir, 'gateway.secret');
    writeFileSync(secretFile, `${randomBytes(32).toString('hex')}\n`);
    const port = await freeTcpPort();
    gatewayUrl = `http://127.0.0.1:${port}`;
    const config = buildGatewayConfig(
      {
        listen: { host: '127.0.0.1', port },
        auth: { keys: [{ id: 'collector-e2e', secretFile }] },
        trapHosts: [informEntry('nms', trapd.port, 1000, 2)],
        syslog: [{ file: join(dir, 'lunalogs') }],
        stateDir: join(dir, 'gateway-state'),
      },
      dir,
      {},
    );
    gateway = await startGateway(config, { stderr: undefined });
    await gateway.resumed;
    // hsm-a's certificate expires within the 30-day threshold; hsm-b's is far from it.
    expiring = await startOpensslAppliance({ certificate: certs.selfSigned('hsm-a', 'rsa', { days: 10 }), tls: '1.2' });
    healthy = await startOpensslAppliance({
      certificate: certs.selfSigned('hsm-b', 'ed25519', { days: 400 }),
      tls: '1.3',
    });
    const client = createS3Client({ env: { AWS_ENDPOINT_URL_S3: s3.endpoint } });
    Object.assign(process.env, S3RVER_CREDENTIALS);
    const inventory = {
      appliances: {
        'hsm-a': { address: '127.0.0.1', ntlsPort: expiring.port },
        'hsm-b': { address: '127.0.0.1', ntlsPort: healthy.port },
      },
    };
    await client.send(
      new PutObjectCommand({ Bucket: 'fleet', Key: 'certs/fleet.json', Body: JSON.stringify(inventory) }),
    );
    client.destroy();
  });

  after(async () => {
    await expiring?.stop();
    await healthy?.stop();
    await gateway?.stop();
    await trapd?.stop();
    await s3?.stop();
    certs?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('traps the expiring certificate the collector published, then clears it after regeneration', async () => {
    const first = await collect();
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(Object.fromEntries(Object.entries(outcomes(first)).map(([n, o]) => [n, o.result])), {
      'hsm-a': 'changed',
      'hsm-b': 'changed',
    });

    const raised = await check();
    assert.equal(raised.code, 0, raised.stderr);
    assert.equal(outcomes(raised)['hsm-a']?.status, 'expiring');
    assert.equal(outcomes(raised)['hsm-a']?.action, 'trap');
    assert.equal(outcomes(raised)['hsm-b']?.status, 'valid');
    await trapd.waitFor(1);
    assert.deepEqual(flags('hsm-a'), ['1']);

    // The appliance regenerates its certificate: a new one, served on the same NTLS port.
    const port = expiring.port;
    await expiring.stop();
    const renewed = certs.selfSigned('hsm-a-renewed', 'rsa', { days: 700, cn: 'hsm-a' });
    expiring = await startOpensslAppliance({ certificate: renewed, tls: '1.2', port });

    const second = await collect();
    assert.equal(second.code, 0, second.stderr);
    assert.equal(outcomes(second)['hsm-a']?.result, 'changed');
    assert.equal(outcomes(second)['hsm-b']?.result, 'unchanged');

    const cleared = await check();
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.equal(outcomes(cleared)['hsm-a']?.status, 'valid');
    assert.equal(outcomes(cleared)['hsm-a']?.action, 'clear');
    assert.match(
      cleared.stderr,
      / hsm-a info : 0 : New NTLS certificate detected and the expiry date of this new certificate is [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4} GMT\n/,
    );
    await trapd.waitFor(2);
    assert.deepEqual(flags('hsm-a'), ['1', '0'], 'the clearing trap reached the receiver');
    assert.deepEqual(flags('hsm-b'), [], 'the healthy appliance never trapped');
  });
});
