/**
 * `POST /v2/notifications` end to end (docs/gateway.md, Newer notifications): signed requests into the real
 * gateway, traps out to Debian's snmptrapd, RFC 3164 lines out to rsyslogd. A newer kind traps with its own
 * OID only where `snmp.events.<kind>.oid` names one; an NTLS notification that is on `/v2` only for its
 * severity traps as `ntlsAttentionNotify`, exactly as on `/v1`, and its line is written at `crit`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildGatewayConfig } from '../../gateway/config/gatewayConfig.ts';
import { type RunningGateway, startGateway } from '../../gateway/gatewayRuntime.ts';
import { type GatewayResponse, rawRequest, signedHeaders } from '../helpers/gatewayClient.ts';
import { settledLines } from '../helpers/peerProcess.ts';
import { type RunningRsyslog, startRsyslog, syslogFrom } from '../helpers/rsyslog.ts';
import { type RunningSnmptrapd, startSnmptrapd } from '../helpers/snmptrapd.ts';

const FINDING_OID = '1.3.6.1.4.1.99999.7.5';
const FP = Array.from({ length: 32 }, () => 'AB').join(':');
const key = { keyId: 'k1', secretFile: './k1.secret', secret: 'v2-secret' };
let dir: string;
let trapd: RunningSnmptrapd;
let rsyslog: RunningRsyslog;
/** With `snmp.events.finding.oid`, and without any event OID. */
let withOid: RunningGateway;
let withoutOid: RunningGateway;

async function gateway(name: string, snmp: Record<string, unknown>): Promise<RunningGateway> {
  const config = buildGatewayConfig(
    {
      listen: { port: 0 },
      auth: { keys: [{ id: key.keyId, secretFile: key.secretFile }] },
      trapHosts: [
        { name: 'nms', host: '127.0.0.1', port: trapd.port, version: '2c', community: 'public' },
        { name: 'v1', host: '127.0.0.1', port: trapd.port, version: 1, community: 'public' },
      ],
      syslog: [{ transport: 'udp', host: '127.0.0.1', port: rsyslog.udpPort }],
      snmp,
      stateDir: `./${name}-state`,
      hostname: name,
    },
    dir,
  );
  return startGateway(config, { stderr: undefined, pid: 4242 });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-v2-'));
  writeFileSync(join(dir, 'k1.secret'), key.secret);
  trapd = await startSnmptrapd();
  rsyslog = await startRsyslog({ udp: true });
  withOid = await gateway('gw-oid', { events: { finding: { oid: FINDING_OID } } });
  withoutOid = await gateway('gw-plain', {});
});
after(async () => {
  await withOid?.stop();
  await withoutOid?.stop();
  await trapd?.stop();
  await rsyslog?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function postV2(url: string, notifications: unknown[], headers?: Record<string, string>): Promise<GatewayResponse> {
  const body = JSON.stringify({ notifications });
  return rawRequest(url, { path: '/v2/notifications', body, headers: headers ?? signedHeaders(body, key) });
}

const finding = (appliance: string) => ({
  id: `${appliance}:AB:finding:weak_key`,
  appliance,
  address: '192.0.2.9',
  event: 'finding',
  finding: 'weak_key',
  detail: 'RSA-1024',
  notAfter: '2027-03-01T00:00:00Z',
  fingerprintSha256: FP,
  observedAt: '2026-11-24T12:00:00Z',
});

/** A received line as `severity|body`. */
const shown = (line: string) => `${line.split('|')[1]}|${line.slice(line.indexOf('certmonitord[4242]: ') + 20)}`;

/** Traps whose varbinds mention `text`, after they settled. */
async function trapsWith(text: string, atLeast: number): Promise<string[]> {
  return settledLines(() => trapd.lines().filter((l) => l.includes(text)), atLeast, 500);
}

describe('POST /v2/notifications into snmptrapd and rsyslogd', () => {
  it('traps a finding with its configured OID and varbinds, and writes its line', async () => {
    const r = await postV2(withOid.url, [finding('hsm-f')]);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual((r.body as { results: unknown[] }).results, [
      {
        id: 'hsm-f:AB:finding:weak_key',
        duplicate: false,
        traps: [
          { host: 'nms', ok: true },
          { host: 'v1', ok: true },
        ],
        syslog: 'ok',
      },
    ]);
    const traps = await trapsWith('"hsm-f"', 2);
    assert.equal(traps.length, 2);
    // SNMPv1: enterprise = the OID without its last number, specific-trap = that number.
    assert.equal(traps.filter((l) => l.startsWith('V1|0|.1.3.6.1.4.1.99999.7|6|.5|192.0.2.9|')).length, 1);
    const trap = traps.find((l) => l.startsWith('V2|'))!;
    assert.ok(trap.includes(`.1.3.6.1.6.3.1.1.4.1.0 = OID: .${FINDING_OID}`), trap);
    assert.ok(trap.includes(`.${FINDING_OID}.1 = STRING: "hsm-f"`), trap);
    assert.ok(trap.includes(`.${FINDING_OID}.2 = STRING: "NTLS"`), trap);
    assert.ok(trap.includes(`.${FINDING_OID}.3 = STRING: "finding"`), trap);
    assert.ok(trap.includes(`.${FINDING_OID}.4 = STRING: "2027-03-01T00:00:00Z"`), trap);
    assert.ok(trap.includes(`.${FINDING_OID}.5 = STRING: "${FP}"`), trap);
    assert.ok(trap.includes(`.${FINDING_OID}.6 = INTEGER: 1`), trap);
    assert.ok(trap.includes(`.${FINDING_OID}.9 = STRING: "weak_key"`), trap);
    assert.ok(!trap.includes('.1.3.6.1.4.1.23629.1.5.2.2.6'), 'never ntlsAttentionNotify');

    const lines = await syslogFrom(rsyslog, 'hsm-f', 3);
    assert.deepEqual(lines.map(shown).sort(), [
      'info|info : 0 : Certificate finding SNMP trap sent to trap host nms',
      'info|info : 0 : Certificate finding SNMP trap sent to trap host v1',
      'warning|warning : 0 : NTLS certificate of hsm-f has policy finding weak_key: RSA-1024',
    ]);
    assert.ok(lines[0]!.endsWith('has policy finding weak_key: RSA-1024'), 'the event line comes first');
    const metrics = await (await fetch(withOid.metricsUrl!)).text();
    assert.match(metrics, /^certmonitor_gateway_notifications_by_kind_total\{kind="finding"\} 1$/m);
    assert.match(metrics, /^certmonitor_gateway_notifications_by_kind_total\{kind="ntls"\} 0$/m);
  });

  it('writes the same finding to syslog only where no OID is configured: no trap at all', async () => {
    const before = trapd.lines().length;
    const r = await postV2(withoutOid.url, [finding('hsm-g')]);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual((r.body as { results: Array<{ traps: unknown[] }> }).results[0]!.traps, []);
    const lines = await syslogFrom(rsyslog, 'hsm-g', 1);
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.endsWith('warning : 0 : NTLS certificate of hsm-g has policy finding weak_key: RSA-1024'));
    assert.equal((await trapsWith('"hsm-g', 0)).length, 0);
    assert.equal(trapd.lines().length, before);
  });

  it('sends a critical NTLS expiring as ntlsAttentionNotify with flag 1 and writes its line at crit', async () => {
    const r = await postV2(withoutOid.url, [
      {
        id: 'hsm-c:AB:expiring:critical',
        appliance: 'hsm-c',
        address: '192.0.2.10',
        event: 'expiring',
        severity: 'critical',
        notAfter: '2026-12-01T08:00:00Z',
        fingerprintSha256: FP,
        observedAt: '2026-11-24T12:00:00Z',
      },
    ]);
    assert.equal(r.status, 200, r.text);
    const both = await trapsWith('"[hsm-c:192.0.2.10 /', 2);
    assert.equal(both.length, 2);
    assert.equal(both.filter((l) => l.startsWith('V1|0|.1.3.6.1.4.1.23629.1.5.2.2|6|.6|192.0.2.10|')).length, 1);
    const traps = both.filter((l) => l.startsWith('V2|'));
    assert.ok(traps[0]!.includes('.1.3.6.1.6.3.1.1.4.1.0 = OID: .1.3.6.1.4.1.23629.1.5.2.2.6'), traps[0]!);
    assert.ok(
      traps[0]!.includes(
        '.1.3.6.1.4.1.23629.1.5.2.2.1 = STRING: "[hsm-c:192.0.2.10 / lunalogs / 2026 Nov 24 12:00:00 / certmonitord[4242] / 1]"',
      ),
      traps[0]!,
    );
    const lines = await syslogFrom(rsyslog, 'hsm-c', 3);
    assert.equal(lines.length, 3);
    // PRI 170 = local5 (21) × 8 + crit (2): the event line only; the trap's own line keeps its severity.
    assert.ok(lines[0]!.startsWith('local5|crit|hsm-c|certmonitord[4242]:|<170>'), lines[0]!);
    assert.ok(lines[0]!.endsWith('info : 0 : NTLS certificate will be expire on Dec  1 08:00:00 2026 GMT'));
    assert.ok(lines[1]!.startsWith('local5|info|hsm-c|certmonitord[4242]:|<174>'), lines[1]!);
    assert.deepEqual(lines.slice(1).map(shown).sort(), [
      'info|info : 0 : NTLS certificate expiry SNMP trap sent to trap host nms',
      'info|info : 0 : NTLS certificate expiry SNMP trap sent to trap host v1',
    ]);
  });

  it('refuses what /v1 refuses, naming the field and never the value', async () => {
    const bad = await postV2(withOid.url, [{ ...finding('hsm-x'), finding: undefined }]);
    assert.equal(bad.status, 400);
    assert.equal(
      (bad.body as { error: { message: string } }).error.message,
      'notifications[0].finding: required with event finding',
    );
    const body = JSON.stringify({ notifications: [finding('hsm-x')] });
    const forged = await postV2(withOid.url, [finding('hsm-x')], {
      ...signedHeaders(body, { ...key, secret: 'wrong-secret' }),
    });
    assert.equal(forged.status, 401);
    const once = signedHeaders(body, key);
    assert.equal((await postV2(withOid.url, [finding('hsm-x')], once)).status, 200);
    const replayed = await postV2(withOid.url, [finding('hsm-x')], once);
    assert.equal(replayed.status, 401);
    assert.equal((replayed.body as { error: { code: string } }).error.code, 'GW_ERR_AUTH_REPLAY');
    const text = await postV2(withOid.url, [finding('hsm-z')], {
      ...signedHeaders(body, key),
      'content-type': 'text/plain',
    });
    assert.equal(text.status, 415);
    const large = JSON.stringify({ notifications: [finding('hsm-z')], pad: 'x'.repeat(1024 * 1024) });
    const tooLarge = await rawRequest(withOid.url, {
      path: '/v2/notifications',
      body: large,
      headers: signedHeaders(large, key),
    });
    assert.equal(tooLarge.status, 413);
  });
});
