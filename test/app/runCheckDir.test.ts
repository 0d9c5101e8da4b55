import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { dirStateLocation } from '../../adapters/createStateStore.ts';
import { DirSource } from '../../adapters/dir/dirSource.ts';
import type { ApplianceOutcome, DeliveryResult, LogSink, NotificationForwarder } from '../../app/ports.ts';
import { runCheck } from '../../app/runCheck.ts';
import type { LogEntry } from '../../core/types.ts';
import { type DemoKeys, makeCertificatePem, makeDemoKeys } from '../../examples/demoCertificate.ts';
import { makeDemoFleet } from '../../examples/demoFleet.ts';
import type { Notification } from '../../protocol/notification.ts';

const T0 = new Date('2026-11-24T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let root: string;
let keys: DemoKeys;
before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'certmonitor-runcheck-dir-'));
  keys = makeDemoKeys();
  await makeDemoFleet(path.join(root, 'fleet'), T0, keys);
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

class Recorder implements NotificationForwarder, LogSink {
  readonly description = 'recorder';
  readonly sent: Notification[] = [];
  readonly lines: LogEntry[] = [];
  up = true;
  async forward(batch: readonly Notification[]): Promise<DeliveryResult[]> {
    if (!this.up) return batch.map((n) => ({ id: n.id, delivered: false, traps: [], error: 'connect ECONNREFUSED' }));
    this.sent.push(...batch);
    return batch.map((n) => ({ id: n.id, delivered: true, traps: [{ host: '192.0.2.1:162', ok: true }] }));
  }
  write(entry: LogEntry) {
    this.lines.push(entry);
  }
}

async function checkAt(hoursAfter: number, recorder: Recorder) {
  recorder.sent.length = 0;
  recorder.lines.length = 0;
  const outcomes = new Map<string, ApplianceOutcome>();
  const summary = await runCheck({
    source: new DirSource(path.join(root, 'fleet')),
    state: dirStateLocation(path.join(root, 'state')),
    forwarder: recorder,
    log: recorder,
    settings: { thresholdDays: 30, repeatHours: 24 },
    now: new Date(T0.getTime() + hoursAfter * HOUR),
    onOutcome: (o) => outcomes.set(o.appliance, o),
  });
  const events = recorder.sent.map((n) => `${n.appliance}:${n.event}`).sort();
  return { summary, events, outcomes, lines: recorder.lines.map((l) => `${l.appliance ?? '-'}:${l.key}`) };
}

test('several runs over a real fleet directory and state directory', async () => {
  const recorder = new Recorder();

  const first = await checkAt(0, recorder);
  assert.deepEqual(first.events, [
    'hsm-ams-01:expired',
    'hsm-ams-02:missing',
    'hsm-fra-02:expiring',
    'hsm-lon-01:invalid',
    'hsm-lon-02:expiring',
  ]);
  const stateFile = JSON.parse(await readFile(path.join(root, 'state', 'hsm-fra-02.json'), 'utf8'));
  assert.equal(stateFile.alertActive, true);
  assert.equal(stateFile.lastAlertAt, T0.toISOString());

  // An hour later nothing is due; the gateway is down, which does not matter.
  recorder.up = false;
  const quiet = await checkAt(1, recorder);
  assert.deepEqual(quiet.events, []);
  assert.deepEqual(quiet.summary.notifications, { sent: 0, failed: 0 });

  // 12 hours: hsm-lon-02 repeats (repeatHours 12 in fleet.json) but the gateway is down: retried later.
  const down = await checkAt(12, recorder);
  assert.deepEqual(down.summary.notifications, { sent: 0, failed: 1 });
  assert.equal(down.outcomes.get('hsm-lon-02')?.action, 'trap-failed');
  recorder.up = true;
  const retried = await checkAt(13, recorder);
  assert.deepEqual(retried.events, ['hsm-lon-02:expiring']);

  // hsm-fra-02 is renewed: new-certificate line and a clearing notification.
  await writeFile(
    path.join(root, 'fleet', 'hsm-fra-02', 'server.pem'),
    makeCertificatePem(keys, {
      commonName: 'hsm-fra-02',
      notBefore: new Date(T0.getTime()),
      notAfter: new Date(T0.getTime() + 365 * DAY),
    }),
  );
  const renewed = await checkAt(14, recorder);
  assert.deepEqual(renewed.events, ['hsm-fra-02:renewed']);
  assert.ok(renewed.lines.includes('hsm-fra-02:newCertificate'));
  assert.ok(renewed.lines.includes('hsm-fra-02:trapCleared'));
  assert.equal(renewed.outcomes.get('hsm-fra-02')?.action, 'clear');

  // A day after the first run: the expired one and the reports repeat; the renewed one stays quiet.
  const nextDay = await checkAt(24, recorder);
  assert.deepEqual(nextDay.events, ['hsm-ams-01:expired', 'hsm-ams-02:missing', 'hsm-lon-01:invalid']);

  // hsm-par-01's file disappears: it is listed no more (not in the inventory), so it is no longer checked;
  // hsm-fra-01 (in the inventory) losing its file becomes missing.
  await rm(path.join(root, 'fleet', 'hsm-fra-01', 'server.pem'));
  const gone = await checkAt(25, recorder);
  // hsm-lon-02 repeats 12 hours after its retried delivery at 13 h.
  assert.deepEqual(gone.events, ['hsm-fra-01:missing', 'hsm-lon-02:expiring']);
  assert.equal(gone.summary.byStatus.missing, 2);
});
