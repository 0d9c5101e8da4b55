/**
 * The whole regeneration story of docs/clients.md (The whole story), end to end against real peers and
 * the built CLI only: two `openssl s_server` appliances (NTLS with `-Verify 1`, and a web port without a
 * client certificate, the inventory's named certificate `web`), `certmonitor collect` into a `dir:` fleet,
 * three Luna clients published with `certmonitor collect-client`, and `certmonitor check` through the real
 * gateway (OIDs configured for `replaced`, `untrusted`, `certificate` and `client`) into Debian's
 * snmptrapd (v2c informs) and rsyslogd. One appliance regenerates its NTLS certificate: Luna's line, one
 * `replaced` line and trap, one `untrusted` line and trap per client that registered the old certificate
 * (none for the client that does not list it), no repeat inside H, and after the clients publish their
 * updated bundles one `trusted` line and clearing trap (flag 0) each. Never an `ntlsAttentionNotify`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildGatewayConfig } from '../../gateway/config/gatewayConfig.ts';
import { type RunningGateway, startGateway } from '../../gateway/gatewayRuntime.ts';
import { runCheckCli } from '../helpers/checkCli.ts';
import {
  type CertificateFactory,
  certificateFactory,
  type IssuedCertificate,
  type RunningAppliance,
  startOpensslAppliance,
} from '../helpers/ntlsAppliance.ts';
import { type RunningRsyslog, startRsyslog } from '../helpers/rsyslog.ts';
import { type RunningSnmptrapd, startSnmptrapd } from '../helpers/snmptrapd.ts';
import { waitUntil } from '../helpers/waitUntil.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const OIDS = {
  certificate: '1.3.6.1.4.1.99999.9.1',
  client: '1.3.6.1.4.1.99999.9.2',
  replaced: '1.3.6.1.4.1.99999.9.3',
  untrusted: '1.3.6.1.4.1.99999.9.4',
};
const NTLS_ATTENTION = '.1.3.6.1.4.1.23629.1.5.2.2.6';
const HOUR = 3_600_000;
// A minute ahead: the certificates are made during the test, valid from the second they are made.
const T0 = Date.now() + 60_000;
/** Which appliances each client lists; app1 and app2 registered hsm-a, app3 does not list it. */
const CLIENTS: Record<string, string[]> = { app1: ['hsm-a', 'hsm-b'], app2: ['hsm-a'], app3: ['hsm-b'] };

let dir: string;
let fleet: string;
let secretFile: string;
let certs: CertificateFactory;
let trapd: RunningSnmptrapd;
let rsyslog: RunningRsyslog;
let gateway: RunningGateway;
const ntls: Record<string, RunningAppliance> = {};
const web: Record<string, RunningAppliance> = {};
const ntlsCert: Record<string, IssuedCertificate> = {};

/** The built CLI with a clean CERTMONITOR_* environment; resolves with its exit status and output. */
function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CERTMONITOR_')));
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/certmonitor.js', ...args], { cwd: ROOT, env, timeout: 60_000 }, (e, o, s) =>
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : 99) : 0, stdout: o, stderr: s }),
    );
  });
}

async function collect(): Promise<void> {
  const run = await cli(['collect', '--inventory', join(fleet, 'fleet.json'), '--to', `dir:${fleet}`, '--json']);
  assert.equal(run.code, 0, run.stderr);
}

/** Publishes a client's certificate (its key in the same file, as some installations keep it) and bundle. */
async function collectClient(name: string): Promise<void> {
  const own = certs.selfSigned(`${name}-client`, 'p256');
  const certFile = certs.file(`${name}-with-key.pem`, own.pem + certs.readKey(own));
  const bundle = certs.file(`${name}-CAFile.pem`, CLIENTS[name]!.map((a) => ntlsCert[a]!.pem).join(''));
  const run = await cli([
    'collect-client',
    '--name',
    name,
    '--cert',
    certFile,
    '--trust',
    bundle,
    '--to',
    `dir:${fleet}`,
  ]);
  assert.equal(run.code, 0, run.stderr);
}

function check(hours: number) {
  return runCheckCli<Record<string, unknown>>({
    fleet,
    state: join(dir, 'state'),
    gateways: [gateway.url],
    secretFile,
    now: new Date(T0 + hours * HOUR).toISOString(),
  });
}

/** What the receivers counted so far. */
const traps = (oid: string, text = '') =>
  trapd.lines().filter((l) => l.includes(`= OID: .${oid}~~`) && l.includes(text));
const untrustedTraps = (client: string, flag: 0 | 1) =>
  traps(OIDS.untrusted, `.${OIDS.untrusted}.8 = STRING: "${client}"`).filter((l) =>
    l.includes(`.${OIDS.untrusted}.6 = INTEGER: ${flag}`),
  );
const syslog = (text: string) => rsyslog.lines().filter((l) => l.includes(text));
const untrustedText = (client: string) => `Client ${client} does not trust the NTLS certificate that hsm-a presents`;
const trustedText = (client: string) => `Client ${client} trusts the NTLS certificate that hsm-a presents`;
const REPLACED_TEXT = 'NTLS certificate of hsm-a was replaced';

async function startAppliance(name: string, port?: number): Promise<void> {
  ntlsCert[name] = certs.selfSigned(`${name}-${Date.now()}`, 'rsa', { days: 3650, cn: name });
  ntls[name] = await startOpensslAppliance({ certificate: ntlsCert[name]!, ...(port ? { port } : {}) });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-story-e2e-'));
  fleet = join(dir, 'fleet');
  mkdirSync(fleet);
  secretFile = join(dir, 'gateway.secret');
  writeFileSync(secretFile, `${'ef'.repeat(32)}\n`);
  certs = certificateFactory();
  trapd = await startSnmptrapd();
  rsyslog = await startRsyslog({ udp: true });
  const config = buildGatewayConfig(
    {
      listen: { host: '127.0.0.1', port: 0 },
      auth: { keys: [{ id: 'lambda', secretFile }] },
      trapHosts: [
        { name: 'nms', host: '127.0.0.1', port: trapd.port, version: '2c', type: 'inform', community: 'public' },
      ],
      syslog: [{ transport: 'udp', host: '127.0.0.1', port: rsyslog.udpPort }],
      snmp: { events: Object.fromEntries(Object.entries(OIDS).map(([kind, oid]) => [kind, { oid }])) },
      stateDir: join(dir, 'gateway-state'),
    },
    dir,
  );
  gateway = await startGateway(config, { stderr: undefined });
  await gateway.resumed;
  const appliances: Record<string, unknown> = {};
  for (const name of ['hsm-a', 'hsm-b']) {
    await startAppliance(name);
    const webCert = certs.selfSigned(`${name}-web`, 'p256', { days: 365, cn: `${name}.example.net` });
    web[name] = await startOpensslAppliance({ certificate: webCert, requireClientCertificate: false });
    appliances[name] = {
      address: '127.0.0.1',
      ntlsPort: ntls[name]!.port,
      certificates: { web: { port: web[name]!.port } },
    };
  }
  const clients = Object.fromEntries(Object.entries(CLIENTS).map(([c, listed]) => [c, { appliances: listed }]));
  writeFileSync(join(fleet, 'fleet.json'), JSON.stringify({ appliances, clients }));
});

after(async () => {
  for (const a of [...Object.values(ntls), ...Object.values(web)]) await a.stop();
  await gateway?.stop();
  await trapd?.stop();
  await rsyslog?.stop();
  certs?.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe('regenerate → replaced + untrusted → register → trusted, through the built CLI and real peers', () => {
  it('the fleet as collected is valid and trusted: nothing sent', async () => {
    await collect();
    for (const name of ['hsm-a', 'hsm-b']) {
      assert.match(readFileSync(join(fleet, name, 'web.pem'), 'utf8'), /BEGIN CERTIFICATE/);
    }
    for (const name of Object.keys(CLIENTS)) await collectClient(name);
    assert.doesNotMatch(readFileSync(join(fleet, '_clients', 'app1', 'client.pem'), 'utf8'), /PRIVATE KEY/);
    const run = await check(0);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.deepEqual(run.outcomes['hsm-a'], { status: 'valid', action: 'none' });
    assert.doesNotMatch(run.stderr, /does not trust|was replaced/);
  });

  it('a regenerated NTLS certificate: Luna line, replaced once, untrusted for each client that registered it', async () => {
    const port = ntls['hsm-a']!.port;
    await ntls['hsm-a']!.stop();
    await startAppliance('hsm-a', port);
    await collect();
    const run = await check(1);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(run.outcomes['hsm-a']?.status, 'valid');
    assert.match(run.stderr, / hsm-a info : 0 : New NTLS certificate detected and the expiry date of this new/);
    assert.equal(run.stderr.split(REPLACED_TEXT).length - 1, 1, run.stderr);
    for (const c of ['app1', 'app2']) assert.equal(run.stderr.split(untrustedText(c)).length - 1, 1, run.stderr);
    assert.doesNotMatch(run.stderr, /Client app3 does not trust/);

    await waitUntil('the replaced and untrusted traps', () => trapd.lines().length >= 3, 20_000);
    await waitUntil('their syslog lines', () => syslog(REPLACED_TEXT).length + syslog('does not trust').length >= 3);
    assert.equal(traps(OIDS.replaced, `.${OIDS.replaced}.1 = STRING: "hsm-a"`).length, 1, trapd.lines().join('\n'));
    for (const c of ['app1', 'app2']) {
      assert.equal(untrustedTraps(c, 1).length, 1, trapd.lines().join('\n'));
      assert.equal(syslog(untrustedText(c)).length, 1);
    }
    assert.equal(syslog(REPLACED_TEXT).length, 1);
  });

  it('a later check inside H logs the untrust again but notifies nothing', async () => {
    const run = await check(2);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /was replaced|New NTLS certificate/);
    assert.equal(run.outcomes['hsm-a']?.action, 'none');
    // Nothing reached the gateway: the totals counted after the next step include this run's nothing.
  });

  it('after the clients publish their updated bundles: trusted and a clearing trap (flag 0) for each; exact totals', async () => {
    for (const c of ['app1', 'app2']) await collectClient(c);
    const run = await check(3);
    assert.equal(run.exitCode, 0, run.stderr);
    for (const c of ['app1', 'app2']) assert.equal(run.stderr.split(trustedText(c)).length - 1, 1, run.stderr);

    await waitUntil(
      'the clearing traps',
      () => untrustedTraps('app1', 0).length + untrustedTraps('app2', 0).length >= 2,
      20_000,
    );
    await waitUntil(
      'the trusted lines',
      () => syslog(trustedText('app1')).length + syslog(trustedText('app2')).length >= 2,
    );
    // Everything the story sent, counted at the receivers: the later check's nothing came before these.
    assert.equal(trapd.lines().length, 5, trapd.lines().join('\n'));
    assert.equal(traps(OIDS.replaced).length, 1);
    for (const c of ['app1', 'app2']) {
      assert.deepEqual([untrustedTraps(c, 1).length, untrustedTraps(c, 0).length], [1, 1]);
      assert.deepEqual([syslog(untrustedText(c)).length, syslog(trustedText(c)).length], [1, 1]);
    }
    assert.equal(syslog('Client app3').length, 0);
    assert.equal(syslog(REPLACED_TEXT).length, 1);
    assert.deepEqual(traps(OIDS.certificate).concat(traps(OIDS.client)), []);
    assert.ok(!trapd.lines().some((l) => l.includes(NTLS_ATTENTION)), 'never ntlsAttentionNotify');
    assert.equal(syslog('eventTrapFailed').length + syslog('trap failed').length, 0);
  });
});
