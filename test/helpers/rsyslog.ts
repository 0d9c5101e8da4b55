/**
 * Starts Debian's real `rsyslogd` in the foreground with only imudp/imtcp inputs on free loopback
 * ports (no imuxsock/imklog, so it runs beside the system's own), writing every message it receives
 * to a file as `facility|severity|hostname|tag|rawmsg` (rawmsg: the message as received, unframed).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort, freeUdpPort } from './freePort.ts';

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

function rsyslogBinary(): string {
  for (const p of ['/usr/sbin/rsyslogd', '/sbin/rsyslogd', '/usr/bin/rsyslogd']) if (existsSync(p)) return p;
  throw new Error('rsyslogd is not installed: apt-get install rsyslog');
}

export async function startRsyslog(options: RsyslogOptions = { udp: true, tcp: true }): Promise<RunningRsyslog> {
  const bin = rsyslogBinary();
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
  const child: ChildProcess = spawn(bin, ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  // Ready once the TCP port accepts connections (UDP has no handshake; the pid file follows start-up).
  const start = Date.now();
  while (!existsSync(join(dir, 'rsyslogd.pid'))) {
    if (child.exitCode !== null) throw new Error(`rsyslogd exited: ${stderr}`);
    if (Date.now() - start > 10_000) throw new Error(`rsyslogd did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  await new Promise((r) => setTimeout(r, 200));
  const read = () =>
    readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  return {
    ...(udpPort ? { udpPort } : {}),
    ...(tcpPort ? { tcpPort } : {}),
    lines: read,
    async waitFor(n, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const got = read();
        if (got.length >= n) return got;
        if (Date.now() > until) throw new Error(`rsyslogd received ${got.length} of ${n} messages`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
