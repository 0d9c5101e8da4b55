/** `certmonitor trap test` as a child process against a real snmptrapd. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type RunningSnmptrapd, startSnmptrapd } from '../helpers/snmptrapd.ts';

const BIN = fileURLToPath(new URL('../../bin/certmonitor.js', import.meta.url));
let dir: string;
let nms: RunningSnmptrapd;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-traptest-'));
  writeFileSync(join(dir, 's.secret'), 'x');
  nms = await startSnmptrapd();
});
after(async () => {
  await nms.stop();
  rmSync(dir, { recursive: true, force: true });
});

function run(hosts: string): { status: number | null; stdout: string; stderr: string } {
  const file = join(dir, 'gw.yaml');
  writeFileSync(
    file,
    `auth: { keys: [ { id: k, secretFile: ./s.secret } ] }\nhostname: gw-test\ntrapHosts:\n${hosts}\n`,
  );
  const r = spawnSync(process.execPath, [BIN, 'trap', 'test', '--config', file], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('certmonitor trap test', () => {
  it('sends a test notification to every host and exits 0 when all succeed', async () => {
    const r = run(
      `  - { name: inf, host: 127.0.0.1, port: ${nms.port}, version: 2c, community: public, type: inform }\n` +
        `  - { name: v1, host: 127.0.0.1, port: ${nms.port}, version: 1, community: public }`,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ok {6}inf {2}v2c inform \(acknowledged\)$/m);
    assert.match(r.stdout, /^ok {6}v1 {2}v1 trap/m);
    const lines = await nms.waitFor(2);
    assert.ok(lines.every((l) => /"\[gw-test:0\.0\.0\.0 \/ lunalogs \/ .+ \/ certmonitord\[\d+\] \/ 0\]"$/.test(l)));
  });

  it('says that it sends from sessions of its own, not through the running gateway', () => {
    const r = run(
      `  - { name: inf, host: 127.0.0.1, port: ${nms.port}, version: 2c, community: public, type: inform }`,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /\nnote: sent from new SNMP sessions of this command, not through a running gateway \(see docs\/gateway\.md, Failure handling\)\n$/,
    );
  });

  it('exits 1 and says which host failed', () => {
    const r = run(
      `  - { name: ok, host: 127.0.0.1, port: ${nms.port}, version: 2c, community: public, type: inform }\n` +
        '  - { name: dead, host: 127.0.0.1, port: 9, version: 2c, community: public, type: inform, retries: 0, timeoutMs: 200 }\n' +
        '  - { name: v3bad, host: 127.0.0.1, version: 3, user: u, type: trap, engineId: "12" }',
    );
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^FAILED {2}dead {2}v2c inform: /m);
    assert.match(r.stdout, /^FAILED {2}v3bad {2}v3 trap: not properly configured \(invalid engine ID\)$/m);
  });

  it('exits 2 on a configuration error naming the key', () => {
    const r = run('  - { host: 127.0.0.1, version: 2c, community: public, colour: blue }');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown key trapHosts\[0\]\.colour/);
  });
});
