/**
 * Starts Debian's real `rsyslogd` in the foreground with only imudp/imtcp inputs on free loopback
 * ports (no imuxsock/imklog, so it runs beside the system's own), writing every message it receives
 * to a file as `facility|severity|hostname|tag|rawmsg` (rawmsg: the message as received, unframed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort, freeUdpPort } from './freePort.ts';
import { requireBinary, startPeer, waitForLines } from './peerProcess.ts';

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
  const peer = startPeer('rsyslogd', bin, ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], dir);
  // Ready once the pid file exists (it follows start-up), plus a moment for the inputs to bind.
  await peer.waitUntilReady(() => existsSync(join(dir, 'rsyslogd.pid')));
  await new Promise((r) => setTimeout(r, 200));
  const read = () =>
    readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  return {
    ...(udpPort ? { udpPort } : {}),
    ...(tcpPort ? { tcpPort } : {}),
    lines: read,
    waitFor: (n, timeoutMs = 10_000) => waitForLines(read, n, timeoutMs, 'rsyslogd messages'),
    stop: () => peer.stop(),
  };
}
