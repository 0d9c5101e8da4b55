/**
 * How long the check waits on the gateway (docs/reference.md, Configuration: `CERTMONITOR_GATEWAY_TIMEOUT_MS`),
 * end to end: `certmonitor check` (the real CLI) → a real gateway whose inform host is slow → Debian's
 * snmptrapd, down when the run starts and back before the gateway's last inform retry (timeoutMs 2000,
 * backoff 2, retries 3: sends at 0, 2, 6 and 14 s, so the acknowledgement comes after 14 s, later than
 * the 10 s a client used to wait per attempt). Counted in the gateway's access lines and at the receiver:
 * - the default answer timeout outlasts the gateway's informs: one request, answered, "trap sent", no
 *   "Duplicate" line;
 * - an answer timeout shorter than them (`--gateway-timeout-ms 2000`): the check gives up once and does
 *   not send again; the gateway still writes the request's access line, `answer=abandoned`;
 * - an answer lost on the way back (a proxy drops it): the check sends again, the gateway answers that
 *   resend as a duplicate of the copy it delivered, and the check reads it as sent by this run.
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
import { informEntry } from '../helpers/informHost.ts';
import { type RunningSnmptrapd, startSnmptrapd } from '../helpers/snmptrapd.ts';

const DAY = 86_400_000;
const NOW = '2026-11-24T12:00:00Z';
const T0 = Date.parse(NOW);

type Summary = { notifications: { sent: number; failed: number } };

describe('gateway timeouts: check → gateway with a slow inform host → snmptrapd', () => {
  let dir: string;
  let keys: DemoKeys;
  let trapd: RunningSnmptrapd;
  let secretFile: string;
  let gateway: RunningGateway;
  let proxy: FaultProxy;
  const gatewayLines: string[] = [];

  /** The gateway's access lines for notification requests so far, as field maps. */
  const accessLines = () =>
    gatewayLines
      .filter((l) => l.startsWith('certmonitor gateway: access ') && l.includes('route=/v1/notifications'))
      .map((l) =>
        Object.fromEntries(
          l
            .trim()
            .split(' ')
            .slice(3)
            .map((f) => f.split('=', 2) as [string, string]),
        ),
      );

  const check = async (appliance: string, url: string, extraArgs: readonly string[] = []) => {
    const fleet = join(dir, `fleet-${appliance}`);
    mkdirSync(join(fleet, appliance), { recursive: true });
    const notAfter = new Date(T0 + 10 * DAY);
    const pem = makeCertificatePem(keys, { commonName: appliance, notBefore: new Date(T0 - 300 * DAY), notAfter });
    writeFileSync(join(fleet, appliance, 'server.pem'), pem);
    const run = await runCheckCli<Summary>({
      fleet,
      state: join(dir, `state-${appliance}`),
      gateways: [url],
      secretFile,
      now: NOW,
      timeoutMs: 120_000,
      extraArgs,
    });
    return { ...run, lines: run.stderr.split('\n').filter(Boolean) };
  };

  const trapsFor = (appliance: string) => trapd.lines().filter((l) => l.includes(`"[${appliance}:`)).length;

  const waitUntil = async (done: () => boolean, ms: number) => {
    const until = Date.now() + ms;
    while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certmonitor-timeouts-'));
    keys = makeDemoKeys();
    trapd = await startSnmptrapd();
    secretFile = join(dir, 'gateway.secret');
    writeFileSync(secretFile, `${randomBytes(32).toString('hex')}\n`);
    const config = buildGatewayConfig(
      {
        listen: { host: '127.0.0.1', port: 0 },
        auth: { keys: [{ id: 'lambda', secretFile }] },
        trapHosts: [{ ...informEntry('nms', trapd.port, 2000, 3), backoff: 2 }],
        syslog: [{ file: join(dir, 'lunalogs') }],
        stateDir: join(dir, 'gateway-state'),
      },
      dir,
      {},
    );
    gateway = await startGateway(config, { stderr: (line) => void gatewayLines.push(line) });
    await gateway.resumed;
    proxy = await startFaultProxy(() => Number(new URL(gateway.url).port));
  });

  after(async () => {
    await gateway?.stop();
    await proxy?.close();
    await trapd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a slow inform host: the default waits it out (one request, sent, no Duplicate); a short timeout gives up once', async () => {
    await trapd.down();
    // Back after the gateway's third send (6 s), before its fourth (14 s), which is then acknowledged.
    const up = new Promise<void>((resolve, reject) => setTimeout(() => trapd.up().then(resolve, reject), 8_000));
    const [waited, gaveUp] = await Promise.all([
      check('hsm-slow', gateway.url),
      check('hsm-impatient', gateway.url, ['--gateway-timeout-ms', '2000']),
      up,
    ]);

    assert.equal(waited.exitCode, 0, waited.stderr);
    assert.deepEqual(waited.summary.notifications, { sent: 1, failed: 0 });
    assert.ok(
      waited.lines.some((l) => l.endsWith(': NTLS certificate expiry SNMP trap sent to trap host nms')),
      waited.stderr,
    );
    assert.ok(!waited.stderr.includes('Duplicate'), waited.stderr);

    assert.equal(gaveUp.exitCode, 1, gaveUp.stderr);
    assert.deepEqual(gaveUp.summary.notifications, { sent: 0, failed: 1 });
    assert.ok(
      gaveUp.lines.some((l) => l.endsWith(': gateway did not answer in time')),
      gaveUp.stderr,
    );

    // One request per run, each with its access line once the gateway is done with it; the one whose
    // client left is marked.
    await waitUntil(() => accessLines().length >= 2, 30_000);
    const lines = accessLines();
    assert.equal(lines.length, 2, gatewayLines.join(''));
    assert.deepEqual(lines.map((l) => l.answer ?? 'sent').sort(), ['abandoned', 'sent']);
    assert.ok(lines.every((l) => l.status === '200' && l.notifications === '1'));
    // The gateway delivered both: the receiver has one trap each.
    await waitUntil(() => trapsFor('hsm-impatient') >= 1, 5_000);
    assert.equal(trapsFor('hsm-slow'), 1);
    assert.equal(trapsFor('hsm-impatient'), 1);
  });

  it('an answer lost on the way back: the resend is answered as a duplicate and reads as sent by this run', async () => {
    const before = accessLines().length;
    proxy.mode = 'dropFirstAnswer';
    const run = await check('hsm-lost-answer', proxy.url);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.deepEqual(run.summary.notifications, { sent: 1, failed: 0 });
    assert.ok(
      run.lines.some((l) => l.endsWith(': NTLS certificate expiry SNMP trap sent to trap host nms')),
      run.stderr,
    );
    assert.ok(!run.stderr.includes('Duplicate'), run.stderr);
    await waitUntil(() => accessLines().length >= before + 2, 5_000);
    const lines = accessLines().slice(before);
    assert.deepEqual(
      lines.map((l) => l.duplicates),
      ['0', '1'],
    );
    assert.equal(trapsFor('hsm-lost-answer'), 1);
  });
});
