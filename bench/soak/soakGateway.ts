/**
 * The gateway under soak: the built command (`node bin/certmonitor.js gateway --config FILE`, what ships)
 * as a child process, with a configuration of two trap hosts (a steady v2c trap receiver and a flapping
 * v2c inform receiver), TCP syslog to rsyslog, a one-day retention and a metrics listener of its own.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, type WriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { freeTcpPort } from '../../test/helpers/freePort.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SOAK_KEY_ID = 'soak';
export const SOAK_SECRET = 'soak-secret-0123456789';
/** Trap host labels, as the gateway's answers and metrics name them. */
export const STEADY_HOST = 'nms';
export const FLAPPING_HOST = 'flaky';
export const RETENTION_DAYS = 1;

/** Where the peers listen. */
export interface SoakPeerPorts {
  readonly steadyTrapPort: number;
  readonly flappingTrapPort: number;
  readonly syslogTcpPort: number;
}

/** A running gateway process. */
export interface SoakGateway {
  readonly pid: number;
  readonly url: string;
  readonly metricsUrl: string;
  readonly stateDir: string;
  readonly stderrFile: string;
  /** Exit code or signal once it has exited (a crash during the soak is a failure). */
  exit(): string | undefined;
  /** SIGTERM, then waits for the exit; resolves to the exit status. */
  stop(): Promise<number | null>;
}

/**
 * The inform settings of the flapping host: a down host fails after two seconds, not thirty; no resend
 * inside a send (a receiver logs every copy it gets: a resend while it is slow to answer doubles the
 * inform), so an unacknowledged id is sent again by the next request, as the check does.
 */
export const FLAPPING_INFORM = { retries: 0, timeoutMs: 2000, backoff: 1 } as const;

/** Rebuilds dist/ (`npm run build`), so the soak measures the current sources as they ship. */
export function buildDist(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

/** Writes the gateway's configuration file into `dir`; returns its path and the ports chosen. */
export async function writeSoakConfig(
  dir: string,
  peers: SoakPeerPorts,
): Promise<{ file: string; port: number; metricsPort: number }> {
  const port = await freeTcpPort();
  const metricsPort = await freeTcpPort();
  writeFileSync(join(dir, 'gateway.secret'), `${SOAK_SECRET}\n`, { mode: 0o600 });
  const config = {
    listen: { host: '127.0.0.1', port },
    auth: { keys: [{ id: SOAK_KEY_ID, secretFile: './gateway.secret' }] },
    trapHosts: [
      {
        name: STEADY_HOST,
        host: '127.0.0.1',
        port: peers.steadyTrapPort,
        version: '2c',
        type: 'trap',
        community: 'public',
      },
      {
        name: FLAPPING_HOST,
        host: '127.0.0.1',
        port: peers.flappingTrapPort,
        version: '2c',
        type: 'inform',
        community: 'public',
        ...FLAPPING_INFORM,
      },
    ],
    syslog: [{ transport: 'tcp', host: '127.0.0.1', port: peers.syslogTcpPort }],
    stateDir: './state',
    retentionDays: RETENTION_DAYS,
    hostname: 'soak-gateway',
    metrics: { enabled: true, listen: { host: '127.0.0.1', port: metricsPort } },
    accessLog: 'requests',
  };
  const file = join(dir, 'gateway.yaml');
  writeFileSync(file, stringify(config));
  return { file, port, metricsPort };
}

/** Starts the built gateway on the configuration in `dir`; resolves once it says where it listens. */
export async function startSoakGateway(dir: string, peers: SoakPeerPorts): Promise<SoakGateway> {
  if (!existsSync(join(ROOT, 'dist/certmonitor.js'))) throw new Error('dist/ is not built: npm run build');
  const { file, port, metricsPort } = await writeSoakConfig(dir, peers);
  const stderrFile = join(dir, 'gateway.stderr');
  const log = createWriteStream(stderrFile);
  const child = spawn(process.execPath, [join(ROOT, 'bin/certmonitor.js'), 'gateway', '--config', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let head = '';
  child.stderr?.on('data', (d: Buffer) => {
    log.write(d);
    if (head.length < 4096) head += d.toString();
  });
  await waitForListening(child, () => head);
  if (head.includes('dist/ is not built')) throw new Error('the gateway ran from the sources, not dist/');
  return {
    pid: child.pid!,
    url: `http://127.0.0.1:${port}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    stateDir: join(dir, 'state'),
    stderrFile,
    exit: () => (child.exitCode !== null ? `exit ${child.exitCode}` : (child.signalCode ?? undefined)),
    stop: () => stopChild(child, log),
  };
}

async function waitForListening(child: ChildProcess, head: () => string): Promise<void> {
  const until = Date.now() + 15_000;
  while (!head().includes('listening on')) {
    if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}: ${head()}`);
    if (Date.now() > until) throw new Error(`gateway did not start: ${head()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopChild(child: ChildProcess, log: WriteStream): Promise<number | null> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await new Promise<void>((r) => log.end(() => r()));
  return child.exitCode;
}
