/**
 * The critical level end to end (docs/reference.md, Expiry policy): `certmonitor check` (the real CLI, one
 * child process per run, `--now` for each run's instant) with a percent and a critical level → signed
 * HTTP → the real gateway → Debian's snmptrapd (v2c informs, so each notification is logged exactly once)
 * and Debian's rsyslogd, plus the gateway's file sink. A 47-day certificate: a warning trap, then one at once
 * on entering critical even inside H, then one every critical.repeatHours; each an `ntlsAttentionNotify`,
 * the critical ones' syslog lines with severity `crit`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeCertificatePem, makeDemoKeys } from '../../examples/demoCertificate.ts';
import { buildGatewayConfig } from '../../gateway/config/gatewayConfig.ts';
import { DEFAULT_NOTIFICATION_OID } from '../../gateway/config/gatewayConfigSchema.ts';
import { type RunningGateway, startGateway } from '../../gateway/gatewayRuntime.ts';
import { runCheckCli } from '../helpers/checkCli.ts';
import { freeTcpPort } from '../helpers/freePort.ts';
import { type RunningRsyslog, startRsyslog } from '../helpers/rsyslog.ts';
import { type RunningSnmptrapd, settledCountFor, startSnmptrapd } from '../helpers/snmptrapd.ts';
import { waitUntil } from '../helpers/waitUntil.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2029-04-25T12:00:00Z');
const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString();

/** Warning within 33 % of the lifetime (or 5 days), critical within 10 %; H 72 hours, critical every 6. */
const POLICY = ['--days', '5', '--percent', '33', '--hours', '72', '--critical-percent', '10', '--critical-hours', '6'];

interface Summary {
  readonly notifications: { readonly sent: number; readonly failed: number };
}

describe('escalation to critical: check → gateway → snmptrapd and rsyslogd', () => {
  let dir: string;
  let trapd: RunningSnmptrapd;
  let rsyslog: RunningRsyslog;
  let gateway: RunningGateway | undefined;
  let gatewayUrl: string;
  let secretFile: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certmonitor-e2e-escalation-'));
    const keys = makeDemoKeys();
    // A 47-day certificate with 7 days left at T0: within 33 % (15.5 days), critical from 4.7 days left.
    mkdirSync(join(dir, 'fleet', 'hsm-short'), { recursive: true });
    writeFileSync(
      join(dir, 'fleet', 'hsm-short', 'server.pem'),
      makeCertificatePem(keys, {
        commonName: 'hsm-short',
        notBefore: new Date(T0 - 40 * DAY),
        notAfter: new Date(T0 + 7 * DAY),
      }),
    );
    trapd = await startSnmptrapd();
    rsyslog = await startRsyslog({ udp: true });
    secretFile = join(dir, 'gateway.secret');
    writeFileSync(secretFile, `${randomBytes(32).toString('hex')}\n`);
    const port = await freeTcpPort();
    const config = buildGatewayConfig(
      {
        listen: { host: '127.0.0.1', port },
        auth: { keys: [{ id: 'lambda', secretFile }] },
        trapHosts: [
          { name: 'nms', host: '127.0.0.1', port: trapd.port, version: '2c', type: 'inform', community: 'public' },
        ],
        syslog: [{ transport: 'udp', host: '127.0.0.1', port: rsyslog.udpPort }, { file: join(dir, 'lunalogs') }],
        stateDir: join(dir, 'gateway-state'),
      },
      dir,
      {},
    );
    gateway = await startGateway(config, { stderr: undefined });
    await gateway.resumed;
    gatewayUrl = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    await gateway?.stop();
    await trapd?.stop();
    await rsyslog?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const check = (hours: number) =>
    runCheckCli<Summary>({
      fleet: join(dir, 'fleet'),
      state: join(dir, 'state'),
      gateways: [gatewayUrl],
      secretFile,
      now: at(hours),
      extraArgs: POLICY,
    });

  /** The gateway's file-sink lines about the certificate's expiry, as their syslog severity. */
  const fileSeverities = () =>
    readFileSync(join(dir, 'lunalogs'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('hsm-short') && l.includes('NTLS certificate will be expire on'))
      .map((l) => /local5 (\w+) /.exec(l)?.[1]);

  /** rsyslogd's lines about the certificate's expiry, as their syslog severity. */
  const networkSeverities = () =>
    rsyslog
      .lines()
      .filter((l) => l.includes('|hsm-short|') && l.includes('NTLS certificate will be expire on'))
      .map((l) => l.split('|')[1]);

  it('a warning trap, then at once on entering critical inside H, then every critical.repeatHours', async () => {
    const first = await check(0);
    assert.equal(first.exitCode, 0, first.stderr);
    assert.equal(first.outcomes['hsm-short']?.action, 'trap');
    assert.equal(await settledCountFor(trapd, 'hsm-short', 1), 1, 'the warning');
    assert.match(first.stderr, /NTLS certificate will be expire on/);

    assert.equal((await check(24)).summary.notifications.sent, 0, 'inside H (72 hours)');
    assert.equal((await check(55)).summary.notifications.sent, 0, 'not critical yet (4.7 days left at 55.2 hours)');

    const escalated = await check(56);
    assert.equal(escalated.exitCode, 0, escalated.stderr);
    assert.equal(escalated.summary.notifications.sent, 1, 'escalation at once, 56 hours after the warning');
    assert.equal(await settledCountFor(trapd, 'hsm-short', 2), 2);

    assert.equal((await check(61)).summary.notifications.sent, 0, 'inside critical.repeatHours (6)');
    assert.equal((await check(62)).summary.notifications.sent, 1, 'the first critical repeat');
    assert.equal((await check(68)).summary.notifications.sent, 1, 'the second');
    assert.equal(await settledCountFor(trapd, 'hsm-short', 4), 4, 'counted at snmptrapd, none doubled');

    // Every one is the NTLS trap operators' rules know: ntlsAttentionNotify with the raise flag.
    for (const line of trapd.lines()) {
      assert.ok(line.includes(DEFAULT_NOTIFICATION_OID), line);
      assert.match(line, /"\[hsm-short:\S+ \/ lunalogs \/ .+ \/ 1\]"/);
    }
    // The warning's syslog line keeps its severity; the critical ones are `crit`, at rsyslogd and in the file.
    await waitUntil('four expiry lines at rsyslogd', () => networkSeverities().length >= 4, 15_000);
    assert.deepEqual(networkSeverities(), ['info', 'crit', 'crit', 'crit']);
    assert.deepEqual(fileSeverities(), ['info', 'crit', 'crit', 'crit']);
  });
});
