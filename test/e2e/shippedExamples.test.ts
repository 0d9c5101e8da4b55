/**
 * The shipped examples, taken together as an operator copies them: `infra/gateway.example.yaml` runs the
 * built gateway with only its hosts, ports and paths put on this machine, its secrets given as systemd
 * credentials, and `infra/snmptrapd.conf.example` configures Debian's snmptrapd as it stands. Every trap
 * host of the example must be heard at the receiver (a v2c trap, a v3 inform, a v3 trap): examples that
 * disagree with each other fail here, not at an operator's site.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { postNotifications } from '../helpers/gatewayClient.ts';
import { type RunningRsyslog, startRsyslog } from '../helpers/rsyslog.ts';
import { makeSelfSignedCert, type SelfSignedCert } from '../helpers/selfSignedCert.ts';
import { type RunningSnmptrapd, startSnmptrapd } from '../helpers/snmptrapd.ts';
import { waitUntil } from '../helpers/waitUntil.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/certmonitor.js');
const SECRET = 'shipped-example-secret';

let dir: string;
let tls: SelfSignedCert;
let nms: RunningSnmptrapd;
let rsyslog: RunningRsyslog;
let siem: TlsServer;
let siemText = '';
let gateway: ChildProcess | undefined;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-examples-'));
  tls = makeSelfSignedCert();
  nms = await startSnmptrapd({ extraConfig: readFileSync(join(ROOT, 'infra/snmptrapd.conf.example'), 'utf8') });
  rsyslog = await startRsyslog({ udp: true });
  siem = createTlsServer({ cert: tls.certPem, key: tls.keyPem }, (socket) => {
    socket.on('data', (chunk: Buffer) => {
      siemText += chunk.toString('utf8');
    });
  });
  await new Promise<void>((resolve) => siem.listen(0, '127.0.0.1', resolve));
});

after(async () => {
  gateway?.kill('SIGKILL');
  await nms?.stop();
  await rsyslog?.stop();
  siem?.close();
  tls?.remove();
  rmSync(dir, { recursive: true, force: true });
});

/** The example with this machine's hosts, ports and paths; nothing else of it changes. */
function localExample(): string {
  const siemPort = (siem.address() as { port: number }).port;
  const replacements: Array<[string | RegExp, string]> = [
    ['host: 0.0.0.0\n  port: 8443', 'host: 127.0.0.1\n  port: 0'],
    ['/etc/certmonitor/tls/gateway.crt', tls.certFile],
    ['host: 10.20.0.10, port: 162', `host: 127.0.0.1, port: ${nms.port}`],
    [/host: 10\.20\.0\.1[12]\n/g, `host: 127.0.0.1\n    port: ${nms.port}\n`],
    ['host: 10.20.0.20, port: 514', `host: 127.0.0.1, port: ${rsyslog.udpPort}`],
    ['host: siem.example.net, port: 6514', `host: 127.0.0.1, port: ${siemPort}`],
    ['/etc/certmonitor/tls/siem-ca.pem', tls.certFile],
    ['/var/log/certmonitor-gateway/lunalogs', join(dir, 'lunalogs')],
    ['stateDir: /var/lib/certmonitor-gateway', `stateDir: ${join(dir, 'state')}`],
    ['crashDir: /var/lib/certmonitor-gateway/crash', `crashDir: ${join(dir, 'crash')}`],
    ['listen: { host: 0.0.0.0, port: 9464 }', 'listen: { host: 127.0.0.1, port: 0 }'],
  ];
  let text = readFileSync(join(ROOT, 'infra/gateway.example.yaml'), 'utf8');
  for (const [from, to] of replacements) {
    const next = text.replace(from, to);
    assert.notEqual(next, text, `the example no longer holds ${String(from)}: update this test with it`);
    text = next;
  }
  return text;
}

/** The secrets the example names as systemd credentials, as the receiver's example configures them. */
function writeCredentials(): string {
  const credentials = join(dir, 'credentials');
  mkdirSync(credentials);
  writeFileSync(join(credentials, 'gateway-tls.key'), tls.keyPem);
  writeFileSync(join(credentials, 'gateway.secret'), SECRET);
  writeFileSync(join(credentials, 'snmp-community'), 'public\n');
  writeFileSync(join(credentials, 'snmp-auth.key'), 'auth passphrase here\n');
  writeFileSync(join(credentials, 'snmp-priv.key'), 'priv passphrase here\n');
  return credentials;
}

async function startGateway(config: string, credentials: string): Promise<{ url: string; stderr: () => string }> {
  const proc = spawn(process.execPath, [BIN, 'gateway', '--config', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, CREDENTIALS_DIRECTORY: credentials },
  });
  gateway = proc;
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  await waitUntil('the gateway to listen', () => /listening on (\S+)/.test(err) || proc.exitCode !== null, 30_000);
  const url = /listening on (\S+)/.exec(err)?.[1];
  assert.ok(url, `the gateway did not start from the example: ${err}`);
  return { url, stderr: () => err };
}

test('the shipped gateway and snmptrapd examples work together: every trap host of the example is heard', async () => {
  const config = join(dir, 'gateway.yaml');
  writeFileSync(config, localExample());
  const { url, stderr } = await startGateway(config, writeCredentials());
  const response = await postNotifications(
    url,
    [
      {
        id: 'hsm-example:FP:expiring:2026-11-24T12',
        appliance: 'hsm-example',
        address: '10.0.0.5',
        event: 'expiring',
        notAfter: '2027-07-06T05:04:03Z',
        observedAt: '2026-11-24T12:00:00Z',
      },
    ],
    { keyId: 'lambda-2026', secret: SECRET, ca: tls.certPem },
  );
  assert.equal(response.status, 200, response.text);
  const [result] = (response.body as { results: Array<{ traps: Array<{ host: string; ok: boolean }> }> }).results;
  assert.deepEqual(
    result!.traps.map((t) => [t.host, t.ok]),
    [
      ['nms-v2c', true],
      ['nms-v3', true],
      ['nms-v3-trap', true],
    ],
    stderr(),
  );
  // Counted at the receiver (a v3 trap from an engine it has no user for is dropped there, silently).
  const lines = await nms.waitFor(3);
  const senders = lines.map((l) => l.split('|')[2]).sort();
  assert.deepEqual(senders, ['certmon', 'certmon-inform', 'public'], lines.join('\n'));
  await rsyslog.waitFor(1);
  await waitUntil('the TLS syslog line', () => siemText.includes('hsm-example'), 15_000);
});
