/**
 * A check over a real fleet directory and state directory with the expiry policy (docs/reference.md, Expiry
 * policy): an appliance whose inventory entry has a percent and a critical level is warned, escalated at
 * once inside H, then reminded every critical.repeatHours; one without stays exactly as before.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { dirStateLocation } from '../../adapters/createStateStore.ts';
import { DirSource } from '../../adapters/dir/dirSource.ts';
import type { ApplianceOutcome, DeliveryResult, LogSink, NotificationForwarder } from '../../app/ports.ts';
import { runCheck } from '../../app/runCheck.ts';
import type { LogEntry } from '../../core/types.ts';
import { makeCertificatePem, makeDemoKeys } from '../../examples/demoCertificate.ts';
import { fitsV1, type NotificationV2 } from '../../protocol/notificationV2.ts';

const T0 = new Date('2029-04-25T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let root: string;
before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'certmonitor-expiry-policy-'));
  const keys = makeDemoKeys();
  const fleet = path.join(root, 'fleet');
  // hsm01: a 47-day certificate with 7 days left at T0; hsm02: a year-long one with 10 days left.
  const certs = {
    hsm01: { notBefore: new Date(T0.getTime() - 40 * DAY), notAfter: new Date(T0.getTime() + 7 * DAY) },
    hsm02: { notBefore: new Date(T0.getTime() - 355 * DAY), notAfter: new Date(T0.getTime() + 10 * DAY) },
  };
  for (const [name, dates] of Object.entries(certs)) {
    await mkdir(path.join(fleet, name), { recursive: true });
    await writeFile(path.join(fleet, name, 'server.pem'), makeCertificatePem(keys, { commonName: name, ...dates }));
  }
  const hsm01 = { thresholdDays: 5, repeatHours: 72, thresholdPercent: 33, critical: { percent: 10, repeatHours: 6 } };
  await writeFile(path.join(fleet, 'fleet.json'), JSON.stringify({ appliances: { hsm01, hsm02: {} } }));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A forwarder and log sink that keep what they are given; every notification is delivered. */
class Recorder implements NotificationForwarder, LogSink {
  readonly description = 'recorder';
  readonly sent: NotificationV2[] = [];
  readonly lines: LogEntry[] = [];
  async forward(batch: readonly NotificationV2[]): Promise<DeliveryResult[]> {
    this.sent.push(...batch);
    return batch.map((n) => ({ id: n.id, delivered: true, traps: [{ host: '192.0.2.1:162', ok: true }] }));
  }
  write(entry: LogEntry) {
    this.lines.push(entry);
  }
}

async function checkAt(hoursAfter: number) {
  const recorder = new Recorder();
  const outcomes = new Map<string, ApplianceOutcome>();
  await runCheck({
    onOutcome: (o) => outcomes.set(o.appliance, o),
    source: new DirSource(path.join(root, 'fleet')),
    state: dirStateLocation(path.join(root, 'state')),
    forwarder: recorder,
    log: recorder,
    settings: { thresholdDays: 30, repeatHours: 24 },
    now: new Date(T0.getTime() + hoursAfter * HOUR),
  });
  const sent = recorder.sent.map((n) => `${n.appliance}:${n.event}:${n.severity ?? '-'}:${n.id}`).sort();
  const statusLines = recorder.lines
    .filter((l) => l.key === 'willExpire' || l.key === 'expired')
    .map((l) => `${l.appliance}:${l.key}:${l.sev}`)
    .sort();
  return { sent, statusLines, notifications: recorder.sent, outcomes };
}

test('warning, escalation at once inside H, critical repeats; the appliance without the policy unchanged', async () => {
  const first = await checkAt(0);
  assert.deepEqual(first.sent, [
    'hsm01:expiring:warning:hsm01:' +
      first.notifications.find((n) => n.appliance === 'hsm01')?.id.split(':')[1] +
      ':expiring:2029-04-25T12:00',
    'hsm02:expiring:-:hsm02:' +
      first.notifications.find((n) => n.appliance === 'hsm02')?.id.split(':')[1] +
      ':expiring:2029-04-25T12:00',
  ]);
  assert.deepEqual(first.statusLines, ['hsm01:willExpire:info', 'hsm02:willExpire:info']);
  // What check --json prints per appliance: the severity only where a critical level is configured.
  assert.equal(first.outcomes.get('hsm01')?.severity, 'warning');
  assert.equal(first.outcomes.get('hsm02') !== undefined && 'severity' in first.outcomes.get('hsm02')!, false);
  // hsm02 has no severity: it fits /v1 unchanged; hsm01's carries one and goes to /v2.
  assert.deepEqual(first.notifications.map((n) => [n.appliance, fitsV1(n)]).sort(), [
    ['hsm01', false],
    ['hsm02', true],
  ]);
  const stored = JSON.parse(await readFile(path.join(root, 'state', 'hsm01.json'), 'utf8'));
  assert.equal(stored.lastAlertSeverity, 'warning');
  const plain = JSON.parse(await readFile(path.join(root, 'state', 'hsm02.json'), 'utf8'));
  assert.equal('lastAlertSeverity' in plain, false);

  assert.deepEqual(
    (await checkAt(24)).sent.filter((s) => s.startsWith('hsm01')),
    [],
    'inside H = 72 hours',
  );
  // 10 % of 47 days is 4.7 days: critical from T0 + 55.2 hours. Escalated at the first run after, inside H.
  assert.deepEqual(
    (await checkAt(55)).sent.filter((s) => s.startsWith('hsm01')),
    [],
  );
  const escalated = await checkAt(56);
  assert.equal(escalated.sent.length, 1);
  assert.match(
    escalated.sent[0] ?? '',
    /^hsm01:expiring:critical:hsm01:[0-9A-F]{8}:expiring:2029-04-27T19:12:critical$/,
  );
  assert.deepEqual(escalated.statusLines, ['hsm01:willExpire:crit', 'hsm02:willExpire:info']);
  assert.equal(escalated.outcomes.get('hsm01')?.severity, 'critical');
  assert.equal(
    JSON.parse(await readFile(path.join(root, 'state', 'hsm01.json'), 'utf8')).lastAlertSeverity,
    'critical',
  );

  assert.deepEqual(
    (await checkAt(61)).sent.filter((s) => s.startsWith('hsm01')),
    [],
    'inside critical.repeatHours = 6',
  );
  const repeat = await checkAt(62);
  assert.equal(repeat.sent.length, 1);
  assert.match(repeat.sent[0] ?? '', /^hsm01:expiring:critical:.*:expiring:2029-04-28T02:00:critical$/);
});
