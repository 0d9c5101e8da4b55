/**
 * Starts Debian's real `rsyslogd` in the foreground with only imudp/imtcp inputs on free loopback
 * ports (no imuxsock/imklog, so it runs beside the system's own), writing every message it receives
 * to a file as `facility|severity|hostname|tag|rawmsg` (rawmsg: the message as received, unframed).
 * It can be stopped and started again on the same ports, appending to the same file (a collector restart).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort, freeUdpPort } from './freePort.ts';
import { type PeerProcess, requireBinary, settledLines, startPeer, waitForLines } from './peerProcess.ts';

export interface RsyslogOptions {
  readonly udp?: boolean;
  readonly tcp?: boolean;
}

export interface RunningRsyslog {
  readonly udpPort?: number;
  readonly tcpPort?: number;
  /** Every received message so far, one `facility|severity|hostname|tag|rawmsg` line each. */
  lines(): string[];
  /** Resolves with the lines once at least `n` arrived; rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs?: number): Promise<string[]>;
  /** Sends `signal` to the daemon (e.g. SIGSTOP: it stops reading, as a hung collector). */
  signal(signal: NodeJS.Signals): void;
  /** Stops the daemon (SIGTERM, or `signal`) but keeps its ports, configuration and file for {@link start}. */
  halt(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the daemon again after {@link halt}, on the same ports, appending to the same file. */
  start(): Promise<void>;
  /** {@link halt} then {@link start}: a collector restart. */
  restart(): Promise<void>;
  /** Stops the daemon and removes its files. */
  stop(): Promise<void>;
}

export async function startRsyslog(options: RsyslogOptions = { udp: true, tcp: true }): Promise<RunningRsyslog> {
  const bin = requireBinary('rsyslogd', 'rsyslog');
  const dir = mkdtempSync(join(tmpdir(), 'certmonitor-rsyslog-'));
  const out = join(dir, 'received.log');
  const conf = join(dir, 'rsyslog.conf');
  const udpPort = options.udp ? await freeUdpPort() : undefined;
  const tcpPort = options.tcp ? await freeTcpPort() : undefined;
  const lines = [
    `global(workDirectory="${dir}")`,
    'template(name="probe" type="string" string="%syslogfacility-text%|%syslogseverity-text%|%hostname%|%syslogtag%|%rawmsg%\\n")',
  ];
  if (udpPort) {
    lines.push('module(load="imudp")', `input(type="imudp" address="127.0.0.1" port="${udpPort}")`);
  }
  if (tcpPort) {
    lines.push('module(load="imtcp")', `input(type="imtcp" address="127.0.0.1" port="${tcpPort}")`);
  }
  lines.push(`*.* action(type="omfile" file="${out}" template="probe" flushOnTXEnd="on")`);
  writeFileSync(conf, `${lines.join('\n')}\n`);
  writeFileSync(out, '');
  const check = spawnSync(bin, ['-N1', '-f', conf], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`rsyslog configuration refused: ${check.stderr}`);
  const pidFile = join(dir, 'rsyslogd.pid');
  const launch = async (): Promise<PeerProcess> => {
    rmSync(pidFile, { force: true });
    const p = startPeer('rsyslogd', bin, ['-n', '-f', conf, '-i', pidFile], dir);
    // Ready once the pid file exists (it follows start-up), plus a moment for the inputs to bind.
    await p.waitUntilReady(() => existsSync(pidFile));
    await new Promise((r) => setTimeout(r, 200));
    return p;
  };
  let peer = await launch();
  const read = () =>
    readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  return {
    ...(udpPort ? { udpPort } : {}),
    ...(tcpPort ? { tcpPort } : {}),
    lines: read,
    waitFor: (n, timeoutMs = 10_000) => waitForLines(read, n, timeoutMs, 'rsyslogd messages'),
    signal: (signal) => void peer.child.kill(signal),
    halt: (signal) => peer.stop({ keepDir: true, ...(signal ? { signal } : {}) }),
    start: async () => {
      peer = await launch();
    },
    restart: async () => {
      await peer.stop({ keepDir: true });
      peer = await launch();
    },
    stop: () => peer.stop(),
  };
}

/**
 * The lines `rsyslog` received from `hostname` (the HOSTNAME field), once at least `n` arrived or 10 s
 * passed, and after 300 ms more for a stray one to show up.
 */
export function syslogFrom(rsyslog: RunningRsyslog, hostname: string, n: number): Promise<string[]> {
  return settledLines(() => rsyslog.lines().filter((l) => l.split('|')[2] === hostname), n, 300);
}
