import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { dirStateLocation } from '../../adapters/createStateStore.ts';
import { DirSource } from '../../adapters/dir/dirSource.ts';
import { fleetStatusOf } from '../../app/fleetReportWriter.ts';
import type { ApplianceOutcome, DeliveryResult, LogSink, NotificationForwarder } from '../../app/ports.ts';
import { runCheck } from '../../app/runCheck.ts';
import { storedViews } from '../../app/storedViews.ts';
import type { ApplianceView, LogEntry } from '../../core/types.ts';
import { type DemoKeys, makeCertificatePem, makeDemoKeys } from '../../examples/demoCertificate.ts';
import type { AnyNotification, NotificationV2 } from '../../protocol/notificationV2.ts';

const T0 = new Date('2026-11-24T12:00:00Z');
const DAY = 86_400_000;

let root: string;
let keys: DemoKeys;

function pem(commonName: string, days: number): string {
  return makeCertificatePem(keys, {
    commonName,
    notBefore: new Date(T0.getTime() - 300 * DAY),
    notAfter: new Date(T0.getTime() + days * DAY),
  });
}

async function put(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, 'fleet', file)), { recursive: true });
  await writeFile(path.join(root, 'fleet', file), text);
}

before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'certmonitor-named-'));
  keys = makeDemoKeys();
  await put('hsm01/server.pem', pem('hsm01', 400));
  await put('hsm01/web.pem', pem('hsm01 web', 10));
  await put('hsm02/server.pem', pem('hsm02', 400));
  const certificates = { web: { port: 8443 }, api: { port: 9443 } };
  await put('fleet.json', JSON.stringify({ appliances: { hsm01: { address: '10.0.0.5', certificates }, hsm02: {} } }));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Takes every notification, reaching one trap host; keeps the lines. */
class Sink implements NotificationForwarder, LogSink {
  readonly description = 'sink';
  sent: AnyNotification[] = [];
  lines: LogEntry[] = [];
  async forward(batch: readonly AnyNotification[]): Promise<DeliveryResult[]> {
    this.sent.push(...batch);
    return batch.map((n) => ({ id: n.id, delivered: true, traps: [{ host: '192.0.2.1:162', ok: true }] }));
  }
  write(entry: LogEntry) {
    this.lines.push(entry);
  }
}

async function run(days: number, options: { replaced?: boolean } = {}) {
  const sink = new Sink();
  const outcomes = new Map<string, ApplianceOutcome>();
  const views = new Map<string, ApplianceView>();
  await runCheck({
    source: new DirSource(path.join(root, 'fleet')),
    state: dirStateLocation(path.join(root, 'state')),
    forwarder: sink,
    log: sink,
    settings: { thresholdDays: 30, repeatHours: 24 },
    now: new Date(T0.getTime() + days * DAY),
    onOutcome: (o) => outcomes.set(o.appliance, o),
    onView: (a, v) => views.set(a, v),
    ...options,
  });
  return { sink, outcomes, views, texts: sink.lines.filter((l) => l.appliance === 'hsm01').map((l) => l.text) };
}

async function stored(appliance: string) {
  return JSON.parse(await readFile(path.join(root, 'state', `${appliance}.json`), 'utf8'));
}

test('each named certificate is evaluated on its own, with its own lines, notifications, state and outcome', async () => {
  const first = await run(0);
  assert.ok(
    first.texts.includes(`NTLS certificate is valid until ${'Dec 29 12:00:00 2027 GMT'}`),
    first.texts.join('\n'),
  );
  assert.ok(first.texts.includes('web certificate of hsm01 will expire on Dec  4 12:00:00 2026 GMT'));
  assert.ok(first.texts.includes('api certificate of hsm01 is missing'));
  const sent = first.sink.sent as NotificationV2[];
  assert.deepEqual(sent.map((n) => `${n.appliance}/${n.certificate}:${n.event}`).sort(), [
    'hsm01/api:missing',
    'hsm01/web:expiring',
  ]);
  assert.ok(sent.every((n) => n.id.startsWith(`hsm01:${n.certificate}:`)));
  const record = await stored('hsm01');
  assert.deepEqual(Object.keys(record.certificates), ['api', 'web']);
  assert.equal(record.certificates.web.alertActive, true);
  assert.equal(record.certificates.web.view.status, 'expiring');
  assert.equal(record.certificates.api.problem.event, 'missing');
  // The NTLS certificate's own fields are what they always were; an appliance without named ones has none.
  assert.equal(record.alertActive, false);
  assert.equal((await stored('hsm02')).certificates, undefined);
  const outcome = first.outcomes.get('hsm01') as ApplianceOutcome & { certificates: Record<string, unknown>[] };
  assert.equal(outcome.status, 'valid');
  assert.deepEqual(
    outcome.certificates.map((c) => [c.certificate, c.status, c.action]),
    [
      ['api', 'missing', 'report'],
      ['web', 'expiring', 'trap'],
    ],
  );
  assert.equal(first.outcomes.get('hsm02')?.certificates, undefined);
  assert.deepEqual(Object.keys(first.views.get('hsm01')?.certificates ?? {}), ['api', 'web']);
  // The report rebuilt from the state alone has the same rows.
  const rebuilt = await storedViews(dirStateLocation(path.join(root, 'state')), T0, 30, 2);
  const rows = fleetStatusOf(T0, 30, rebuilt.views).appliances;
  assert.deepEqual(
    rows.map((e) => `${e.appliance}/${e.certificate ?? 'ntls'}:${e.status}`),
    ['hsm01/ntls:valid', 'hsm01/api:missing', 'hsm01/web:expiring', 'hsm02/ntls:valid'],
  );

  // An hour later nothing is due again; renewing the web certificate clears its alert, by name.
  assert.deepEqual((await run(1 / 24)).sink.sent, []);
  await put('hsm01/web.pem', pem('hsm01 web renewed', 400));
  const renewed = await run(2);
  assert.ok(renewed.texts.some((t) => t.startsWith('New web certificate of hsm01 detected and the expiry date')));
  assert.deepEqual(
    (renewed.sink.sent as NotificationV2[]).map((n) => `${n.certificate}:${n.event}`),
    // The missing one is reported again once H has passed, as a missing NTLS certificate is.
    ['api:missing', 'web:renewed'],
  );
  assert.ok(!renewed.texts.some((t) => t.startsWith('New NTLS')));
});

test('with --replaced, an NTLS certificate replaced long before its threshold is notified once', async () => {
  await put('hsm02/server.pem', pem('hsm02 regenerated', 3650));
  const off = await run(3);
  assert.ok(!off.sink.lines.some((l) => l.key === 'replaced'));
  await put('hsm02/server.pem', pem('hsm02 again', 3650));
  const on = await run(4, { replaced: true });
  const line = on.sink.lines.find((l) => l.key === 'replaced');
  assert.match(
    line?.text ?? '',
    /^NTLS certificate of hsm02 was replaced 3[0-9]{3} day\(s\) before its expiry threshold/,
  );
  const replaced = on.sink.sent.filter((n) => n.event === 'replaced') as NotificationV2[];
  assert.equal(replaced.length, 1);
  assert.equal(replaced[0]?.appliance, 'hsm02');
  assert.equal(on.outcomes.get('hsm02')?.action, 'replaced');
  assert.equal((await stored('hsm02')).pendingReplaced, undefined);
  const later = await run(4.5, { replaced: true });
  assert.deepEqual(
    later.sink.sent.filter((n) => n.appliance === 'hsm02'),
    [],
  );
});
