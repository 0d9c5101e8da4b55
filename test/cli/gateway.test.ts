/**
 * `certmonitor gateway` as a real child process: lifecycle lines, a v3 host that is not properly
 * configured, and exactly-once delivery across a SIGKILL in the middle of a batch of v2c informs.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { postNotifications } from '../helpers/gatewayClient.ts';
import { type RunningSnmptrapd, startSnmptrapd } from '../helpers/snmptrapd.ts';

const BIN = fileURLToPath(new URL('../../bin/certmonitor.js', import.meta.url));
const SECRET = 'kill-test-secret';
const key = { keyId: 'lambda', secret: SECRET };

interface Child {
  readonly proc: ChildProcess;
  readonly url: string;
  stderr(): string;
  exited: Promise<number | null>;
}

async function startChild(config: string): Promise<Child> {
  const proc = spawn(process.execPath, [BIN, 'gateway', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const until = Date.now() + 30_000;
  for (;;) {
    const m = /listening on (\S+)/.exec(err);
    if (m) return { proc, url: m[1]!, stderr: () => err, exited };
    if (proc.exitCode !== null || Date.now() > until) throw new Error(`gateway did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let dir: string;
let nms1: RunningSnmptrapd;
let nms2: RunningSnmptrapd;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-gwcli-'));
  writeFileSync(join(dir, 'gateway.secret'), SECRET);
  nms1 = await startSnmptrapd();
  nms2 = await startSnmptrapd();
});
after(async () => {
  await nms1.stop();
  await nms2.stop();
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(name: string, extraHosts = ''): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `listen: { host: 127.0.0.1, port: 0 }
auth: { keys: [ { id: lambda, secretFile: ./gateway.secret } ] }
rateLimit: { perClient: { perSecond: 1000, burst: 1000 }, perKey: { perSecond: 1000, burst: 1000 } }
trapHosts:
  # Paced to 10 informs/s so the test can stop the gateway between two informs (see below).
  - { name: nms1, host: 127.0.0.1, port: ${nms1.port}, version: 2c, community: public, type: inform, maxPerSecond: 10 }
  - { name: nms2, host: 127.0.0.1, port: ${nms2.port}, version: 2c, community: public, type: inform, maxPerSecond: 10 }
${extraHosts}
syslog:
  - { file: ./${name}.lunalogs }
stateDir: ./${name}-state
hostname: gw-test
`,
  );
  return file;
}

function notes(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    id: `hsm${i}:FP:expiring:2026-11-24T12`,
    appliance: `hsm${String(i).padStart(3, '0')}`,
    address: '10.0.0.5',
    event: 'expiring',
    notAfter: '2027-07-06T05:04:03Z',
    observedAt: '2026-11-24T12:00:00Z',
  }));
}

function hostRecords(stateDir: string): number {
  const f = join(stateDir, 'journal.jsonl');
  if (!existsSync(f)) return 0;
  return readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{"t":"h"')).length;
}

describe('certmonitor gateway (child process)', () => {
  it('logs lifecycle lines, skips a v3 host that is not properly configured, stops cleanly on SIGTERM', async () => {
    const config = writeConfig(
      'life',
      '  - { name: broken, host: 127.0.0.1, port: 9, version: 3, type: trap, user: u, engineId: "nothex" }',
    );
    const child = await startChild(config);
    const r = await postNotifications(child.url, notes(1), key);
    assert.equal(r.status, 200);
    assert.deepEqual((r.body as { results: Array<{ traps: unknown }> }).results[0]!.traps, [
      { host: 'nms1', ok: true },
      { host: 'nms2', ok: true },
    ]);
    child.proc.kill('SIGTERM');
    assert.equal(await child.exited, 0);
    const log = readFileSync(join(dir, 'life.lunalogs'), 'utf8');
    const texts = log
      .trim()
      .split('\n')
      .map((l) => l.replace(/^.{20} /, ''));
    const pid = child.proc.pid;
    const expected = [
      `gw-test  local5 info  certmonitord[${pid}]: info : 0 : NTLS certificate expiry monitor started`,
      `gw-test  local5 info  certmonitord[${pid}]: info : 0 : SNMP v3 trap is not properly configured`,
      `hsm000  local5 info  certmonitord[${pid}]: info : 0 : NTLS certificate will be expire on Jul  6 05:04:03 2027 GMT`,
      `hsm000  local5 info  certmonitord[${pid}]: info : 0 : NTLS certificate expiry SNMP trap sent to trap host nms1`,
      `hsm000  local5 info  certmonitord[${pid}]: info : 0 : NTLS certificate expiry SNMP trap sent to trap host nms2`,
      `gw-test  local5 info  certmonitord[${pid}]: info : 0 : Shutting down NTLS certificate expiry monitor....`,
      `gw-test  local5 info  certmonitord[${pid}]: info : 0 : NTLS certificate expiry monitor terminated`,
    ];
    // The two trap hosts answer in either order; everything else is in sequence.
    assert.deepEqual([...texts].sort(), [...expected].sort());
    assert.deepEqual(texts.slice(0, 3), expected.slice(0, 3));
    assert.deepEqual(texts.slice(5), expected.slice(5));
    assert.match(child.stderr(), /NTLS certificate expiry monitor terminated/);
    assert.match(child.stderr(), /trap host broken skipped: invalid engine ID/);
    assert.ok(!child.stderr().includes(SECRET));
  });

  it('delivers exactly one inform per trap host per id across a SIGKILL mid-batch and a restart', async () => {
    const config = writeConfig('kill');
    const stateDir = join(dir, 'kill-state');
    const batch = notes(30);
    const base1 = nms1.lines().length;
    const base2 = nms2.lines().length;
    const received = () => nms1.lines().length - base1 + nms2.lines().length - base2;
    const first = await startChild(config);
    const pending = postNotifications(first.url, batch, key).catch((e: unknown) => e);
    // Kill once some informs were acknowledged AND recorded, so the kill falls between two informs:
    // an inform the receiver logged but whose acknowledgement died with the process cannot be told
    // apart from a lost one by any sender (the gateway then resends: at least once, never lost).
    const until = Date.now() + 30_000;
    while (!(received() >= 10 && hostRecords(stateDir) === received())) {
      if (Date.now() > until) throw new Error('gateway made no progress');
      await new Promise((r) => setTimeout(r, 5));
    }
    first.proc.kill('SIGKILL');
    await first.exited;
    assert.ok((await pending) instanceof Error, 'the interrupted request must not have been answered');
    const killedAt = received();
    assert.ok(killedAt < 60, 'the kill should land mid-batch');

    const second = await startChild(config);
    // On its own, the restarted gateway resumes the accepted-but-unfinished deliveries.
    await nms1.waitFor(base1 + 30);
    await nms2.waitFor(base2 + 30);
    // The sender then retries the same batch (signed afresh): every id is a duplicate, nothing is sent.
    const retry = await postNotifications(second.url, batch, key);
    assert.equal(retry.status, 200);
    const results = (retry.body as { results: Array<{ id: string; duplicate: boolean; traps: unknown }> }).results;
    assert.equal(results.length, 30);
    for (const r of results) {
      assert.equal(r.duplicate, true);
      assert.deepEqual(r.traps, [
        { host: 'nms1', ok: true },
        { host: 'nms2', ok: true },
      ]);
    }
    second.proc.kill('SIGTERM');
    assert.equal(await second.exited, 0);
    for (const [nms, base] of [
      [nms1, base1],
      [nms2, base2],
    ] as const) {
      const lines = nms.lines().slice(base);
      for (const n of batch) {
        assert.equal(
          lines.filter((l) => l.includes(`"[${n.appliance}:10.0.0.5 /`)).length,
          1,
          `${n.appliance} must reach the trap host exactly once`,
        );
      }
      assert.equal(lines.length, 30);
    }
  });

  it('exits 2 naming the key when it cannot listen or cannot write its state', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    const file = join(dir, 'busy.yaml');
    writeFileSync(
      file,
      `listen: { port: ${port} }\nauth: { keys: [ { id: a, secretFile: ./gateway.secret } ] }\nstateDir: ./busy-state\n`,
    );
    const r = spawnSync(process.execPath, [BIN, 'gateway', '--config', file], { encoding: 'utf8', timeout: 30_000 });
    busy.close();
    assert.equal(r.status, 2);
    assert.match(r.stderr, /listen: cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/);
    writeFileSync(join(dir, 'blocker'), '');
    writeFileSync(
      file,
      'listen: { port: 0 }\nauth: { keys: [ { id: a, secretFile: ./gateway.secret } ] }\nstateDir: ./blocker/state\n',
    );
    const s = spawnSync(process.execPath, [BIN, 'gateway', '--config', file], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(s.status, 2);
    assert.match(s.stderr, /stateDir: cannot be written \(ENOTDIR\)/);
  });
  it('a start that fails reads as one in its lines: none for an unusable TLS file, terminated after started', async () => {
    const file = join(dir, 'fail.yaml');
    writeFileSync(
      file,
      'listen: { port: 0, tls: { cert: ./no-such.crt, key: ./no-such.key } }\n' +
        'auth: { keys: [ { id: a, secretFile: ./gateway.secret } ] }\nstateDir: ./fail-state\n',
    );
    const r = spawnSync(process.execPath, [BIN, 'gateway', '--config', file], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /listen\.tls\.cert: file cannot be read \(ENOENT\)/);
    assert.doesNotMatch(r.stderr, /monitor started/);
    const busy = createServer();
    await new Promise<void>((res) => busy.listen(0, '127.0.0.1', () => res()));
    const port = (busy.address() as { port: number }).port;
    writeFileSync(
      file,
      `listen: { port: ${port} }\nauth: { keys: [ { id: a, secretFile: ./gateway.secret } ] }\nstateDir: ./fail-state\n`,
    );
    const b = spawnSync(process.execPath, [BIN, 'gateway', '--config', file], { encoding: 'utf8', timeout: 30_000 });
    busy.close();
    assert.equal(b.status, 2);
    const lifecycle = b.stderr
      .split('\n')
      .filter((l) => l.includes('certmonitord['))
      .map((l) => l.replace(/^.*: info : 0 : /, ''));
    assert.deepEqual(lifecycle, [
      'NTLS certificate expiry monitor started',
      'NTLS certificate expiry monitor terminated',
    ]);
    assert.match(b.stderr, /listen: cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/);
  });
});
