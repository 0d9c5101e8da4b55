/**
 * Named certificates under the appliance's expiry levels (docs/reference.md, Expiry policy; Named
 * certificates): a percent and a critical level apply to them as to the NTLS certificate, and their view
 * keeps the levels.
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
import type { AnyNotification, NotificationV2 } from '../../protocol/notificationV2.ts';

const T0 = new Date('2029-04-25T12:00:00Z');
const DAY = 86_400_000;

let root: string;
before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'certmonitor-named-levels-'));
  const keys = makeDemoKeys();
  const dir = path.join(root, 'fleet', 'hsm01');
  await mkdir(dir, { recursive: true });
  const long = { notBefore: new Date(T0.getTime() - 300 * DAY), notAfter: new Date(T0.getTime() + 400 * DAY) };
  await writeFile(path.join(dir, 'server.pem'), makeCertificatePem(keys, { commonName: 'hsm01', ...long }));
  // web: a 47-day certificate with 4 days left: outside 2 days, inside 33 % (warning) and 10 % (critical).
  const web = { notBefore: new Date(T0.getTime() - 43 * DAY), notAfter: new Date(T0.getTime() + 4 * DAY) };
  await writeFile(path.join(dir, 'web.pem'), makeCertificatePem(keys, { commonName: 'hsm01 web', ...web }));
  // api: a 47-day certificate with 12 days left: outside 2 days, inside 33 % only (warning).
  const api = { notBefore: new Date(T0.getTime() - 35 * DAY), notAfter: new Date(T0.getTime() + 12 * DAY) };
  await writeFile(path.join(dir, 'api.pem'), makeCertificatePem(keys, { commonName: 'hsm01 api', ...api }));
  const hsm01 = {
    thresholdDays: 2,
    thresholdPercent: 33,
    critical: { percent: 10, repeatHours: 6 },
    certificates: { web: { port: 8443 }, api: { port: 9443 } },
  };
  await writeFile(path.join(root, 'fleet', 'fleet.json'), JSON.stringify({ appliances: { hsm01 } }));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

class Recorder implements NotificationForwarder, LogSink {
  readonly description = 'recorder';
  readonly sent: NotificationV2[] = [];
  readonly lines: LogEntry[] = [];
  async forward(batch: readonly AnyNotification[]): Promise<DeliveryResult[]> {
    this.sent.push(...(batch as NotificationV2[]));
    return batch.map((n) => ({ id: n.id, delivered: true, traps: [{ host: '192.0.2.1:162', ok: true }] }));
  }
  write(entry: LogEntry) {
    this.lines.push(entry);
  }
}

test("a named certificate is expiring by the appliance's percent and critical by its critical level", async () => {
  const recorder = new Recorder();
  const outcomes = new Map<string, ApplianceOutcome>();
  await runCheck({
    source: new DirSource(path.join(root, 'fleet')),
    state: dirStateLocation(path.join(root, 'state')),
    forwarder: recorder,
    log: recorder,
    settings: { thresholdDays: 30, repeatHours: 24 },
    now: T0,
    onOutcome: (o) => outcomes.set(o.appliance, o),
  });
  assert.deepEqual(recorder.sent.map((n) => `${n.certificate}:${n.event}:${n.severity ?? '-'}`).sort(), [
    'api:expiring:warning',
    'web:expiring:critical',
  ]);
  const webLine = recorder.lines.find((l) => l.text.startsWith('web certificate'));
  assert.equal(webLine?.sev, 'crit');
  const outcome = outcomes.get('hsm01') as ApplianceOutcome & { certificates: Record<string, unknown>[] };
  assert.deepEqual(
    outcome.certificates.map((c) => [c.certificate, c.status]),
    [
      ['api', 'expiring'],
      ['web', 'expiring'],
    ],
  );
  const record = JSON.parse(await readFile(path.join(root, 'state', 'hsm01.json'), 'utf8'));
  assert.equal(record.certificates.web.lastAlertSeverity, 'critical');
  assert.equal(record.certificates.web.view.thresholdPercent, 33);
  assert.equal(record.certificates.web.view.criticalPercent, 10);
  assert.equal(record.view.thresholdPercent, 33);
});
