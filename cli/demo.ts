/**
 * `certmonitor demo` (what `npm start` runs): the whole job on one machine, with nothing to install
 * beyond `npm ci`. It makes an example fleet in a temporary directory, starts the real gateway in-process
 * with an in-process SNMP receiver (net-snmp's own, decoding the real packets) and UDP syslog listener as
 * its peers, then runs `certmonitor check`'s own code path three times: a first run, a repeat an hour
 * later (nothing due), and a run after one certificate was renewed (clearing trap). It shows what each
 * peer received and the lunalogs file, shuts the gateway down, leaves the last run's fleet report where
 * the newcomer can open it (a fixed folder, replaced by each demo), cleans up and exits by itself.
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CheckConfig, ForwarderConfig } from '../app/checkConfig.ts';
import { DEFAULT_SETTINGS } from '../core/types.ts';
import { makeCertificatePem, makeDemoKeys } from '../examples/demoCertificate.ts';
import { DEMO_APPLIANCES, makeDemoFleet } from '../examples/demoFleet.ts';
import { type DemoSyslogListener, startDemoSyslogListener } from '../examples/demoSyslogListener.ts';
import { type DemoTrapReceiver, type ReceivedTrap, startDemoTrapReceiver } from '../examples/demoTrapReceiver.ts';
import { buildGatewayConfig } from '../gateway/config/gatewayConfig.ts';
import { type RunningGateway, startGateway } from '../gateway/gatewayRuntime.ts';
import { SS_LOG_REFERENCE_OID } from '../gateway/snmp/notificationVarbinds.ts';
import { type CheckIo, runCheckCommand } from './check.ts';
import { parseNow } from './command.ts';

/** What the demonstration runs against. */
export interface DemoOptions {
  /** A gateway to forward to instead of the demo's own (then no receiver output is shown). */
  readonly forwardTo?: ForwarderConfig;
  /** The demo's evaluation instant (default: the clock). */
  readonly now?: Date;
  /** Keep the temporary directory and print its path. */
  readonly keep?: boolean;
  /** Where the fleet report is left (default {@link defaultReportDir}). */
  readonly reportDir?: string;
}

/**
 * A new folder for the demo's fleet report, one per demo: two demos at once (two users, two terminals)
 * never overwrite or delete each other's report. The demo prints where it is.
 */
export function defaultReportDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'certmonitor-report-'));
}

/** The demo's temporary directories. */
export interface DemoWorkspace {
  readonly root: string;
  readonly fleet: string;
  readonly state: string;
}

const HOUR = 3_600_000;
/** The appliance whose certificate the demo renews (expiring in the example fleet). */
const RENEWED = 'hsm-fra-02';
const KEY_ID = 'demo';

/** Creates the temporary workspace and the example fleet in it. */
export async function prepareDemo(now: Date, keys = makeDemoKeys()): Promise<DemoWorkspace> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'certmonitor-demo-'));
  const workspace = { root, fleet: path.join(root, 'fleet'), state: path.join(root, 'state') };
  await makeDemoFleet(workspace.fleet, now, keys);
  return workspace;
}

/** The check configuration of the demo: the example fleet, its own state, the default settings. */
function demoConfig(workspace: DemoWorkspace, forwarder?: ForwarderConfig): CheckConfig {
  return {
    source: `dir:${workspace.fleet}`,
    state: `dir:${workspace.state}`,
    settings: DEFAULT_SETTINGS,
    // One at a time, so the lines come out in the fleet's order.
    concurrency: 1,
    ...(forwarder ? { forwarder } : {}),
  };
}

/** Bold section headers on a terminal, plain text when piped (or with NO_COLOR). */
function headerStyle(io: CheckIo): (text: string) => string {
  const tty = (io.stdout as { isTTY?: boolean }).isTTY === true && !io.env.NO_COLOR;
  return tty ? (t) => `\x1b[1m${t}\x1b[0m` : (t) => t;
}

/** Writes through to `out` with every line indented, so a step's lines sit under its header. */
function indented(out: CheckIo['stdout'], prefix = '    '): CheckIo['stdout'] {
  let atStart = true;
  return {
    write(text: string) {
      let s = '';
      for (const ch of text.split(/(?<=\n)/)) {
        if (ch === '') continue;
        s += (atStart ? prefix : '') + ch;
        atStart = ch.endsWith('\n');
      }
      return out.write(s);
    },
  };
}

/** One received notification as a line: version, kind, notification OID and the ssLogReference text. */
export function formatReceivedTrap(trap: ReceivedTrap): string {
  const ref = trap.varbinds.find((v) => v.oid === SS_LOG_REFERENCE_OID);
  const rest = trap.varbinds.filter((v) => v !== ref).map((v) => `${v.oid}=${v.value}`);
  return [
    `${trap.version} ${trap.kind}`.padEnd(10),
    trap.notificationOid,
    ref ? `ssLogReference=${ref.value}` : '(no ssLogReference)',
    ...rest,
  ].join('  ');
}

/** The demo's own gateway and the peers it delivers to. */
interface DemoPeers {
  readonly receiver: DemoTrapReceiver;
  readonly syslog: DemoSyslogListener;
  readonly gateway: RunningGateway;
  readonly lunalogs: string;
  readonly forwardTo: ForwarderConfig;
  /** Gateway lifecycle lines echoed since the last call. */
  takeLifecycle(): string[];
}

/** Starts the receiver, the syslog listener and the real gateway configured to use them. */
async function startPeers(root: string): Promise<DemoPeers> {
  const v3User = {
    name: 'certmon',
    authKey: randomBytes(12).toString('hex'),
    privKey: randomBytes(12).toString('hex'),
  };
  const receiver = await startDemoTrapReceiver({ community: 'public', v3User });
  const syslog = await startDemoSyslogListener().catch(async (error: unknown) => {
    await receiver.close();
    throw error;
  });
  const secretFile = path.join(root, 'gateway.secret');
  await writeFile(secretFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  const lunalogs = path.join(root, 'gateway', 'lunalogs');
  const config = buildGatewayConfig(
    {
      listen: { host: '127.0.0.1', port: 0 },
      auth: { keys: [{ id: KEY_ID, secretFile }] },
      trapHosts: [
        { name: 'receiver-v2c-trap', host: '127.0.0.1', port: receiver.port, version: '2c', community: 'public' },
        {
          name: 'receiver-v3-inform',
          host: '127.0.0.1',
          port: receiver.port,
          version: 3,
          type: 'inform',
          user: v3User.name,
          authProtocol: 'sha256',
          authKey: v3User.authKey,
          privProtocol: 'aes',
          privKey: v3User.privKey,
          retries: 2,
          timeoutMs: 1000,
        },
      ],
      syslog: [{ transport: 'udp', host: '127.0.0.1', port: syslog.port }, { file: lunalogs }],
      stateDir: path.join(root, 'gateway', 'state'),
      hostname: 'demo-gateway',
    },
    root,
    {},
  );
  const lifecycle: string[] = [];
  let gateway: RunningGateway;
  try {
    gateway = await startGateway(config, { stderr: (line) => void lifecycle.push(line.replace(/\n$/, '')) });
  } catch (error) {
    await Promise.all([receiver.close(), syslog.close()]);
    throw error;
  }
  return {
    receiver,
    syslog,
    gateway,
    lunalogs,
    forwardTo: { url: gateway.url, keyId: KEY_ID, secretFile },
    takeLifecycle: () => lifecycle.splice(0),
  };
}

/** Waits until the peers have gone quiet, then prints what each received since the last call. */
async function showReceived(peers: DemoPeers, out: CheckIo['stdout'], bold: (t: string) => string): Promise<number> {
  // Traps and syslog datagrams were sent before the gateway answered; give the event loop a moment to read them.
  await peers.syslog.settle(150, 2000);
  const traps = peers.receiver.take();
  out.write(`  ${bold(`traps received by the SNMP receiver (udp 127.0.0.1:${peers.receiver.port}):`)}\n`);
  if (traps.length === 0) out.write('    no traps received\n');
  for (const t of traps) out.write(`    ${formatReceivedTrap(t)}\n`);
  const lines = peers.syslog.take();
  out.write(`  ${bold(`syslog lines received (udp 127.0.0.1:${peers.syslog.port}):`)}\n`);
  if (lines.length === 0) out.write('    no syslog lines received\n');
  for (const l of lines) out.write(`    ${l}\n`);
  return traps.length;
}

/** Runs `certmonitor check`'s code path with its lines indented under a sub-header. */
async function runStepCheck(
  workspace: DemoWorkspace,
  forwarder: ForwarderConfig | undefined,
  now: Date,
  io: CheckIo,
  bold: (t: string) => string,
): Promise<number> {
  io.stdout.write(`  ${bold('certmonitor check output:')}\n`);
  const out = indented(io.stdout);
  return runCheckCommand(demoConfig(workspace, forwarder), { now, json: false }, { ...io, stdout: out });
}

/** How the demo prints: plain lines and bold section headers. */
interface Printer {
  readonly say: (text: string) => void;
  readonly bold: (text: string) => string;
}

/** Step 1: the example fleet, one line per appliance. */
function describeFleet({ say, bold }: Printer, now: Date): void {
  say(bold(`1. Example fleet of ${DEMO_APPLIANCES.length} appliances, made for ${now.toISOString()}`));
  for (const a of DEMO_APPLIANCES) {
    const where = a.inInventory ? `in fleet.json, address ${a.address}` : 'not in fleet.json (found by listing)';
    const what = a.expected === 'invalid' ? 'invalid (corrupt server.pem)' : a.expected;
    say(`    ${a.name.padEnd(12)} ${what.padEnd(29)} ${where}`);
  }
}

/** Step 2: the gateway the checks forward to, the demo's own (with its peers) unless one was given. */
async function gatewayStep(
  { say, bold }: Printer,
  workspace: DemoWorkspace,
  given: ForwarderConfig | undefined,
): Promise<{ forwarder: ForwarderConfig; peers?: DemoPeers }> {
  say('');
  if (given) {
    say(bold(`2. Forwarding to the gateway at ${new URL(given.url).origin}`));
    return { forwarder: given };
  }
  const peers = await startPeers(workspace.root);
  say(bold(`2. Gateway started at ${peers.gateway.url}`));
  for (const l of peers.takeLifecycle()) say(`    ${l}`);
  say('    trap hosts: v2c trap and v3 authPriv inform (SHA-256/AES-128), both to an in-process receiver');
  say(`    syslog: UDP to an in-process listener, and the lunalogs file ${path.basename(peers.lunalogs)}`);
  say("    (syslog lines carry the gateway's clock; ssLogReference carries the check's evaluation instant)");
  return { forwarder: peers.forwardTo, peers };
}

/** Steps 3-5: a first check, a quiet repeat an hour later, and a check after one renewal. */
function checkSteps(workspace: DemoWorkspace, now: Date, keys: ReturnType<typeof makeDemoKeys>) {
  const at = (hours: number) => new Date(now.getTime() + hours * HOUR);
  return [
    { title: `3. First check as of ${now.toISOString()}`, at: now },
    { title: `4. Same fleet one hour later (${at(1).toISOString()}): nothing new is due`, at: at(1) },
    {
      title: `5. ${RENEWED}'s certificate renewed, checked at ${at(2).toISOString()}`,
      at: at(2),
      before: async () => {
        const pem = makeCertificatePem(keys, { commonName: RENEWED, notBefore: at(1), notAfter: at(395 * 24) });
        await writeFile(path.join(workspace.fleet, RENEWED, 'server.pem'), pem);
      },
    },
  ] as Array<{ title: string; at: Date; before?: () => Promise<void> }>;
}

/** Step 6: the gateway's shutdown lines, what syslog received last, and the whole lunalogs file. */
async function shutdownStep({ say, bold }: Printer, peers: DemoPeers): Promise<void> {
  say('');
  say(bold('6. Gateway shut down'));
  await peers.gateway.stop();
  for (const l of peers.takeLifecycle()) say(`    ${l}`);
  await peers.syslog.settle(100, 1000);
  say(`  ${bold(`syslog lines received (udp 127.0.0.1:${peers.syslog.port}):`)}`);
  for (const l of peers.syslog.take()) say(`    ${l}`);
  const lines = (await readFile(peers.lunalogs, 'utf8')).split('\n').filter(Boolean);
  say(`  ${bold(`lunalogs file (${lines.length} lines):`)}`);
  for (const l of lines) say(`    ${l}`);
}

/** Step 7: the last run's fleet report, copied where it outlives the demo, and how to open it. */
async function reportStep({ say, bold }: Printer, workspace: DemoWorkspace, reportDir: string): Promise<void> {
  await rm(reportDir, { recursive: true, force: true });
  await cp(path.join(workspace.state, '_report'), reportDir, { recursive: true });
  const status = JSON.parse(await readFile(path.join(reportDir, 'fleet-status.json'), 'utf8')) as {
    byStatus: Record<string, number>;
    appliances: unknown[];
  };
  const counts = Object.entries(status.byStatus)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  say('');
  say(bold('7. Fleet report of the last check'));
  say(`    every check writes _report/index.html and _report/fleet-status.json at its state location`);
  say(`    ${status.appliances.length} appliances: ${counts}`);
  say(`    open it in a browser: ${pathToFileURL(path.join(reportDir, 'index.html')).href}`);
  say(`    its data: ${path.join(reportDir, 'fleet-status.json')}`);
}

/** Runs the demonstration and resolves to its exit status (0 unless something is broken). */
export async function demo(io: CheckIo, options: DemoOptions = {}): Promise<number> {
  const now = options.now ?? new Date();
  const printer: Printer = { say: (text) => void io.stdout.write(`${text}\n`), bold: headerStyle(io) };
  const keys = makeDemoKeys();
  const workspace = await prepareDemo(now, keys);
  let peers: DemoPeers | undefined;
  let status = 0;
  try {
    describeFleet(printer, now);
    const started = await gatewayStep(printer, workspace, options.forwardTo);
    peers = started.peers;
    for (const step of checkSteps(workspace, now, keys)) {
      printer.say('');
      printer.say(printer.bold(step.title));
      await step.before?.();
      status = Math.max(status, await runStepCheck(workspace, started.forwarder, step.at, io, printer.bold));
      if (peers) await showReceived(peers, io.stdout, printer.bold);
    }
    if (peers) await shutdownStep(printer, peers);
    await reportStep(printer, workspace, options.reportDir ?? (await defaultReportDir()));
    printer.say('');
    printer.say(
      'Try it on your own fleet: certmonitor check --source dir:FLEET --state dir:STATE [--json] [--now ISO]',
    );
    printer.say('and rebuild its report at any time: certmonitor report --state dir:STATE [--out DIR]');
    return status;
  } finally {
    if (peers) {
      await peers.gateway.stop();
      await Promise.all([peers.receiver.close(), peers.syslog.close()]);
    }
    if (options.keep) printer.say(`Kept the demo's files in ${workspace.root}`);
    else await rm(workspace.root, { recursive: true, force: true });
  }
}

/** `certmonitor demo` with its command-line flags. */
export function runDemo(flags: { now?: string; keep?: boolean; reportDir?: string }, io: CheckIo): Promise<number> {
  return demo(io, {
    ...(flags.now !== undefined ? { now: parseNow(flags.now) } : {}),
    keep: flags.keep === true,
    ...(flags.reportDir !== undefined ? { reportDir: flags.reportDir } : {}),
  });
}
