/**
 * End to end in one process: signed notifications of every event in, v1 / v3-trap / v3-inform
 * notifications out to snmptrapd, RFC 3164 lines out to rsyslogd over UDP and TCP. Then what a
 * long-running gateway does when its receiver restarts, and how a failed start reads in the logs.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildGatewayConfig } from '../../gateway/config/gatewayConfig.ts';
import { GatewayConfigError } from '../../gateway/gatewayErrors.ts';
import { type RunningGateway, startGateway } from '../../gateway/gatewayRuntime.ts';
import { postNotifications } from '../helpers/gatewayClient.ts';
import { type RunningRsyslog, startRsyslog } from '../helpers/rsyslog.ts';
import { makeSelfSignedCert } from '../helpers/selfSignedCert.ts';
import { type RunningSnmptrapd, startSnmptrapd } from '../helpers/snmptrapd.ts';

const ENGINE = '80001f8880aabbccdd';
let dir: string;
let trapd: RunningSnmptrapd;
let rsyslog: RunningRsyslog;
let gw: RunningGateway;
const key = { keyId: 'k1', secret: 'runtime-secret' };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-gwruntime-'));
  writeFileSync(join(dir, 'k1.secret'), key.secret);
  writeFileSync(join(dir, 'auth.key'), 'authpass-runtime\n');
  trapd = await startSnmptrapd({
    v3Users: [
      {
        name: 'tr',
        authProtocol: 'SHA-256',
        authKey: 'authpass-runtime',
        privProtocol: 'AES',
        privKey: 'privpass-runtime',
        engineId: ENGINE,
      },
      { name: 'inf', authProtocol: 'SHA', authKey: 'authpass-runtime' },
    ],
  });
  rsyslog = await startRsyslog({ udp: true, tcp: true });
  const config = buildGatewayConfig(
    {
      listen: { port: 0 },
      auth: { keys: [{ id: 'k1', secretFile: './k1.secret' }] },
      trapHosts: [
        { name: 'v1', host: '127.0.0.1', port: trapd.port, version: 1, community: 'public' },
        {
          name: 'v3trap',
          host: '127.0.0.1',
          port: trapd.port,
          version: 3,
          type: 'trap',
          user: 'tr',
          engineId: ENGINE,
          authProtocol: 'sha256',
          authKeyFile: './auth.key',
          privProtocol: 'aes',
          privKeyEnv: 'PRIV',
        },
        {
          name: 'v3inform',
          host: '127.0.0.1',
          port: trapd.port,
          version: 3,
          type: 'inform',
          user: 'inf',
          authProtocol: 'sha1',
          authKeyFile: './auth.key',
        },
      ],
      syslog: [
        { transport: 'udp', host: '127.0.0.1', port: rsyslog.udpPort },
        { transport: 'tcp', host: '127.0.0.1', port: rsyslog.tcpPort },
      ],
      stateDir: './state',
      hostname: 'gw-e2e',
    },
    dir,
    { PRIV: 'privpass-runtime' },
  );
  gw = await startGateway(config, { stderr: undefined, pid: 31337 });
});
after(async () => {
  await gw?.stop();
  await trapd.stop();
  await rsyslog.stop();
  rmSync(dir, { recursive: true, force: true });
});

const base = { address: '192.0.2.7', observedAt: '2026-11-24T12:00:00Z', notAfter: '2026-12-01T08:00:00Z' };

describe('gateway end to end', () => {
  it('writes the original daemon lines per event and sends one notification per host per trap-worthy event', async () => {
    const r = await postNotifications(
      gw.url,
      [
        { id: 'e1', appliance: 'hsm-a', event: 'expiring', ...base },
        { id: 'e2', appliance: 'hsm-b', event: 'expired', ...base, notAfter: '2026-11-01T00:00:00Z' },
        { id: 'e3', appliance: 'hsm-c', event: 'renewed', ...base, notAfter: '2027-11-01T00:00:00Z' },
        { id: 'e4', appliance: 'hsm-d', event: 'missing', ...base },
        { id: 'e5', appliance: 'hsm-e', event: 'invalid', ...base, reason: 'truncated\r\nFAKE: injected line' },
      ],
      key,
    );
    assert.equal(r.status, 200);
    const results = (r.body as { results: Array<{ id: string; traps: Array<{ host: string; ok: boolean }> }> }).results;
    assert.deepEqual(
      results.map((x) => [x.id, x.traps.map((t) => `${t.host}:${t.ok}`).join(',')]),
      [
        ['e1', 'v1:true,v3trap:true,v3inform:true'],
        ['e2', 'v1:true,v3trap:true,v3inform:true'],
        ['e3', 'v1:true,v3trap:true,v3inform:true'],
        ['e4', ''],
        ['e5', ''],
      ],
    );
    const traps = await trapd.waitFor(9);
    const refs = (appliance: string) => traps.filter((l) => l.includes(`"[${appliance}:192.0.2.7 /`));
    assert.equal(refs('hsm-a').length, 3);
    assert.equal(refs('hsm-b').length, 3);
    assert.equal(refs('hsm-c').length, 3);
    assert.ok(refs('hsm-a').every((l) => l.endsWith('/ 2026 Nov 24 12:00:00 / certmonitord[31337] / 1]"')));
    assert.ok(refs('hsm-c').every((l) => l.endsWith('/ 0]"')));
    assert.equal(traps.filter((l) => l.startsWith('V1|0|.1.3.6.1.4.1.23629.1.5.2.2|6|.6|192.0.2.7|')).length, 3);
    assert.equal(traps.filter((l) => l.startsWith('V2|3|tr|')).length, 3);
    assert.equal(traps.filter((l) => l.startsWith('V2|3|inf|')).length, 3);

    // Per sink: started + 3 × (event line + 3 host lines) + missing + invalid = 15.
    const lines = await rsyslog.waitFor(30);
    const rx = (host: string, sev: string, text: string) =>
      lines.filter((l) => l.startsWith(`local5|${sev}|${host}|certmonitord[31337]:|<`) && l.endsWith(text)).length;
    assert.equal(rx('gw-e2e', 'info', 'info : 0 : NTLS certificate expiry monitor started'), 2);
    assert.equal(rx('hsm-a', 'info', 'info : 0 : NTLS certificate will be expire on Dec  1 08:00:00 2026 GMT'), 2);
    assert.equal(rx('hsm-a', 'info', 'info : 0 : NTLS certificate expiry SNMP trap sent to trap host v3inform'), 2);
    assert.equal(rx('hsm-b', 'err', 'error : 0 : NTLS certificate has expired on Nov  1 00:00:00 2026 GMT'), 2);
    assert.equal(
      rx(
        'hsm-c',
        'info',
        'info : 0 : New NTLS certificate detected and the expiry date of this new certificate is Nov  1 00:00:00 2027 GMT',
      ),
      2,
    );
    assert.equal(rx('hsm-c', 'info', 'info : 0 : NTLS certificate expiry SNMP clearing trap sent to trap host v1'), 2);
    assert.equal(rx('hsm-d', 'warning', 'warning : 0 : NTLS certificate is missing'), 2);
    assert.equal(rx('hsm-e', 'err', 'error : 0 : NTLS certificate is invalid: truncated  FAKE: injected line'), 2);
    assert.equal(lines.filter((l) => l.startsWith('FAKE')).length, 0);
    assert.equal(lines.length, 30);
  });
});

type TrapResults = { results: Array<{ id: string; traps: Array<{ host: string; ok: boolean; error?: string }> }> };

describe('a long-running gateway whose v3 inform receiver restarts', () => {
  let nms: RunningSnmptrapd;
  let gateway: RunningGateway;
  const stderr: string[] = [];
  before(async () => {
    nms = await startSnmptrapd({
      v3Users: [
        {
          name: 'inf',
          authProtocol: 'SHA-256',
          authKey: 'authpass-restart',
          privProtocol: 'AES',
          privKey: 'privpass-restart',
        },
      ],
      // As after three earlier starts, so the gateway's session learns engineBoots 4.
      persistentEngine: { engineId: '80001f8880a1a2a3a4a5a6a7a8', engineBoots: 3 },
    });
    const config = buildGatewayConfig(
      {
        listen: { port: 0 },
        auth: { keys: [{ id: 'k1', secretFile: './k1.secret' }] },
        trapHosts: [
          {
            name: 'nms',
            host: '127.0.0.1',
            port: nms.port,
            version: 3,
            type: 'inform',
            user: 'inf',
            authProtocol: 'sha256',
            authKey: 'authpass-restart',
            privProtocol: 'aes',
            privKey: 'privpass-restart',
            timeoutMs: 500,
          },
        ],
        stateDir: './restart-state',
        hostname: 'gw-restart',
      },
      dir,
    );
    gateway = await startGateway(config, { stderr: (line) => void stderr.push(line), pid: 4242 });
  });
  after(async () => {
    await gateway?.stop();
    await nms?.stop();
  });

  const deliver = async (id: string, appliance: string) => {
    const r = await postNotifications(gateway.url, [{ id, appliance, event: 'expiring', ...base }], key);
    assert.equal(r.status, 200);
    return (r.body as TrapResults).results[0]!.traps;
  };
  const received = (appliance: string) => nms.lines().filter((l) => l.includes(`"[${appliance}:192.0.2.7 /`)).length;

  it('delivers the next inform in the same request after the receiver came back as a new engine', async () => {
    assert.deepEqual(await deliver('r1', 'hsm-r1'), [{ host: 'nms', ok: true }]);
    // Restarted without its persistent state: a new engine ID, engineBoots 1. With a receiver that
    // keeps no state this is every restart after more than 150 s of uptime.
    await nms.restart({ forgetEngine: true });
    assert.deepEqual(await deliver('r2', 'hsm-r2'), [{ host: 'nms', ok: true }]);
    // Again a new engine, but now the session's notion (engineBoots 1, a few seconds) is within the
    // 150 s window of the new engine's: net-snmp follows it without a fresh session.
    await nms.restart({ forgetEngine: true });
    assert.deepEqual(await deliver('r3', 'hsm-r3'), [{ host: 'nms', ok: true }]);
    await nms.waitFor(3);
    assert.deepEqual(['hsm-r1', 'hsm-r2', 'hsm-r3'].map(received), [1, 1, 1]);
    const notes = stderr.filter((l) => l.includes('SNMPv3 engine re-discovered'));
    assert.equal(notes.length, 1, stderr.join(''));
    assert.match(notes[0]!, /^certmonitor gateway: trap host nms: SNMPv3 engine re-discovered \(.+\)\n$/);
  });
});

describe('a gateway that fails to start', () => {
  const lunalogs = (name: string) => readFileSync(join(dir, `${name}.lunalogs`), 'utf8');
  const texts = (name: string) =>
    lunalogs(name)
      .trim()
      .split('\n')
      .map((l) => l.replace(/^.*: info : 0 : /, ''));
  const configWith = (name: string, listen: Record<string, unknown>, stateDir = `./${name}-state`) =>
    buildGatewayConfig(
      {
        listen,
        auth: { keys: [{ id: 'k1', secretFile: './k1.secret' }] },
        syslog: [{ file: `./${name}.lunalogs` }],
        stateDir,
        hostname: 'gw-fail',
      },
      dir,
    );

  it('names the TLS file it cannot read and logs nothing as started', async () => {
    const cert = makeSelfSignedCert();
    try {
      for (const [which, tls] of [
        ['key', { cert: cert.certFile, key: join(dir, 'no-such.key') }],
        ['cert', { cert: join(dir, 'no-such.crt'), key: cert.keyFile }],
      ] as const) {
        const name = `tls-${which}`;
        await assert.rejects(
          startGateway(configWith(name, { port: 0, tls }), { stderr: undefined }),
          (e: unknown) =>
            e instanceof GatewayConfigError && e.message === `listen.tls.${which}: file cannot be read (ENOENT)`,
        );
        assert.equal(
          existsSync(join(dir, `${name}.lunalogs`)),
          false,
          'nothing logged by a gateway that never started',
        );
      }
      // A key that is not a private key: refused naming the key, before anything is logged.
      writeFileSync(join(dir, 'not-a-key.pem'), cert.certPem);
      await assert.rejects(
        startGateway(
          configWith('tls-bad', { port: 0, tls: { cert: cert.certFile, key: join(dir, 'not-a-key.pem') } }),
          {
            stderr: undefined,
          },
        ),
        (e: unknown) =>
          e instanceof GatewayConfigError && /^listen\.tls\.key: not a usable private key \(/.test(e.message),
      );
      assert.equal(existsSync(join(dir, 'tls-bad.lunalogs')), false);
    } finally {
      cert.remove();
    }
  });

  it('logs terminated after started when it fails later in the start', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    try {
      await assert.rejects(
        startGateway(configWith('busy', { port }), { stderr: undefined }),
        (e: unknown) =>
          e instanceof GatewayConfigError && /^listen: cannot listen on .+ \(EADDRINUSE\)$/.test(e.message),
      );
    } finally {
      busy.close();
    }
    assert.deepEqual(texts('busy'), [
      'NTLS certificate expiry monitor started',
      'NTLS certificate expiry monitor terminated',
    ]);
    mkdirSync(join(dir, 'blocked'));
    writeFileSync(join(dir, 'blocked', 'file'), '');
    await assert.rejects(
      startGateway(configWith('nostate', { port: 0 }, './blocked/file/state'), { stderr: undefined }),
      (e: unknown) => e instanceof GatewayConfigError && e.message === 'stateDir: cannot be written (ENOTDIR)',
    );
    assert.deepEqual(texts('nostate'), [
      'NTLS certificate expiry monitor started',
      'NTLS certificate expiry monitor terminated',
    ]);
  });
});
