/**
 * A gateway whose TLS certificate the check does not trust (docs/monitoring.md, Failure handling), end to
 * end: `certmonitor check` (the real CLI, a child process per run) → real gateways over HTTPS with
 * self-signed certificates (each its own CA) → Debian's snmptrapd. Counted at the receiver and, for the
 * untrusted gateway, in TLS handshakes (a TCP relay in front of it):
 * - without `--ca-file`: `CM_ERR_GATEWAY_UNTRUSTED`'s line naming `--ca-file`, the gateway and the TLS
 *   code; one handshake (not retried as a network error), exit 1, no trap;
 * - with `--ca-file` holding its CA: delivered, exit 0, one trap;
 * - an untrusted primary and a standby the CA file trusts: the standby delivers, exit 0, one trap.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DemoKeys, makeCertificatePem, makeDemoKeys } from '../../examples/demoCertificate.ts';
import { buildGatewayConfig } from '../../gateway/config/gatewayConfig.ts';
import { type RunningGateway, startGateway } from '../../gateway/gatewayRuntime.ts';
import { runCheckCli } from '../helpers/checkCli.ts';
import { countingRelay } from '../helpers/countingRelay.ts';
import { makeSelfSignedCert, type SelfSignedCert } from '../helpers/selfSignedCert.ts';
import { type RunningSnmptrapd, settledCountFor, startSnmptrapd } from '../helpers/snmptrapd.ts';

const DAY = 86_400_000;
const NOW = '2026-11-24T12:00:00Z';
const T0 = Date.parse(NOW);

type Summary = { notifications: { sent: number; failed: number }; deliveredBy?: Record<string, number> };

describe('an HTTPS gateway the check does not trust: check → gateway → snmptrapd', () => {
  let dir: string;
  let keys: DemoKeys;
  let trapd: RunningSnmptrapd;
  let secretFile: string;
  const certs: SelfSignedCert[] = [];
  const gateways: RunningGateway[] = [];
  let primary: RunningGateway;
  let primaryCert: SelfSignedCert;
  let standby: RunningGateway;
  let standbyCert: SelfSignedCert;

  const startOne = async (name: string, cert: SelfSignedCert) => {
    const config = buildGatewayConfig(
      {
        listen: { host: '127.0.0.1', port: 0, tls: { cert: cert.certFile, key: cert.keyFile } },
        auth: { keys: [{ id: 'lambda', secretFile }] },
        trapHosts: [
          { name: 'nms', host: '127.0.0.1', port: trapd.port, version: '2c', type: 'inform', community: 'public' },
        ],
        syslog: [{ file: join(dir, `${name}-lunalogs`) }],
        stateDir: join(dir, `${name}-state`),
      },
      dir,
      {},
    );
    const gateway = await startGateway(config, { stderr: undefined });
    await gateway.resumed;
    gateways.push(gateway);
    return gateway;
  };

  /** One appliance expiring in 10 days, in a fleet of its own. */
  const fleetOf = (appliance: string) => {
    const fleet = join(dir, `fleet-${appliance}`);
    if (existsSync(fleet)) return fleet;
    mkdirSync(join(fleet, appliance), { recursive: true });
    const notAfter = new Date(T0 + 10 * DAY);
    const pem = makeCertificatePem(keys, { commonName: appliance, notBefore: new Date(T0 - 300 * DAY), notAfter });
    writeFileSync(join(fleet, appliance, 'server.pem'), pem);
    return fleet;
  };

  const check = async (appliance: string, urls: readonly string[], extraArgs: readonly string[] = []) => {
    const run = await runCheckCli<Summary>({
      fleet: fleetOf(appliance),
      state: join(dir, `state-${appliance}`),
      gateways: urls,
      secretFile,
      now: NOW,
      timeoutMs: 120_000,
      extraArgs,
    });
    return { ...run, lines: run.stderr.split('\n').filter(Boolean) };
  };

  const trapsFor = (appliance: string, atLeast: number) => settledCountFor(trapd, appliance, atLeast);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certmonitor-untrusted-'));
    keys = makeDemoKeys();
    trapd = await startSnmptrapd();
    secretFile = join(dir, 'gateway.secret');
    writeFileSync(secretFile, `${randomBytes(32).toString('hex')}\n`);
    primaryCert = makeSelfSignedCert();
    standbyCert = makeSelfSignedCert();
    certs.push(primaryCert, standbyCert);
    primary = await startOne('primary', primaryCert);
    standby = await startOne('standby', standbyCert);
  });

  after(async () => {
    for (const gateway of gateways) await gateway.stop();
    await trapd?.stop();
    for (const cert of certs) cert.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('without --ca-file: the coded line naming --ca-file, the gateway and the TLS code; one handshake, exit 1', async () => {
    const relay = await countingRelay(Number(new URL(primary.url).port));
    try {
      const run = await check('hsm-untrusted', [relay.url]);
      assert.equal(run.exitCode, 1);
      assert.equal(run.outcomes['hsm-untrusted']?.action, 'trap-failed');
      assert.deepEqual(run.summary.notifications, { sent: 0, failed: 1 });
      const failed = run.lines.filter((l) => l.includes('Failed to deliver'));
      assert.equal(failed.length, 1, run.stderr);
      assert.match(
        failed[0] ?? '',
        new RegExp(
          `Failed to deliver NTLS certificate expiry notification to SNMP gateway ${relay.url}: gateway certificate not trusted: use --ca-file \\(CERTMONITOR_GATEWAY_CA_FILE; Lambda: extraCaCerts\\) for the CA of ${relay.url} \\((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\\)$`,
        ),
      );
      assert.ok(!run.stderr.includes('gateway unreachable'), run.stderr);
      // Not retried as a network error: one TLS handshake for the run.
      assert.equal(relay.connections(), 1);
    } finally {
      await relay.close();
    }
    assert.equal(await trapsFor('hsm-untrusted', 0), 0);
  });

  it('with --ca-file holding its CA: delivered, exit 0, one trap', async () => {
    const run = await check('hsm-trusted', [primary.url], ['--ca-file', primaryCert.certFile]);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.deepEqual(run.summary.notifications, { sent: 1, failed: 0 });
    assert.equal(await trapsFor('hsm-trusted', 1), 1);
  });

  it('an untrusted primary and a standby the CA file trusts: the standby delivers, exit 0, one trap', async () => {
    const run = await check('hsm-failover', [primary.url, standby.url], ['--ca-file', standbyCert.certFile]);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.deepEqual(run.summary.deliveredBy, { [standby.url]: 1 });
    const failover = run.lines.filter((l) => l.includes('Failed over'));
    assert.equal(failover.length, 1, run.stderr);
    assert.match(
      failover[0] ?? '',
      /to SNMP gateway https:\/\/127\.0\.0\.1:\d+: gateway certificate not trusted: use --ca-file/,
    );
    assert.equal(await trapsFor('hsm-failover', 1), 1);
  });
});
