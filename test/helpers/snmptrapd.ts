/**
 * Starts Debian's real `snmptrapd` on a free loopback UDP port with its own configuration and
 * persistent directory, logging one line per notification to a file the test reads.
 * Line format: `VERSION|ENTERPRISE/TRAPOID|varbinds…` with each varbind as `OID~VALUE` (numeric OIDs).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpPort } from './freePort.ts';
import { requireBinary, startPeer, waitForLines } from './peerProcess.ts';

/** A v3 user the receiver accepts. `engineId` set: for traps from that engine; absent: for informs. */
export interface SnmptrapdV3User {
  readonly name: string;
  readonly authProtocol?: 'SHA' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512';
  readonly authKey?: string;
  readonly privProtocol?: 'AES' | 'AES-256';
  readonly privKey?: string;
  readonly engineId?: string;
}

export interface SnmptrapdOptions {
  readonly community?: string;
  readonly v3Users?: readonly SnmptrapdV3User[];
  /**
   * UDP receive buffer (`[snmp] serverRecvBuf`, capped by the kernel's rmem_max): a larger one absorbs
   * bursts of unacknowledged traps while snmptrapd is short of CPU.
   */
  readonly recvBufferBytes?: number;
}

export interface RunningSnmptrapd {
  readonly port: number;
  /** Every notification line received so far. */
  lines(): string[];
  /** Resolves with the lines once at least `n` arrived; rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs?: number): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * One line per notification: `V1|version|enterprise|generic|specific|agent-addr|community|varbinds` or
 * `V2|version|security name|varbinds`, varbinds separated by `~~` as `OID = TYPE: VALUE`.
 */
const FORMAT_V1 = 'V1|%s|%N|%w|%q|%a|%u|%V~~%v\\n';
const FORMAT_V2 = 'V2|%s|%u|%V~~%v\\n';

export async function startSnmptrapd(options: SnmptrapdOptions = {}): Promise<RunningSnmptrapd> {
  const bin = requireBinary('snmptrapd', 'snmptrapd');
  const dir = mkdtempSync(join(tmpdir(), 'certmonitor-snmptrapd-'));
  const port = await freeUdpPort();
  const log = join(dir, 'traps.log');
  const conf = join(dir, 'snmptrapd.conf');
  const community = options.community ?? 'public';
  const lines = [
    '[snmp] mibs :',
    `[snmp] persistentDir ${join(dir, 'persist')}`,
    ...(options.recvBufferBytes ? [`[snmp] serverRecvBuf ${options.recvBufferBytes}`] : []),
    'doNotRetainNotificationLogs yes',
    `format print1 ${FORMAT_V1}`,
    `format print2 ${FORMAT_V2}`,
    'disableAuthorization no',
    `authCommunity log ${community}`,
  ];
  for (const u of options.v3Users ?? []) {
    const auth = u.authProtocol ? ` ${u.authProtocol} ${u.authKey}` : '';
    const priv = u.privProtocol ? ` ${u.privProtocol} ${u.privKey}` : '';
    lines.push(`createUser ${u.engineId ? `-e 0x${u.engineId} ` : ''}${u.name}${auth}${priv}`);
    lines.push(`authUser log ${u.name} ${u.privProtocol ? 'priv' : u.authProtocol ? 'auth' : 'noauth'}`);
  }
  writeFileSync(conf, `${lines.join('\n')}\n`);
  writeFileSync(log, '');
  const peer = startPeer('snmptrapd', bin, ['-f', '-C', '-c', conf, '-On', '-Lf', log, `udp:127.0.0.1:${port}`], dir);
  const read = (): string[] =>
    readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('V1|') || l.startsWith('V2|'));
  // Ready once it logs its start banner.
  await peer.waitUntilReady(() => readFileSync(log, 'utf8').includes('NET-SNMP version'));
  return {
    port,
    lines: read,
    waitFor: (n, timeoutMs = 15_000) => waitForLines(read, n, timeoutMs, 'snmptrapd notifications'),
    stop: () => peer.stop(),
  };
}
