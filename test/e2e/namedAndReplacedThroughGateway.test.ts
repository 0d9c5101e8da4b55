/**
 * Named certificates and replaced certificates end to end: the built CLI (`certmonitor check`) over a
 * `dir:` fleet, forwarding through the real gateway into Debian's snmptrapd and rsyslogd. A named
 * certificate's expiry and an unplanned replacement reach syslog always, and trap only with
 * `snmp.events.certificate.oid` / `snmp.events.replaced.oid` configured, never as ntlsAttentionNotify.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DemoKeys, makeCertificatePem, makeDemoKeys } from '../../examples/demoCertificate.ts';
import { buildGatewayConfig } from '../../gateway/config/gatewayConfig.ts';
import { type RunningGateway, startGateway } from '../../gateway/gatewayRuntime.ts';
import { runCheckCli } from '../helpers/checkCli.ts';
import { settledLines } from '../helpers/peerProcess.ts';
import { type RunningRsyslog, startRsyslog, syslogFrom } from '../helpers/rsyslog.ts';
import { type RunningSnmptrapd, startSnmptrapd } from '../helpers/snmptrapd.ts';

const CERTIFICATE_OID = '1.3.6.1.4.1.99999.7.1';
const REPLACED_OID = '1.3.6.1.4.1.99999.7.3';
const NTLS_ATTENTION = '.1.3.6.1.4.1.23629.1.5.2.2.6';
const DAY = 86_400_000;
const T0 = Date.parse('2026-11-24T12:00:00Z');

let dir: string;
let keys: DemoKeys;
let secretFile: string;
let trapd: RunningSnmptrapd;
let rsyslog: RunningRsyslog;
let withOids: RunningGateway;
let withoutOids: RunningGateway;

async function gateway(name: string, snmp: Record<string, unknown>): Promise<RunningGateway> {
  const config = buildGatewayConfig(
    {
      listen: { host: '127.0.0.1', port: 0 },
      auth: { keys: [{ id: 'lambda', secretFile }] },
      trapHosts: [{ name: 'nms', host: '127.0.0.1', port: trapd.port, version: '2c', community: 'public' }],
      syslog: [{ transport: 'udp', host: '127.0.0.1', port: rsyslog.udpPort }],
      snmp,
      stateDir: join(dir, `${name}-state`),
    },
    dir,
  );
  return startGateway(config, { stderr: undefined });
}

function writePem(fleet: string, file: string, commonName: string, days: number): void {
  mkdirSync(join(dir, fleet, file, '..'), { recursive: true });
  const pem = makeCertificatePem(keys, {
    commonName,
    notBefore: new Date(T0 - 300 * DAY),
    notAfter: new Date(T0 + days * DAY),
  });
  writeFileSync(join(dir, fleet, file), pem);
}

/** A fleet of one appliance with an NTLS certificate valid 400 days and a web certificate expiring in 10. */
function makeFleet(fleet: string, appliance: string): void {
  writePem(fleet, `${appliance}/server.pem`, appliance, 400);
  writePem(fleet, `${appliance}/web.pem`, `${appliance}.example.net`, 10);
  const inventory = { appliances: { [appliance]: { address: '192.0.2.31', certificates: { web: { port: 8443 } } } } };
  writeFileSync(join(dir, fleet, 'fleet.json'), JSON.stringify(inventory));
}

function check(fleet: string, gatewayUrl: string, days: number, extraArgs: string[] = []) {
  return runCheckCli<Record<string, unknown>>({
    fleet: join(dir, fleet),
    state: join(dir, `${fleet}-state`),
    gateways: [gatewayUrl],
    secretFile,
    now: new Date(T0 + days * DAY).toISOString(),
    extraArgs,
  });
}

/** The traps naming `appliance` in a varbind, once at least `n` arrived and a moment passed. */
async function trapsFor(appliance: string, n: number): Promise<string[]> {
  const mine = () => trapd.lines().filter((l) => l.includes(`"${appliance}"`) || l.includes(`[${appliance}:`));
  return settledLines(mine, n, 500);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-named-e2e-'));
  keys = makeDemoKeys();
  secretFile = join(dir, 'gateway.secret');
  writeFileSync(secretFile, `${'cd'.repeat(32)}\n`);
  trapd = await startSnmptrapd();
  rsyslog = await startRsyslog({ udp: true });
  withOids = await gateway('gw-oids', {
    events: { certificate: { oid: CERTIFICATE_OID }, replaced: { oid: REPLACED_OID } },
  });
  withoutOids = await gateway('gw-plain', {});
});
after(async () => {
  await withOids?.stop();
  await withoutOids?.stop();
  await trapd?.stop();
  await rsyslog?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('named and replaced certificates through the real gateway', () => {
  it('a named certificate expiring: its line at rsyslog and a trap with the certificate OID, never ntlsAttentionNotify', async () => {
    makeFleet('fleet-a', 'hsm-n1');
    const run = await check('fleet-a', withOids.url, 0);
    assert.equal(run.exitCode, 0, run.stderr);
    const lines = await syslogFrom(rsyslog, 'hsm-n1', 2);
    assert.ok(
      lines.some((l) => l.endsWith('info : 0 : web certificate of hsm-n1 will expire on Dec  4 12:00:00 2026 GMT')),
      lines.join('\n'),
    );
    assert.ok(lines.some((l) => l.endsWith('info : 0 : Certificate certificate SNMP trap sent to trap host nms')));
    const traps = await trapsFor('hsm-n1', 1);
    assert.equal(traps.length, 1, traps.join('\n'));
    assert.ok(traps[0]?.includes(`.1.3.6.1.6.3.1.1.4.1.0 = OID: .${CERTIFICATE_OID}`), String(traps[0]));
    assert.ok(traps[0]?.includes(`.${CERTIFICATE_OID}.2 = STRING: "web"`), String(traps[0]));
    assert.ok(!traps.some((t) => t.includes(NTLS_ATTENTION)), 'never ntlsAttentionNotify');
  });

  it('an NTLS certificate replaced early (--replaced): the replaced line and a trap with the replaced OID only', async () => {
    writePem('fleet-a', 'hsm-n1/server.pem', 'hsm-n1 regenerated', 3650);
    const before = (await trapsFor('hsm-n1', 1)).length;
    const run = await check('fleet-a', withOids.url, 0.5, ['--replaced']);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(run.outcomes['hsm-n1']?.action, 'replaced');
    const lines = await syslogFrom(rsyslog, 'hsm-n1', 4);
    const replaced = lines.find((l) => l.includes('NTLS certificate of hsm-n1 was replaced'));
    assert.match(
      replaced ?? '',
      /warning : 0 : NTLS certificate of hsm-n1 was replaced 369 day\(s\) before its expiry threshold \(fingerprint [0-9A-F:]{95} replaced by [0-9A-F:]{95}\): clients must register the new certificate$/,
    );
    assert.ok(lines.some((l) => l.endsWith('info : 0 : Certificate replaced SNMP trap sent to trap host nms')));
    const traps = (await trapsFor('hsm-n1', before + 1)).slice(before);
    assert.equal(traps.length, 1, traps.join('\n'));
    assert.ok(traps[0]?.includes(`.1.3.6.1.6.3.1.1.4.1.0 = OID: .${REPLACED_OID}`), String(traps[0]));
    assert.ok(!traps.some((t) => t.includes(NTLS_ATTENTION)), 'never ntlsAttentionNotify');
    // Sent once: the next run has nothing more to say about it.
    const again = await check('fleet-a', withOids.url, 0.6, ['--replaced']);
    assert.equal(again.outcomes['hsm-n1']?.action, 'none');
  });

  it('without event OIDs, the same lines reach syslog and no trap is sent at all', async () => {
    makeFleet('fleet-b', 'hsm-n2');
    const run = await check('fleet-b', withoutOids.url, 0);
    assert.equal(run.exitCode, 0, run.stderr);
    writePem('fleet-b', 'hsm-n2/server.pem', 'hsm-n2 regenerated', 3650);
    const replaced = await check('fleet-b', withoutOids.url, 0.5, ['--replaced']);
    assert.equal(replaced.exitCode, 0, replaced.stderr);
    const lines = await syslogFrom(rsyslog, 'hsm-n2', 2);
    assert.ok(lines.some((l) => l.endsWith('web certificate of hsm-n2 will expire on Dec  4 12:00:00 2026 GMT')));
    assert.ok(lines.some((l) => l.includes('NTLS certificate of hsm-n2 was replaced')));
    assert.equal((await trapsFor('hsm-n2', 0)).length, 0);
  });
});
