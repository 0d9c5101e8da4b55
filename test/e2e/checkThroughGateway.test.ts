/**
 * End to end over several scheduled runs: `certmonitor check` (the real CLI, a child process per run,
 * `--now` for each run's instant) → signed HTTP → the real gateway → Debian's snmptrapd, with a fault
 * proxy between check and gateway. Counted at the receiver (v2c informs, so every notification the
 * gateway sends is acknowledged and logged exactly once): the alert policy (docs/design.md) across runs — first sight, nothing new
 * before H, repeat at H, entering the window, renewal clearing — and under faults — gateway answering 500,
 * gateway down, the gateway's answer lost after it trapped — no alert lost and none doubled.
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
import { type FaultProxy, startFaultProxy } from '../helpers/faultProxy.ts';
import { freeTcpPort } from '../helpers/freePort.ts';
import { informEntry } from '../helpers/informHost.ts';
import { type RunningSnmptrapd, startSnmptrapd } from '../helpers/snmptrapd.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-11-24T12:00:00Z');
const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString();

interface RunResult {
  readonly exitCode: number;
  readonly outcomes: Record<string, { status: string; action: string }>;
  readonly summary: { notifications: { sent: number; failed: number } };
}

describe('check → gateway → snmptrapd across runs, with faults', () => {
  let dir: string;
  let keys: DemoKeys;
  let trapd: RunningSnmptrapd;
  let gateway: RunningGateway | undefined;
  let gatewayPort: number;
  let proxy: FaultProxy;
  let secretFile: string;

  const fleet = () => join(dir, 'fleet');
  const writeCert = (appliance: string, notAfterMs: number, commonName = appliance) => {
    mkdirSync(join(fleet(), appliance), { recursive: true });
    writeFileSync(
      join(fleet(), appliance, 'server.pem'),
      makeCertificatePem(keys, { commonName, notBefore: new Date(T0 - 300 * DAY), notAfter: new Date(notAfterMs) }),
    );
  };

  const startOurGateway = async () => {
    const config = buildGatewayConfig(
      {
        listen: { host: '127.0.0.1', port: gatewayPort },
        auth: { keys: [{ id: 'lambda', secretFile }] },
        trapHosts: [informEntry('nms', trapd.port, 1000, 2)],
        syslog: [{ file: join(dir, 'lunalogs') }],
        stateDir: join(dir, 'gateway-state'),
      },
      dir,
      {},
    );
    gateway = await startGateway(config, { stderr: undefined });
    await gateway.resumed;
  };

  /** One scheduled run through the real CLI, as of `now`. */
  const check = (now: string): Promise<RunResult> =>
    runCheckCli<RunResult['summary']>({
      fleet: fleet(),
      state: join(dir, 'state'),
      gateways: [proxy.url],
      secretFile,
      now,
    });

  /** What snmptrapd logged per appliance, as the ssLogReference flags in arrival order. */
  const received = () => {
    const byAppliance: Record<string, string[]> = {};
    for (const line of trapd.lines()) {
      const match = /"\[([A-Za-z0-9._-]+):\S+ \/ lunalogs \/ .+ \/ ([01])\]"/.exec(line);
      assert.ok(match, `an ssLogReference in: ${line}`);
      byAppliance[match[1]!] = [...(byAppliance[match[1]!] ?? []), match[2]!];
    }
    return byAppliance;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certmonitor-e2e-'));
    keys = makeDemoKeys();
    trapd = await startSnmptrapd();
    secretFile = join(dir, 'gateway.secret');
    writeFileSync(secretFile, `${randomBytes(32).toString('hex')}\n`);
    gatewayPort = await freeTcpPort();
    await startOurGateway();
    proxy = await startFaultProxy(() => gatewayPort);
    // hsm-a is in the window at first sight; hsm-b enters it 36 hours later; hsm-c stays valid.
    writeCert('hsm-a', T0 + 10 * DAY);
    writeCert('hsm-b', T0 + 31 * DAY + 12 * HOUR);
    writeCert('hsm-c', T0 + 400 * DAY);
  });

  after(async () => {
    await gateway?.stop();
    await proxy?.close();
    await trapd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('traps once per decision at the receiver, whatever the network does', async () => {
    const r1 = await check(at(0));
    assert.equal(r1.exitCode, 0);
    assert.equal(r1.outcomes['hsm-a']?.action, 'trap');
    await trapd.waitFor(1);
    assert.deepEqual(received(), { 'hsm-a': ['1'] }, 'first sight in the window traps at once');

    const r2 = await check(at(1));
    assert.equal(r2.summary.notifications.sent, 0, 'nothing new an hour later');

    const r3 = await check(at(24));
    assert.equal(r3.outcomes['hsm-a']?.action, 'trap', 'repeat exactly H hours after the last trap');
    assert.equal(r3.outcomes['hsm-b']?.status, 'valid');
    await trapd.waitFor(2);

    // hsm-b enters the window while the gateway answers 500: not delivered, retried next run, one trap.
    proxy.mode = 'fail500';
    const r4 = await check(at(36));
    assert.equal(r4.exitCode, 1);
    assert.equal(r4.outcomes['hsm-b']?.action, 'trap-failed');
    proxy.mode = 'pass';
    const r5 = await check(at(37));
    assert.equal(r5.exitCode, 0);
    assert.equal(r5.outcomes['hsm-b']?.action, 'trap');
    await trapd.waitFor(3);

    // hsm-a's next repeat: the gateway traps, but its answer is lost. The next run resends the same id,
    // the gateway recognises it, and the receiver still sees exactly one trap for that decision.
    proxy.mode = 'dropAnswer';
    const r6 = await check(at(48));
    assert.equal(r6.exitCode, 1);
    assert.equal(r6.outcomes['hsm-a']?.action, 'trap-failed');
    await trapd.waitFor(4); // the gateway did trap
    proxy.mode = 'pass';
    const r7 = await check(at(49));
    assert.equal(r7.exitCode, 0);
    assert.equal(r7.outcomes['hsm-a']?.action, 'trap', 'delivered (as a duplicate) and recorded');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(trapd.lines().length, 4, 'the resent id did not trap again');

    // hsm-a is renewed while the gateway is down: the clearing trap waits for the gateway to come back.
    writeCert('hsm-a', T0 + 500 * DAY, 'hsm-a-renewed');
    await gateway!.stop();
    gateway = undefined;
    const r8 = await check(at(50));
    assert.equal(r8.exitCode, 1);
    assert.equal(r8.outcomes['hsm-a']?.action, 'clear-failed');
    await startOurGateway();
    const r9 = await check(at(51));
    assert.equal(r9.exitCode, 0);
    assert.equal(r9.outcomes['hsm-a']?.action, 'clear');
    await trapd.waitFor(5);

    const r10 = await check(at(52));
    assert.equal(r10.summary.notifications.sent, 0, 'and then nothing');
    // Let any stray (doubled) notification arrive before the final count.
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(received(), { 'hsm-a': ['1', '1', '1', '0'], 'hsm-b': ['1'] });
  });
});
