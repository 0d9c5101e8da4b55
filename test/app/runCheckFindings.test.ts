import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { dirStateLocation } from '../../adapters/createStateStore.ts';
import { DirSource } from '../../adapters/dir/dirSource.ts';
import type { ApplianceOutcome, DeliveryResult, LogSink, NotificationForwarder } from '../../app/ports.ts';
import { runCheck } from '../../app/runCheck.ts';
import type { PolicySettings } from '../../core/policySettings.ts';
import type { LogEntry } from '../../core/types.ts';
import type { Notification } from '../../protocol/notification.ts';
import type { NotificationV2 } from '../../protocol/notificationV2.ts';
import { type OpensslCertificates, opensslCertificates } from '../helpers/opensslCertificates.ts';

const HOUR = 3_600_000;
/** A minute after the certificates were made (openssl dates them from the clock). */
let T0: Date;

let certs: OpensslCertificates;
let root: string;
const pems: Record<string, string> = {};

before(() => {
  certs = opensslCertificates();
  root = mkdtempSync(path.join(os.tmpdir(), 'certmonitor-findings-run-'));
  pems.rsa1024 = certs.make('rsa1024', { key: 'rsa:1024', days: 365 });
  pems.ca = certs.make('ca', { days: 3650, ca: true, key: 'ec:P-256' });
  pems.intermediate = certs.make('intermediate', { issuer: 'ca', days: 20, ca: true, key: 'ec:P-256' });
  pems.renewed = certs.make('renewed', {
    issuer: 'ca',
    days: 400,
    ca: true,
    key: 'ec:P-256',
    subject: '/CN=intermediate',
  });
  pems.leaf = certs.make('leaf', { issuer: 'intermediate', days: 200, key: 'ec:P-256' });
  T0 = new Date(Date.now() + 60_000);
});
after(() => {
  certs.remove();
  rmSync(root, { recursive: true, force: true });
});

class Recorder implements NotificationForwarder, LogSink {
  readonly description = 'recorder';
  readonly sent: NotificationV2[] = [];
  readonly lines: LogEntry[] = [];
  async forward(batch: readonly Notification[]): Promise<DeliveryResult[]> {
    this.sent.push(...(batch as readonly NotificationV2[]));
    return batch.map((n) => ({ id: n.id, delivered: true, traps: [] }));
  }
  write(entry: LogEntry) {
    this.lines.push(entry);
  }
}

function fleet(name: string, files: Record<string, string>, inventory?: object): string {
  const dir = path.join(root, name);
  for (const [appliance, pem] of Object.entries(files)) {
    mkdirSync(path.join(dir, appliance), { recursive: true });
    writeFileSync(path.join(dir, appliance, 'server.pem'), pem);
  }
  if (inventory) writeFileSync(path.join(dir, 'fleet.json'), JSON.stringify(inventory));
  return dir;
}

async function checkAt(dir: string, hours: number, policy?: PolicySettings, replaced = false) {
  const recorder = new Recorder();
  const outcomes = new Map<string, ApplianceOutcome>();
  await runCheck({
    source: new DirSource(dir),
    state: dirStateLocation(`${dir}-state`),
    forwarder: recorder,
    log: recorder,
    settings: { thresholdDays: 30, repeatHours: 24, ...(policy ? { policy } : {}) },
    now: new Date(T0.getTime() + hours * HOUR),
    onOutcome: (o) => outcomes.set(o.appliance, o),
    ...(replaced ? { replaced: true } : {}),
  });
  const lines = recorder.lines.filter((l) => l.appliance !== undefined).map((l) => `${l.key}: ${l.text}`);
  return { sent: recorder.sent, lines, outcomes };
}

test('without a policy an RSA-1024 certificate shows weak_key in --json only: no line, no notification', async () => {
  const dir = fleet('nopolicy', { hsm01: pems.rsa1024 as string, hsm02: `${pems.leaf}${pems.intermediate}${pems.ca}` });
  const run = await checkAt(dir, 0);
  assert.deepEqual(run.outcomes.get('hsm01')?.findings, [
    { finding: 'weak_key', detail: 'RSA-1024 (policy minimum 2048 bits)' },
  ]);
  const chainFindings = run.outcomes.get('hsm02')?.findings as { finding: string }[] | undefined;
  assert.equal(chainFindings?.[0]?.finding, 'chain_expires_first');
  // The leaf decides exactly as before: valid, nothing sent, no finding line.
  assert.equal(run.outcomes.get('hsm02')?.status, 'valid');
  assert.deepEqual(run.sent, []);
  assert.deepEqual(
    run.lines.filter((l) => l.startsWith('finding')),
    [],
  );
});

test('with a policy flag each finding is logged and forwarded once per H', async () => {
  const dir = fleet('flagpolicy', { hsm01: pems.rsa1024 as string });
  const policy = { minRsaBits: 2048 };
  const first = await checkAt(dir, 0, policy);
  assert.deepEqual(
    first.lines.filter((l) => l.startsWith('finding')),
    ['finding: NTLS certificate of hsm01 has policy finding weak_key: RSA-1024 (policy minimum 2048 bits)'],
  );
  assert.equal(first.sent.length, 1);
  const [n] = first.sent;
  assert.equal(n?.event, 'finding');
  assert.equal(n?.finding, 'weak_key');
  assert.equal(n?.detail, 'RSA-1024 (policy minimum 2048 bits)');
  assert.match(n?.id ?? '', /^hsm01:[0-9A-F]{8}:finding-weak_key:/);
  const again = await checkAt(dir, 1, policy);
  assert.deepEqual([again.sent.length, again.lines.filter((l) => l.startsWith('finding')).length], [0, 0]);
  const later = await checkAt(dir, 25, policy);
  assert.equal(later.sent.length, 1);
  assert.notEqual(later.sent[0]?.id, n?.id);
  assert.equal(later.lines.filter((l) => l.startsWith('finding')).length, 1);
});

test('with a policy the intermediate that expires first decides; renewing it alone clears the alert', async () => {
  const dir = fleet('chain', { hsm01: `${pems.leaf}${pems.intermediate}${pems.ca}` }, { appliances: {}, policy: {} });
  const first = await checkAt(dir, 0);
  const outcome = first.outcomes.get('hsm01');
  assert.equal(outcome?.status, 'expiring');
  assert.equal(outcome?.subject, 'CN=intermediate');
  assert.deepEqual(first.sent.map((n) => `${n.event}${n.finding ? `:${n.finding}` : ''}`).sort(), [
    'expiring',
    'finding:chain_expires_first',
  ]);
  assert.ok(!first.lines.some((l) => l.startsWith('newCertificate')), first.lines.join('\n'));
  assert.ok(
    first.lines.some((l) => /policy finding chain_expires_first: chain certificate intermediate expires/.test(l)),
  );

  const renewedDir = fleet('chain', { hsm01: `${pems.leaf}${pems.renewed}${pems.ca}` });
  assert.equal(renewedDir, dir);
  const renewed = await checkAt(dir, 2);
  assert.equal(renewed.outcomes.get('hsm01')?.status, 'valid');
  assert.equal(renewed.outcomes.get('hsm01')?.subject, 'CN=leaf');
  assert.deepEqual(renewed.sent.map((n) => `${n.event}${n.assert === false ? ':cleared' : ''}`).sort(), [
    'finding:cleared',
    'renewed',
  ]);
  assert.ok(!renewed.lines.some((l) => l.startsWith('newCertificate')), renewed.lines.join('\n'));
  assert.ok(renewed.lines.some((l) => l.startsWith('findingCleared')));
  const steady = await checkAt(dir, 3);
  assert.deepEqual(steady.sent, []);
});

test('a named certificate has its own findings, logged and forwarded under its name; the NTLS ones once', async () => {
  const dir = fleet(
    'named',
    { hsm01: pems.rsa1024 as string },
    { policy: {}, appliances: { hsm01: { certificates: { web: { port: 8443 } } } } },
  );
  writeFileSync(path.join(dir, 'hsm01', 'web.pem'), pems.rsa1024 as string);
  const run = await checkAt(dir, 0);
  const findingLines = run.lines.filter((l) => l.startsWith('finding'));
  assert.deepEqual(findingLines.sort(), [
    'finding: NTLS certificate of hsm01 has policy finding weak_key: RSA-1024 (policy minimum 2048 bits)',
    'finding: web certificate of hsm01 has policy finding weak_key: RSA-1024 (policy minimum 2048 bits)',
  ]);
  const findings = run.sent.filter((n) => n.event === 'finding');
  assert.deepEqual(findings.map((n) => n.certificate ?? 'ntls').sort(), ['ntls', 'web']);
  assert.equal(new Set(findings.map((n) => n.id)).size, 2);
  const again = await checkAt(dir, 1);
  assert.deepEqual(again.sent, []);
});

test('a policy set later makes the intermediate decide: no New NTLS certificate line, no replaced notification', async () => {
  const dir = fleet('later', { hsm01: `${pems.leaf}${pems.intermediate}${pems.ca}` });
  const before = await checkAt(dir, 0, undefined, true);
  assert.equal(before.outcomes.get('hsm01')?.status, 'valid');
  writeFileSync(path.join(dir, 'fleet.json'), JSON.stringify({ appliances: {}, policy: {} }));
  const after = await checkAt(dir, 1, undefined, true);
  assert.equal(after.outcomes.get('hsm01')?.status, 'expiring');
  assert.deepEqual(after.sent.map((n) => n.event).sort(), ['expiring', 'finding']);
  assert.ok(
    !after.lines.some((l) => l.startsWith('newCertificate') || l.startsWith('replaced')),
    after.lines.join('\n'),
  );
});

test('removing the policy clears the findings an NMS was told of, once, then nothing', async () => {
  const dir = fleet('removed', { hsm01: pems.rsa1024 as string }, { policy: {}, appliances: { hsm01: {} } });
  const raised = await checkAt(dir, 0);
  assert.deepEqual(
    raised.sent.map((n) => `${n.event}:${n.finding}:${n.assert ?? true}`),
    ['finding:weak_key:true'],
  );
  writeFileSync(path.join(dir, 'fleet.json'), JSON.stringify({ appliances: { hsm01: {} } }));
  const removed = await checkAt(dir, 1);
  assert.deepEqual(
    removed.sent.map((n) => `${n.event}:${n.finding}:${n.assert ?? true}`),
    ['finding:weak_key:false'],
  );
  assert.deepEqual(
    removed.lines.filter((l) => l.startsWith('finding')),
    ['findingCleared: NTLS certificate of hsm01 no longer has policy finding weak_key'],
  );
  const steady = await checkAt(dir, 2);
  assert.deepEqual(steady.sent, []);
  assert.deepEqual(
    steady.lines.filter((l) => l.startsWith('finding')),
    [],
  );
  assert.equal(JSON.parse(readFileSync(`${dir}-state/hsm01.json`, 'utf8')).findings, undefined);
});
