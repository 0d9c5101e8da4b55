/**
 * Trap hosts are independent, end to end over several scheduled runs: `certmonitor check` (the real CLI, a
 * child process per run, `--now` for each run's instant) → signed HTTP → the real gateway with three trap
 * hosts: two Debian snmptrapd on loopback and one closed port. v2c informs, so a closed port is a real
 * failure (no acknowledgement) and every notification a receiver logs was acknowledged exactly once.
 * Counted at the receivers: the healthy ones get exactly one trap per due notification and their repeat at
 * H; the closed port is reported once it has failed for H; once a receiver listens there, the next run
 * delivers the owed (latest) notification to it, and only to it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DemoKeys, makeCertificatePem, makeDemoKeys } from '../../examples/demoCertificate.ts';
import { buildGatewayConfig } from '../../gateway/config/gatewayConfig.ts';
import { type RunningGateway, startGateway } from '../../gateway/gatewayRuntime.ts';
import { runCheckCli } from '../helpers/checkCli.ts';
import { freeTcpPort, freeUdpPort } from '../helpers/freePort.ts';
import { informEntry } from '../helpers/informHost.ts';
import { type RunningSnmptrapd, startSnmptrapd } from '../helpers/snmptrapd.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-11-24T12:00:00Z');
const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString();

interface RunResult {
  readonly exitCode: number;
  readonly outcomes: Record<string, { status: string; action: string }>;
  readonly summary: {
    notifications: { sent: number; failed: number };
    trapHosts: { partial: number; retried: number; owed: number; failing: number };
  };
  /** The catalogue lines (stderr with `--json`). */
  readonly lines: string;
}

/** The ssLogReference of each notification a receiver logged: `appliance time flag`, in arrival order. */
function references(trapd: RunningSnmptrapd): string[] {
  return trapd.lines().map((line) => {
    const match = /"\[([A-Za-z0-9._-]+):\S+ \/ lunalogs \/ (.+) \/ certmonitord\[\d+\] \/ ([01])\]"/.exec(line);
    assert.ok(match, `an ssLogReference in: ${line}`);
    return `${match[1]} ${match[2]} ${match[3]}`;
  });
}

describe('check → gateway → three trap hosts, one of them a closed port', () => {
  let dir: string;
  let keys: DemoKeys;
  let nms1: RunningSnmptrapd;
  let nms2: RunningSnmptrapd;
  let nms3: RunningSnmptrapd | undefined;
  let closedPort: number;
  let gateway: RunningGateway | undefined;
  let gatewayPort: number;
  let secretFile: string;

  const fleet = () => join(dir, 'fleet');
  const writeCert = (appliance: string, notAfterMs: number) => {
    mkdirSync(join(fleet(), appliance), { recursive: true });
    writeFileSync(
      join(fleet(), appliance, 'server.pem'),
      makeCertificatePem(keys, {
        commonName: appliance,
        notBefore: new Date(T0 - 300 * DAY),
        notAfter: new Date(notAfterMs),
      }),
    );
  };

  /** One scheduled run through the real CLI, as of `now`. */
  const check = async (now: string): Promise<RunResult> => {
    const run = await runCheckCli<RunResult['summary']>({
      fleet: fleet(),
      state: join(dir, 'state'),
      gateways: [`http://127.0.0.1:${gatewayPort}`],
      secretFile,
      now,
    });
    return { ...run, lines: run.stderr };
  };

  /** Lets a stray (doubled) notification arrive before a count. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certmonitor-e2e-traphosts-'));
    keys = makeDemoKeys();
    nms1 = await startSnmptrapd();
    nms2 = await startSnmptrapd();
    // Nobody listens here until the host "comes back": an inform to it is never acknowledged.
    closedPort = await freeUdpPort();
    secretFile = join(dir, 'gateway.secret');
    writeFileSync(secretFile, `${randomBytes(32).toString('hex')}\n`);
    gatewayPort = await freeTcpPort();
    const config = buildGatewayConfig(
      {
        listen: { host: '127.0.0.1', port: gatewayPort },
        auth: { keys: [{ id: 'lambda', secretFile }] },
        trapHosts: [
          informEntry('nms1', nms1.port, 1000, 2),
          informEntry('nms2', nms2.port, 1000, 2),
          informEntry('nms3', closedPort, 300, 0),
        ],
        syslog: [{ file: join(dir, 'lunalogs') }],
        stateDir: join(dir, 'gateway-state'),
      },
      dir,
      {},
    );
    gateway = await startGateway(config, { stderr: undefined });
    await gateway.resumed;
    // hsm-a is in the window at first sight; hsm-b stays valid.
    writeCert('hsm-a', T0 + 10 * DAY);
    writeCert('hsm-b', T0 + 400 * DAY);
  });

  after(async () => {
    await gateway?.stop();
    await nms1?.stop();
    await nms2?.stop();
    await nms3?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('healthy hosts get every trap on time; the failing one gets the owed trap once it is back, and only it', async () => {
    const first = await check(at(0));
    assert.equal(first.outcomes['hsm-a']?.action, 'trap-partial');
    assert.equal(first.exitCode, 0, 'the healthy hosts got their trap: a run that needs no retry');
    assert.deepEqual(first.summary.notifications, { sent: 1, failed: 0 });
    assert.deepEqual(first.summary.trapHosts, { partial: 1, retried: 0, owed: 0, failing: 0 });
    assert.match(first.lines, /Failed to send NTLS certificate expiry SNMP trap to trap host nms3/);
    await nms1.waitFor(1);
    await nms2.waitFor(1);

    // An hour later only the owed trap goes out, and the gateway tries only nms3 (still closed).
    const hourLater = await check(at(1));
    assert.equal(hourLater.outcomes['hsm-a']?.action, 'trap-owed');
    assert.equal(hourLater.exitCode, 0);
    assert.deepEqual(hourLater.summary.trapHosts, { partial: 0, retried: 0, owed: 1, failing: 0 });

    // At H the healthy hosts get their repeat; nms3 has failed for H: reported, and the run exits 1.
    const day = await check(at(24));
    assert.equal(day.outcomes['hsm-a']?.action, 'trap-partial');
    assert.equal(day.exitCode, 1);
    assert.equal(day.summary.trapHosts.failing, 1);
    assert.match(
      day.lines,
      /SNMP trap host nms3 has failed to receive NTLS certificate expiry traps since 2026-11-24T12:00:00\.000Z/,
    );
    await nms1.waitFor(2);
    await nms2.waitFor(2);
    const dayLater = await check(at(25));
    assert.equal(dayLater.exitCode, 1, 'while it keeps failing');
    assert.doesNotMatch(dayLater.lines, /SNMP trap host nms3 has failed/, 'reported once per H');

    // The receiver at the closed port starts: the next run delivers the owed (latest) trap to it only.
    nms3 = await startSnmptrapd({ port: closedPort });
    const back = await check(at(26));
    assert.equal(back.outcomes['hsm-a']?.action, 'trap-retried');
    assert.equal(back.exitCode, 0);
    assert.deepEqual(back.summary.trapHosts, { partial: 0, retried: 1, owed: 0, failing: 0 });
    assert.match(back.lines, /SNMP trap host nms3 receives NTLS certificate expiry traps again/);
    await nms3.waitFor(1);

    const quiet = await check(at(27));
    assert.equal(quiet.outcomes['hsm-a']?.action, 'none');
    assert.equal(quiet.exitCode, 0);
    await settle();
    const raise = (hours: number) => {
      const d = new Date(T0 + hours * HOUR);
      const time = `${d.getUTCFullYear()} Nov ${String(d.getUTCDate()).padStart(2, ' ')} 12:00:00`;
      return `hsm-a ${time} 1`;
    };
    assert.deepEqual(references(nms1), [raise(0), raise(24)]);
    assert.deepEqual(references(nms2), [raise(0), raise(24)]);
    assert.deepEqual(references(nms3), [raise(24)], 'only the latest repeat, once');
  });
});
