/**
 * Starts Debian's real `snmptrapd` on a free loopback UDP port with its own configuration and
 * persistent directory, logging one line per notification to a file the test reads.
 * Line format: `VERSION|ENTERPRISE/TRAPOID|varbinds…` with each varbind as `OID~VALUE` (numeric OIDs).
 *
 * Its SNMP engine (the authoritative one for informs) is by default new at every start (`-C`: no
 * persistent file is read, so a random engine ID and engineBoots 1). With `persistentEngine` it reads
 * its persistent directory as a packaged snmptrapd reads /var/lib/snmp: the engine ID stays and
 * engineBoots counts starts.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpPort } from './freePort.ts';
import { requireBinary, settledLines, startPeer, waitForLines } from './peerProcess.ts';

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
  /** Listen on this loopback UDP port (one a test kept closed until now); default a free one. */
  readonly port?: number;
  readonly v3Users?: readonly SnmptrapdV3User[];
  /**
   * UDP receive buffer (`[snmp] serverRecvBuf`, capped by the kernel's rmem_max): a larger one absorbs
   * bursts of unacknowledged traps while snmptrapd is short of CPU.
   */
  readonly recvBufferBytes?: number;
  /**
   * Keep the engine across restarts: `engineId` (hex) and the engineBoots count before the first start
   * (that start runs with one more, as after that many restarts).
   */
  readonly persistentEngine?: { readonly engineId: string; readonly engineBoots: number };
  /** Configuration lines added as they are (a shipped example's users and communities). */
  readonly extraConfig?: string;
}

export interface RunningSnmptrapd {
  readonly port: number;
  /** Every notification line received so far. */
  lines(): string[];
  /** Resolves with the lines once at least `n` arrived; rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs?: number): Promise<string[]>;
  /**
   * Stops it and starts it again on the same port with the same configuration; lines received so far
   * stay. `forgetEngine` first removes what a `persistentEngine` kept (a reinstalled receiver: a new
   * engine ID and engineBoots 1).
   */
  restart(options?: { readonly forgetEngine?: boolean }): Promise<void>;
  /**
   * Stops it and leaves it stopped (a receiver that is down: informs to its port go unanswered) until
   * `up()` starts it again on the same port; lines received so far stay.
   */
  down(): Promise<void>;
  /** Starts it again after `down()` (nothing when it is running). */
  up(): Promise<void>;
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
  const port = options.port ?? (await freeUdpPort());
  const log = join(dir, 'traps.log');
  const conf = join(dir, 'snmptrapd.conf');
  const persist = join(dir, 'persist');
  const community = options.community ?? 'public';
  const lines = [
    '[snmp] mibs :',
    `[snmp] persistentDir ${persist}`,
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
  if (options.extraConfig !== undefined) lines.push(options.extraConfig);
  writeFileSync(conf, `${lines.join('\n')}\n`);
  writeFileSync(log, '');
  const engine = options.persistentEngine;
  mkdirSync(persist);
  // What snmptrapd itself writes there at shutdown: it reuses the engine ID and counts one more boot.
  if (engine) {
    writeFileSync(
      join(persist, 'snmptrapd.conf'),
      `engineBoots ${engine.engineBoots}\noldEngineID 0x${engine.engineId}\n`,
    );
  }
  const listen = `udp:127.0.0.1:${port}`;
  // A persistent engine is read from the persistent directory, which `-C` would skip: the search path
  // is then limited to this directory and the persistent one instead.
  // -A: append to the log, so a restart keeps the lines received before it.
  const args = engine
    ? ['-f', '-A', '-On', '-Lf', log, listen]
    : ['-f', '-C', '-c', conf, '-A', '-On', '-Lf', log, listen];
  const env = engine
    ? { PATH: process.env.PATH, SNMPCONFPATH: `${dir}:${persist}`, SNMP_PERSISTENT_DIR: persist }
    : undefined;
  const read = (): string[] =>
    readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('V1|') || l.startsWith('V2|'));
  const banners = () => readFileSync(log, 'utf8').split('NET-SNMP version').length - 1;
  const launch = async () => {
    const before = banners();
    const started = startPeer('snmptrapd', bin, args, dir, env);
    // Ready once it logs its start banner.
    await started.waitUntilReady(() => banners() > before);
    return started;
  };
  let peer = await launch();
  let isDown = false;
  return {
    port,
    lines: read,
    waitFor: (n, timeoutMs = 15_000) => waitForLines(read, n, timeoutMs, 'snmptrapd notifications'),
    async restart(restartOptions = {}) {
      await peer.stop({ keepDir: true });
      if (restartOptions.forgetEngine) {
        rmSync(persist, { recursive: true, force: true });
        mkdirSync(persist);
      }
      peer = await launch();
    },
    async down() {
      isDown = true;
      await peer.stop({ keepDir: true });
    },
    async up() {
      if (!isDown) return;
      peer = await launch();
      isDown = false;
    },
    stop: () => peer.stop(),
  };
}

/**
 * The notifications `trapd` logged for `appliance` (its ssLogReference names it), once at least `atLeast`
 * arrived or 15 s passed, and after half a second more for a late (doubled) one to show up: a test that
 * asserts an exact count must not stop looking at the first match.
 */
export async function settledCountFor(trapd: RunningSnmptrapd, appliance: string, atLeast: number): Promise<number> {
  const mine = () => trapd.lines().filter((l) => l.includes(`"[${appliance}:`));
  return (await settledLines(mine, atLeast, 500, 15_000)).length;
}
