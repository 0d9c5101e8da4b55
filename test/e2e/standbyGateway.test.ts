/**
 * Standby gateways end to end (docs/gateway.md, Standby gateways): `certmonitor check` (the real CLI, a child
 * process per run) with `--gateway PRIMARY,STANDBY` → real gateways on loopback, each with its own
 * journal → Debian's snmptrapd behind all of them (v2c informs, so every notification a gateway sends is
 * acknowledged and logged exactly once). Counted at the receiver, per appliance (each case has its own,
 * so its notification ids are its own):
 * - the primary is stopped → the standby delivers, exit 0, one trap;
 * - the primary answers 500 (a proxy in its place), or a real gateway answers 429 (its rate limit) → the
 *   standby delivers, one trap;
 * - the primary traps but its answer is lost → the standby traps too: at least once, never lost (one or
 *   two traps, here two);
 * - a gateway that refuses the key (401) → not tried elsewhere: exit 1, no trap, the next run retries;
 * - the primary has no `/v2` (a proxy answering 404 there) → a newer notification goes to the standby,
 *   delivered, exit 0, no failover, one `gatewayTooOld` line naming the primary (docs/gateway.md, Newer
 *   notifications).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DemoKeys, makeCertificatePem, makeDemoKeys } from '../../examples/demoCertificate.ts';
import { buildGatewayConfig } from '../../gateway/config/gatewayConfig.ts';
import { type RunningGateway, startGateway } from '../../gateway/gatewayRuntime.ts';
import { runCheckCli } from '../helpers/checkCli.ts';
import { type FaultProxy, startFaultProxy } from '../helpers/faultProxy.ts';
import { freeTcpPort } from '../helpers/freePort.ts';
import { rawRequest } from '../helpers/gatewayClient.ts';
import { informEntry } from '../helpers/informHost.ts';
import { type RunningSnmptrapd, settledCountFor, startSnmptrapd } from '../helpers/snmptrapd.ts';

const DAY = 86_400_000;
const NOW = '2026-11-24T12:00:00Z';
const T0 = Date.parse(NOW);

interface RunResult {
  readonly exitCode: number;
  /** The catalogue lines (on stderr with --json). */
  readonly lines: string[];
  readonly outcomes: Record<string, string>;
  readonly summary: {
    notifications: { sent: number; failed: number };
    deliveredBy?: Record<string, number>;
    failovers?: number;
  };
}

interface GatewayOptions {
  /** The gateway process's pid as its lines and traps show it (two hosts run two processes). */
  readonly pid: number;
  readonly keyId?: string;
  readonly rateLimit?: { perClient: { perSecond: number; burst: number } };
}

describe('standby gateways: check → primary or standby gateway → snmptrapd', () => {
  let dir: string;
  let keys: DemoKeys;
  let trapd: RunningSnmptrapd;
  let secretFile: string;
  let proxy: FaultProxy;
  const running: RunningGateway[] = [];
  let primary: RunningGateway | undefined;
  let primaryPort: number;
  let standby: RunningGateway;

  /** A real gateway on `port`, with its own journal directory, trapping to snmptrapd. */
  const startOne = async (name: string, port: number, options: GatewayOptions) => {
    const config = buildGatewayConfig(
      {
        listen: { host: '127.0.0.1', port },
        auth: { keys: [{ id: options.keyId ?? 'lambda', secretFile }] },
        ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
        trapHosts: [informEntry('nms', trapd.port, 1000, 2)],
        syslog: [{ file: join(dir, `${name}-lunalogs`) }],
        stateDir: join(dir, `${name}-state`),
      },
      dir,
      {},
    );
    const gateway = await startGateway(config, { stderr: undefined, pid: options.pid });
    await gateway.resumed;
    running.push(gateway);
    return gateway;
  };

  /** One appliance expiring in 10 days, in a fleet of its own (written once: the same certificate every run). */
  const fleetOf = (appliance: string) => {
    const fleet = join(dir, `fleet-${appliance}`);
    if (existsSync(fleet)) return fleet;
    mkdirSync(join(fleet, appliance), { recursive: true });
    writeFileSync(
      join(fleet, appliance, 'server.pem'),
      makeCertificatePem(keys, {
        commonName: appliance,
        notBefore: new Date(T0 - 300 * DAY),
        notAfter: new Date(T0 + 10 * DAY),
      }),
    );
    return fleet;
  };

  /** One scheduled run through the real CLI over `appliance`'s fleet and state, to `gateways`. */
  const check = async (
    appliance: string,
    gateways: readonly string[],
    extraArgs: readonly string[] = [],
  ): Promise<RunResult> => {
    const run = await runCheckCli<RunResult['summary']>({
      fleet: fleetOf(appliance),
      state: join(dir, `state-${appliance}`),
      gateways,
      secretFile,
      now: NOW,
      timeoutMs: 120_000,
      extraArgs,
    });
    const outcomes = Object.fromEntries(Object.entries(run.outcomes).map(([name, o]) => [name, o.action]));
    return { exitCode: run.exitCode, lines: run.stderr.split('\n').filter(Boolean), outcomes, summary: run.summary };
  };

  const trapsFor = (appliance: string, atLeast: number) => settledCountFor(trapd, appliance, atLeast);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certmonitor-standby-'));
    keys = makeDemoKeys();
    trapd = await startSnmptrapd();
    secretFile = join(dir, 'gateway.secret');
    writeFileSync(secretFile, `${randomBytes(32).toString('hex')}\n`);
    primaryPort = await freeTcpPort();
    primary = await startOne('primary', primaryPort, { pid: 1111 });
    standby = await startOne('standby', 0, { pid: 2222 });
    proxy = await startFaultProxy(() => primaryPort);
  });

  after(async () => {
    for (const gateway of running) await gateway.stop();
    await proxy?.close();
    await trapd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the primary is stopped: the standby delivers, exit 0, one trap, and the summary names the standby', async () => {
    await primary?.stop();
    primary = undefined;
    const primaryUrl = `http://127.0.0.1:${primaryPort}`;
    const run = await check('hsm-down', [primaryUrl, standby.url]);
    assert.equal(run.exitCode, 0);
    assert.equal(run.outcomes['hsm-down'], 'trap');
    assert.deepEqual(run.summary.notifications, { sent: 1, failed: 0 });
    assert.deepEqual(run.summary.deliveredBy, { [standby.url]: 1 });
    assert.equal(run.summary.failovers, 1);
    const failover = run.lines.filter((l) => l.includes('Failed over'));
    assert.equal(failover.length, 1);
    const line = failover[0] ?? '';
    assert.ok(
      line.endsWith(
        `- warning : 0 : Failed over 1 NTLS certificate expiry notification(s) from SNMP gateway ${primaryUrl} to SNMP gateway ${standby.url}: gateway unreachable (ECONNREFUSED)`,
      ),
      line,
    );
    assert.equal(await trapsFor('hsm-down', 1), 1);
    primary = await startOne('primary', primaryPort, { pid: 1111 });
  });

  it('the primary answers 500 after its retries: the standby delivers, one trap', async () => {
    proxy.mode = 'fail500';
    const before = proxy.requests;
    try {
      const run = await check('hsm-500', [proxy.url, standby.url]);
      assert.equal(run.exitCode, 0);
      assert.deepEqual(run.summary.deliveredBy, { [standby.url]: 1 });
      assert.equal(run.summary.failovers, 1);
      assert.equal(proxy.requests - before, 5, 'every attempt at the primary before the standby');
      assert.ok(
        run.lines.some((l) => l.includes(`${proxy.url} to SNMP gateway ${standby.url}: gateway answered HTTP 500`)),
        run.lines.join('\n'),
      );
    } finally {
      proxy.mode = 'pass';
    }
    assert.equal(await trapsFor('hsm-500', 1), 1);
  });

  it('a real gateway answers 429 (its rate limit): the standby delivers, one trap', async () => {
    const limited = await startOne('limited', 0, {
      pid: 3333,
      rateLimit: { perClient: { perSecond: 0.0001, burst: 1 } },
    });
    // Spend its only token: every later request from this address is refused with 429 until it refills.
    await rawRequest(limited.url, { body: '{}', headers: { 'content-type': 'application/json' } });
    const run = await check('hsm-429', [limited.url, standby.url]);
    assert.equal(run.exitCode, 0);
    assert.deepEqual(run.summary.deliveredBy, { [standby.url]: 1 });
    assert.ok(
      run.lines.some((l) => l.includes(`${limited.url} to SNMP gateway ${standby.url}: gateway answered HTTP 429`)),
      run.lines.join('\n'),
    );
    assert.equal(await trapsFor('hsm-429', 1), 1);
  });

  it("the primary's answer is lost after it trapped: the standby traps too, so one or two traps, never none", async () => {
    proxy.mode = 'dropAnswer';
    try {
      const run = await check('hsm-lost', [proxy.url, standby.url]);
      assert.equal(run.exitCode, 0);
      assert.equal(run.outcomes['hsm-lost'], 'trap');
      assert.deepEqual(run.summary.deliveredBy, { [standby.url]: 1 });
      assert.equal(run.summary.failovers, 1);
    } finally {
      proxy.mode = 'pass';
    }
    // The primary journalled and trapped once (its retries were answered from its journal as duplicates);
    // the standby, with a journal of its own, trapped again. At least once across a failover: one or two
    // traps for one decision, never none (here two, since the primary trapped before its answer was lost).
    const traps = await trapsFor('hsm-lost', 2);
    assert.ok(traps >= 1 && traps <= 2, `traps at the receiver: ${traps}`);
    // What the NMS sees: the same ssLogReference (appliance, address, time, flag) from both gateways, each
    // with its own process id in `certmonitord[pid]`.
    const texts = trapd
      .lines()
      .filter((l) => l.includes('"[hsm-lost:'))
      .map((l) => /"(\[hsm-lost:[^"]+\])"/.exec(l)?.[1] ?? '');
    assert.deepEqual(
      new Set(texts.map((t) => t.replace(/certmonitord\[\d+\]/, 'certmonitord[PID]'))).size,
      1,
      texts.join(),
    );
    assert.deepEqual(
      texts.map((t) => /certmonitord\[(\d+)\]/.exec(t)?.[1]).sort(),
      traps === 2 ? ['1111', '2222'] : ['2222'],
    );
  });

  it('a gateway that refuses the key (401) is not failed over: exit 1, no trap, and the next run retries', async () => {
    const stranger = await startOne('stranger', 0, { pid: 4444, keyId: 'someone-else' });
    const run = await check('hsm-401', [stranger.url, standby.url]);
    assert.equal(run.exitCode, 1);
    assert.equal(run.outcomes['hsm-401'], 'trap-failed');
    assert.deepEqual(run.summary.deliveredBy, {});
    assert.equal(run.summary.failovers, 0);
    assert.ok(
      run.lines.some((l) =>
        l.includes(`SNMP gateway ${stranger.url}: gateway answered HTTP 401 (GW_ERR_AUTH_UNKNOWN_KEY)`),
      ),
      run.lines.join('\n'),
    );
    assert.equal(await trapsFor('hsm-401', 0), 0);
    // With the primary fixed (here: the gateways in the other order), the next run delivers it once.
    const retry = await check('hsm-401', [standby.url, stranger.url]);
    assert.equal(retry.exitCode, 0);
    assert.equal(await trapsFor('hsm-401', 1), 1);
  });

  it('the primary has no /v2: a newer notification goes to the standby, delivered, and the primary is named once', async () => {
    proxy.mode = 'noV2';
    const from = proxy.paths.length;
    try {
      // With a critical level, an expiring notification carries a severity: it travels on /v2.
      const run = await check('hsm-v2', [proxy.url, standby.url], ['--critical', '5']);
      assert.equal(run.exitCode, 0, run.lines.join('\n'));
      assert.equal(run.outcomes['hsm-v2'], 'trap');
      assert.deepEqual(run.summary.notifications, { sent: 1, failed: 0 });
      assert.deepEqual(run.summary.deliveredBy, { [standby.url]: 1 });
      assert.equal(run.summary.failovers, 0);
      assert.deepEqual(proxy.paths.slice(from), ['/v2/notifications'], 'asked once, not retried');
      const tooOld = run.lines.filter((l) => l.includes('/v2/notifications'));
      assert.equal(tooOld.length, 1, run.lines.join('\n'));
      const line = tooOld[0] ?? '';
      assert.ok(
        line.endsWith(
          `SNMP gateway ${proxy.url} does not accept 1 certificate notification(s) of the newer kinds (it has no /v2/notifications): upgrade the gateway`,
        ),
        line,
      );
      assert.ok(!run.lines.some((l) => l.includes('Failed over')), run.lines.join('\n'));
    } finally {
      proxy.mode = 'pass';
    }
    assert.equal(await trapsFor('hsm-v2', 1), 1);
  });
});
