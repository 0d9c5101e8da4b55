/**
 * What ships: `npm pack` gives a tarball of built JavaScript that installs with `npm install -g` and no
 * development dependencies (no TypeScript loader), and whose `certmonitor` runs `inspect` and a real
 * `gateway` (started, asked for /healthz and a signed notification, stopped by SIGTERM). Needs the npm
 * registry (or npm's cache) for the runtime dependencies, as any installation does.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { postNotifications } from '../helpers/gatewayClient.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'certmonitor-pack-'));
const prefix = join(dir, 'prefix');
const installed = join(prefix, 'lib/node_modules/certmonitor');
const command = join(prefix, 'bin/certmonitor');
const children: Array<{ kill(signal?: NodeJS.Signals): unknown }> = [];
after(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function npm(args: readonly string[], cwd: string) {
  const child = spawnSync('npm', args, {
    cwd,
    encoding: 'utf8',
    timeout: 600_000,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  assert.equal(child.status, 0, `npm ${args.join(' ')} failed:\n${child.stdout}\n${child.stderr}`);
  return child.stdout;
}

describe('the packed product', { timeout: 900_000 }, () => {
  let tarball: string;
  before(() => {
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], ROOT)) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    const files = packed[0]!.files.map((f) => f.path);
    assert.ok(files.includes('dist/certmonitor.js'), 'the tarball carries the build');
    assert.ok(!files.some((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts')), `no TypeScript in the tarball: ${files}`);
    tarball = join(dir, packed[0]!.filename);
    npm(['install', '-g', '--prefix', prefix, '--omit=dev', '--no-audit', '--no-fund', tarball], dir);
  });

  it('installs without development dependencies', () => {
    assert.ok(existsSync(command));
    const deps = readdirSync(join(installed, 'node_modules'));
    for (const dev of ['tsx', 'typescript', 'esbuild', 'osls', '@biomejs']) {
      assert.ok(!deps.includes(dev), `${dev} must not be installed`);
    }
  });

  it('runs inspect', () => {
    const child = spawnSync(command, ['inspect', join(ROOT, 'test/fixtures/certs/ecp256.pem'), '--json'], {
      encoding: 'utf8',
    });
    assert.ok(child.status !== null && child.status <= 2, child.stderr);
    const fields = JSON.parse(child.stdout) as { keyType: string };
    assert.equal(fields.keyType, 'EC P-256');
    assert.equal(child.stderr, '', 'no fallback notice: the build is used');
  });

  it('runs the gateway, which answers a signed request and stops on SIGTERM', async () => {
    const secret = 'pack-test-secret';
    writeFileSync(join(dir, 'gateway.secret'), secret);
    const config = join(dir, 'gateway.yaml');
    writeFileSync(
      config,
      `listen: { host: 127.0.0.1, port: 0 }
auth: { keys: [ { id: lambda, secretFile: ./gateway.secret } ] }
syslog: [ { file: ./lunalogs } ]
stateDir: ./gateway-state
hostname: gw-pack
`,
    );
    const proc = spawn(command, ['gateway', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(proc);
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    const until = Date.now() + 30_000;
    let url: string | undefined;
    while (!url) {
      url = /listening on (\S+)/.exec(err)?.[1];
      if (proc.exitCode !== null || Date.now() > until) throw new Error(`gateway did not start: ${err}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    const answer = await postNotifications(
      url,
      [
        {
          id: 'hsm01:missing:2026-11-24T12:00',
          appliance: 'hsm01',
          address: '10.0.0.5',
          event: 'missing',
          observedAt: '2026-11-24T12:00:00Z',
        },
      ],
      { keyId: 'lambda', secret },
    );
    assert.equal(answer.status, 200);
    proc.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(
      readFileSync(join(dir, 'lunalogs'), 'utf8'),
      /hsm01 {2}local5 warn {2}certmonitord\[\d+\]: warning : 0 : NTLS certificate is missing/,
    );
  });
});
