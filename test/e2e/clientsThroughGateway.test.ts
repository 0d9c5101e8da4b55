/**
 * A regenerated appliance certificate that a Luna client has not registered, end to end
 * (docs/clients.md, The whole story): the check over a real fleet directory forwards the `untrusted`
 * notification through the real gateway on `/v2`; rsyslogd receives its line, and Debian's snmptrapd a
 * trap only from the gateway configured with `snmp.events.untrusted.oid`, never `ntlsAttentionNotify`.
 * After the client's bundle is updated, the clearing notification (assert flag 0) follows the same way.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dirStateLocation } from '../../adapters/createStateStore.ts';
import { DirSource } from '../../adapters/dir/dirSource.ts';
import { HttpForwarder } from '../../adapters/forwarder/httpForwarder.ts';
import type { LogSink } from '../../app/ports.ts';
import { runCheck } from '../../app/runCheck.ts';
import type { LogEntry } from '../../core/types.ts';
import { buildGatewayConfig } from '../../gateway/config/gatewayConfig.ts';
import { type RunningGateway, startGateway } from '../../gateway/gatewayRuntime.ts';
import { opensslChain } from '../helpers/opensslChain.ts';
import { settledLines } from '../helpers/peerProcess.ts';
import { type RunningRsyslog, startRsyslog } from '../helpers/rsyslog.ts';
import { type RunningSnmptrapd, startSnmptrapd } from '../helpers/snmptrapd.ts';

const UNTRUSTED_OID = '1.3.6.1.4.1.99999.7.4';
const NTLS_ATTENTION = '.1.3.6.1.4.1.23629.1.5.2.2.6';
const SECRET = 'clients-e2e-secret';
const HOUR = 3_600_000;
// A minute ahead: the certificates are made during the tests, valid from the second they are made.
const T0 = new Date(Date.now() + 60_000);
const pki = opensslChain();
let dir: string;
let trapd: RunningSnmptrapd;
let rsyslog: RunningRsyslog;
let withOid: RunningGateway;
let withoutOid: RunningGateway;

async function gateway(name: string, snmp: Record<string, unknown>): Promise<RunningGateway> {
  const config = buildGatewayConfig(
    {
      listen: { port: 0 },
      auth: { keys: [{ id: 'lambda', secretFile: './k.secret' }] },
      trapHosts: [{ name: 'nms', host: '127.0.0.1', port: trapd.port, version: '2c', community: 'public' }],
      syslog: [{ transport: 'udp', host: '127.0.0.1', port: rsyslog.udpPort }],
      snmp,
      stateDir: `./${name}-state`,
      hostname: name,
    },
    dir,
  );
  return startGateway(config, { stderr: undefined, pid: 4343 });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-clients-e2e-'));
  writeFileSync(join(dir, 'k.secret'), SECRET);
  trapd = await startSnmptrapd();
  rsyslog = await startRsyslog({ udp: true });
  withOid = await gateway('gw-oid', { events: { untrusted: { oid: UNTRUSTED_OID } } });
  withoutOid = await gateway('gw-plain', {});
});
after(async () => {
  await withOid?.stop();
  await withoutOid?.stop();
  await trapd?.stop();
  await rsyslog?.stop();
  pki.remove();
  rmSync(dir, { recursive: true, force: true });
});

const silent: LogSink = { write: (_: LogEntry) => undefined };

function put(fleet: string, relative: string, text: string) {
  mkdirSync(join(fleet, relative, '..'), { recursive: true });
  writeFileSync(join(fleet, relative), text);
}

/** One check of `fleet` through `gw` at T0 + hours. */
async function checkAt(fleet: string, gw: RunningGateway, hours: number) {
  const forwarder = new HttpForwarder({ url: gw.url, keyId: 'lambda', secret: SECRET });
  await runCheck({
    source: new DirSource(fleet),
    state: dirStateLocation(`${fleet}-state`),
    forwarder,
    log: silent,
    settings: { thresholdDays: 30, repeatHours: 24 },
    now: new Date(T0.getTime() + hours * HOUR),
  });
}

/** A fleet where client `client` registered hsm01's certificate (the tests then regenerate it). */
function registeredFleet(name: string, client: string): string {
  const fleet = join(dir, name);
  const old = pki.selfSigned(`${name}-hsm01`);
  put(fleet, 'hsm01/server.pem', old);
  put(fleet, `_clients/${client}/client.pem`, pki.selfSigned(`${client}-cert`));
  put(fleet, `_clients/${client}/trust.pem`, old);
  put(
    fleet,
    'fleet.json',
    JSON.stringify({
      appliances: { hsm01: { address: '192.0.2.5' } },
      clients: { [client]: { appliances: ['hsm01'] } },
    }),
  );
  return fleet;
}

/** Lines received with `text`, once at least `n` arrived and a moment passed for a stray one. */
async function settled(read: () => string[], text: string, n: number): Promise<string[]> {
  return settledLines(() => read().filter((l) => l.includes(text)), n, 500);
}

describe('an unregistered regenerated certificate through the real gateway', () => {
  it('traps untrusted with its OID and clears it (flag 0) after the bundle update; syslog has both lines', async () => {
    const fleet = registeredFleet('fleet-a', 'appa');
    await checkAt(fleet, withOid, 0);
    const regenerated = pki.selfSigned('fleet-a-hsm01');
    put(fleet, 'hsm01/server.pem', regenerated);
    await checkAt(fleet, withOid, 1);
    const raised = await settled(() => trapd.lines(), '"appa"', 1);
    assert.equal(raised.length, 1, raised.join('\n'));
    assert.ok(raised[0]!.includes(`OID: .${UNTRUSTED_OID}`), raised.join('\n'));
    assert.ok(raised[0]!.includes(`.${UNTRUSTED_OID}.6 = INTEGER: 1`), raised.join('\n'));
    assert.ok(!raised[0]!.includes(NTLS_ATTENTION), 'never ntlsAttentionNotify');
    const lines = await settled(
      () => rsyslog.lines(),
      'Client appa does not trust the NTLS certificate that hsm01 presents',
      1,
    );
    assert.equal(lines.length, 1);

    put(fleet, '_clients/appa/trust.pem', regenerated);
    await checkAt(fleet, withOid, 2);
    const all = await settled(() => trapd.lines(), '"appa"', 2);
    assert.equal(all.length, 2, all.join('\n'));
    assert.ok(all[1]!.includes(`.${UNTRUSTED_OID}.6 = INTEGER: 0`), all.join('\n'));
    const cleared = await settled(() => rsyslog.lines(), 'appa', 2);
    assert.ok(cleared.length >= 2, cleared.join('\n'));
  });

  it('writes the untrusted line to syslog and sends no trap without snmp.events.untrusted.oid', async () => {
    const fleet = registeredFleet('fleet-b', 'appb');
    await checkAt(fleet, withoutOid, 0);
    put(fleet, 'hsm01/server.pem', pki.selfSigned('fleet-b-hsm01'));
    await checkAt(fleet, withoutOid, 1);
    const lines = await settled(
      () => rsyslog.lines(),
      'Client appb does not trust the NTLS certificate that hsm01 presents',
      1,
    );
    assert.equal(lines.length, 1);
    assert.deepEqual(await settled(() => trapd.lines(), '"appb"', 0), []);
  });
});
