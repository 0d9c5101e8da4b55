/**
 * A finding end to end (docs/reference.md, Certificate findings): `certmonitor check` with a policy flag
 * forwards a `finding` notification through the real gateway's `/v2` to Debian's rsyslogd; with no
 * `snmp.events.finding.oid` no trap reaches snmptrapd. Without a policy nothing is forwarded at all.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildGatewayConfig } from '../../gateway/config/gatewayConfig.ts';
import { type RunningGateway, startGateway } from '../../gateway/gatewayRuntime.ts';
import { runCheckCli } from '../helpers/checkCli.ts';
import { type OpensslCertificates, opensslCertificates } from '../helpers/opensslCertificates.ts';
import { settledLines } from '../helpers/peerProcess.ts';
import { type RunningRsyslog, startRsyslog } from '../helpers/rsyslog.ts';
import { type RunningSnmptrapd, startSnmptrapd } from '../helpers/snmptrapd.ts';

let dir: string;
let certs: OpensslCertificates;
let trapd: RunningSnmptrapd;
let rsyslog: RunningRsyslog;
let gateway: RunningGateway;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-finding-e2e-'));
  certs = opensslCertificates();
  for (const appliance of ['hsm-weak', 'hsm-also-weak']) {
    mkdirSync(join(dir, 'fleet', appliance), { recursive: true });
    writeFileSync(join(dir, 'fleet', appliance, 'server.pem'), certs.make(appliance, { key: 'rsa:1024', days: 365 }));
  }
  writeFileSync(join(dir, 'k.secret'), 'finding-e2e-secret');
  trapd = await startSnmptrapd();
  rsyslog = await startRsyslog({ udp: true });
  const config = buildGatewayConfig(
    {
      listen: { host: '127.0.0.1', port: 0 },
      auth: { keys: [{ id: 'lambda', secretFile: './k.secret' }] },
      trapHosts: [{ name: 'nms', host: '127.0.0.1', port: trapd.port, version: '2c', community: 'public' }],
      syslog: [{ transport: 'udp', host: '127.0.0.1', port: rsyslog.udpPort }],
      stateDir: './gateway-state',
    },
    dir,
  );
  gateway = await startGateway(config, { stderr: undefined });
});
after(async () => {
  await gateway?.stop();
  await trapd?.stop();
  await rsyslog?.stop();
  certs?.remove();
  rmSync(dir, { recursive: true, force: true });
});

/** Syslog lines that mention `text`, once `n` arrived and a moment passed for a stray one. */
async function linesWith(text: string, n: number): Promise<string[]> {
  return settledLines(() => rsyslog.lines().filter((l) => l.includes(text)), n, 500);
}

const run = (fleet: string, state: string, extraArgs: string[] = []) =>
  runCheckCli<{ notifications: { sent: number; failed: number } }>({
    fleet: join(dir, fleet),
    state: join(dir, state),
    gateways: [gateway.url],
    secretFile: join(dir, 'k.secret'),
    now: new Date().toISOString(),
    extraArgs,
  });

describe('a finding through the real gateway', () => {
  it('reaches syslog with a policy, and no trap without snmp.events.finding.oid', async () => {
    const result = await run('fleet', 'state-policy', ['--min-rsa-bits', '2048']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, /hsm-weak warning : 0 : NTLS certificate of hsm-weak has policy finding weak_key/);
    const lines = await linesWith('has policy finding weak_key: RSA-1024 (policy minimum 2048 bits)', 2);
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.ok(lines.some((l) => l.includes('NTLS certificate of hsm-weak has policy finding')));
    assert.equal(trapd.lines().length, 0, trapd.lines().join('\n'));
  });

  it('forwards and logs nothing without a policy (the findings are in --json only)', async () => {
    const before = rsyslog.lines().length;
    const result = await run('fleet', 'state-none');
    assert.equal(result.exitCode, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /policy finding/);
    assert.equal(result.summary.notifications.sent, 0);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(rsyslog.lines().length, before);
    assert.equal(trapd.lines().length, 0);
  });
});
