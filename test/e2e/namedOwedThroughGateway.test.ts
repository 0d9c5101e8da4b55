/**
 * A named certificate's expiry trap that one trap host missed, end to end (docs/reference.md, Named
 * certificates): the built CLI over a `dir:` fleet, the real gateway with two v2c inform hosts (a Debian
 * snmptrapd, and a closed port that starts listening later) and `snmp.events.certificate.oid`. The healthy
 * host gets the web certificate's trap at once; the other is owed it, and once it listens the next run
 * delivers it to that host only. Counted at the receivers.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeCertificatePem, makeDemoKeys } from '../../examples/demoCertificate.ts';
import { buildGatewayConfig } from '../../gateway/config/gatewayConfig.ts';
import { type RunningGateway, startGateway } from '../../gateway/gatewayRuntime.ts';
import { runCheckCli } from '../helpers/checkCli.ts';
import { freeUdpPort } from '../helpers/freePort.ts';
import { informEntry } from '../helpers/informHost.ts';
import { type RunningSnmptrapd, startSnmptrapd } from '../helpers/snmptrapd.ts';

const CERTIFICATE_OID = '1.3.6.1.4.1.99999.8.1';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-11-24T12:00:00Z');

interface Summary {
  readonly trapHosts: { partial: number; retried: number; owed: number; failing: number };
}

let dir: string;
let secretFile: string;
let nms1: RunningSnmptrapd;
let nms2: RunningSnmptrapd | undefined;
let closedPort: number;
let gateway: RunningGateway;

const webTraps = (trapd: RunningSnmptrapd) =>
  trapd.lines().filter((l) => l.includes(`.${CERTIFICATE_OID}.2 = STRING: "web"`));

function check(hours: number) {
  return runCheckCli<Summary>({
    fleet: join(dir, 'fleet'),
    state: join(dir, 'state'),
    gateways: [gateway.url],
    secretFile,
    now: new Date(T0 + hours * HOUR).toISOString(),
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-named-owed-e2e-'));
  secretFile = join(dir, 'gateway.secret');
  writeFileSync(secretFile, `${'ab'.repeat(32)}\n`);
  nms1 = await startSnmptrapd();
  closedPort = await freeUdpPort();
  const config = buildGatewayConfig(
    {
      listen: { host: '127.0.0.1', port: 0 },
      auth: { keys: [{ id: 'lambda', secretFile }] },
      trapHosts: [informEntry('nms1', nms1.port, 1000, 2), informEntry('nms2', closedPort, 300, 0)],
      syslog: [{ file: join(dir, 'lunalogs') }],
      snmp: { events: { certificate: { oid: CERTIFICATE_OID } } },
      stateDir: join(dir, 'gateway-state'),
    },
    dir,
  );
  gateway = await startGateway(config, { stderr: undefined });
  await gateway.resumed;
  const keys = makeDemoKeys();
  const pem = (cn: string, days: number) =>
    makeCertificatePem(keys, {
      commonName: cn,
      notBefore: new Date(T0 - 300 * DAY),
      notAfter: new Date(T0 + days * DAY),
    });
  mkdirSync(join(dir, 'fleet', 'hsm-w'), { recursive: true });
  writeFileSync(join(dir, 'fleet', 'hsm-w', 'server.pem'), pem('hsm-w', 400));
  writeFileSync(join(dir, 'fleet', 'hsm-w', 'web.pem'), pem('hsm-w.example.net', 10));
  const inventory = { appliances: { 'hsm-w': { address: '192.0.2.44', certificates: { web: { port: 8443 } } } } };
  writeFileSync(join(dir, 'fleet', 'fleet.json'), JSON.stringify(inventory));
});

after(async () => {
  await gateway?.stop();
  await nms1?.stop();
  await nms2?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a named certificate owed to a trap host', () => {
  it('is delivered to the healthy host at once, and to the other, only it, once it listens', async () => {
    const first = await check(0);
    assert.equal(first.exitCode, 0, first.stderr);
    assert.equal(first.summary.trapHosts.partial, 1);
    await nms1.waitFor(1);

    const stillDown = await check(1);
    assert.equal(stillDown.summary.trapHosts.owed, 1, 'retried to nms2 alone, which still does not answer');

    nms2 = await startSnmptrapd({ port: closedPort });
    const back = await check(2);
    assert.equal(back.exitCode, 0, back.stderr);
    assert.deepEqual(back.summary.trapHosts, { partial: 0, retried: 1, owed: 0, failing: 0 });
    await nms2.waitFor(1);

    const quiet = await check(3);
    assert.deepEqual(quiet.summary.trapHosts, { partial: 0, retried: 0, owed: 0, failing: 0 });
    // The later run sent nothing: both counts are final once its (empty) delivery is done.
    assert.equal(webTraps(nms1).length, 1, nms1.lines().join('\n'));
    assert.equal(webTraps(nms2).length, 1, nms2.lines().join('\n'));
    assert.equal(nms1.lines().length + nms2.lines().length, 2, 'nothing else was trapped');
  });
});
