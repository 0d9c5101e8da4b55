/**
 * The `invoke local` walkthrough (docs/aws.md, Trying the Lambda on your machine), run as it stands:
 * the three shell blocks marked `<!-- invoke-local: … -->` start s3rver and a local gateway, seed a fleet
 * and invoke the bundled handler with an event whose `time` is now. Only the two ports (to free ones) and
 * the working folder (to one of this run) are changed. The run must reach the gateway: one notification
 * sent, an access line for it, and the gateway's lunalogs line for the appliance.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { freeTcpPort } from '../helpers/freePort.ts';
import { requireBinary } from '../helpers/peerProcess.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..', '..');
const FOLDER = `var/readme-invoke-local-${process.pid}`;

/** The shell block that follows `<!-- invoke-local: NAME -->` in the page. */
function block(page: string, name: string): string {
  const marker = page.indexOf(`<!-- invoke-local: ${name} -->`);
  assert.ok(marker >= 0, `docs/aws.md has no invoke-local block ${name}`);
  const match = /```sh\n([\s\S]*?)```/.exec(page.slice(marker));
  assert.ok(match?.[1], `docs/aws.md block ${name} is not a sh code block`);
  return match[1];
}

/** The environment of a newcomer's shell: nothing of ours or of AWS leaks in. */
function shellEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(CERTMONITOR_|AWS_|POWERTOOLS_|NODE_OPTIONS$)/.test(name)) env[name] = value;
  }
  return { ...env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' };
}

/** A long-running block in its own process group, its output kept for failure messages. */
function background(script: string): { child: ChildProcess; output: () => string } {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: ROOT,
    env: shellEnv(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  return { child, output: () => output };
}

/** Waits until something accepts TCP connections on `port`; fails with the peer's output if it exits. */
async function listening(port: number, peer: ReturnType<typeof background>, name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (peer.child.exitCode !== null) assert.fail(`${name} exited: ${peer.output()}`);
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (open) return;
    if (Date.now() > deadline) assert.fail(`${name} is not listening on ${port}: ${peer.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Stops a background block: its whole process group (bash, npx, node). */
async function stop(peer: ReturnType<typeof background> | undefined): Promise<void> {
  if (!peer || peer.child.exitCode !== null || peer.child.pid === undefined) return;
  const exited = new Promise((done) => peer.child.once('exit', done));
  process.kill(-peer.child.pid, 'SIGTERM');
  await exited;
}

describe('docs/aws.md: invoke local end to end', () => {
  let s3: ReturnType<typeof background> | undefined;
  let gateway: ReturnType<typeof background> | undefined;
  after(async () => {
    await stop(gateway);
    await stop(s3);
    rmSync(join(ROOT, FOLDER), { recursive: true, force: true });
  });

  it('starts s3rver and the gateway, seeds a fleet and invokes check through the gateway', async () => {
    // The walkthrough's own tools: a missing one fails here with its install line, not deep in bash.
    requireBinary('curl', 'curl');
    requireBinary('openssl', 'openssl');
    const [s3Port, gatewayPort] = [await freeTcpPort(), await freeTcpPort()];
    const page = readFileSync(join(ROOT, 'docs', 'aws.md'), 'utf8');
    const adapt = (script: string) =>
      script.replaceAll('var/local', FOLDER).replaceAll('4568', String(s3Port)).replaceAll('8443', String(gatewayPort));

    s3 = background(adapt(block(page, 's3')));
    gateway = background(adapt(block(page, 'gateway')));
    await listening(s3Port, s3, 's3rver');
    await listening(gatewayPort, gateway, 'the gateway');

    const started = Date.now();
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', adapt(block(page, 'run'))], {
      cwd: ROOT,
      env: shellEnv(),
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const records = stdout
      .split('\n')
      .filter((line) => line.startsWith('{"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const summary = records.find((r) => r.event === 'summary');
    assert.equal(summary?.appliances, 1, stdout);
    assert.equal((summary?.byStatus as Record<string, number> | undefined)?.expiring, 1);
    assert.deepEqual(summary?.notifications, { sent: 1, failed: 0 });
    // The event's time was now: the run evaluated as of the moment the block ran.
    const willExpire = records.find((r) => r.key === 'willExpire');
    assert.equal(willExpire?.appliance, 'hsm01');
    assert.ok(Math.abs(Date.parse(String(willExpire?.time)) - started) < 240_000, String(willExpire?.time));
    // The gateway wrote the appliance's line (cat at the end of the block) and logged the request.
    assert.match(
      stdout,
      / hsm01 {2}local5 info {2}certmonitord\[\d+\]: info : 0 : NTLS certificate will be expire on /,
    );
    await new Promise((r) => setTimeout(r, 200));
    assert.match(gateway.output(), /access .* key=local .*status=200 notifications=1 duplicates=0/);
  });
});
