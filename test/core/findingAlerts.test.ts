import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideFindings, settleFindings, usableFindingRecords } from '../../core/findingAlerts.ts';
import type { Finding } from '../../core/findings.ts';
import type { Certificate, FindingRecords } from '../../core/types.ts';

const HOUR = 3_600_000;
const T0 = new Date('2026-11-24T12:00:00Z');
const FP = Array.from({ length: 32 }, () => 'AB').join(':');
const certificate: Certificate = {
  der: new Uint8Array(0),
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2027-01-01T00:00:00Z'),
  subject: 'CN=hsm01',
  issuer: 'CN=hsm01',
  serialNumber: '01',
  keyType: 'RSA-1024',
  fingerprintSha256: FP,
};
const weak: Finding = { finding: 'weak_key', detail: 'RSA-1024 (policy minimum 2048 bits)' };

function at(hours: number, findings: readonly Finding[], previous: FindingRecords | undefined) {
  const now = new Date(T0.getTime() + hours * HOUR);
  const decided = decideFindings({
    appliance: 'hsm01',
    address: '10.0.0.5',
    findings,
    previous,
    repeatHours: 24,
    now,
    certificate,
  });
  return { decided, now };
}

/** Decides and settles as if every notification (`delivered`) or none was delivered. */
function run(hours: number, findings: readonly Finding[], previous: FindingRecords | undefined, delivered = true) {
  const { decided, now } = at(hours, findings, previous);
  const ids = new Set(delivered ? decided.notifications.map((n) => n.id) : []);
  return { ...decided, next: settleFindings(decided.records, decided.notifications, ids, now.toISOString()) };
}

test('a finding is logged and forwarded once per H; its id is stable across retries', () => {
  const first = run(0, [weak], undefined, false);
  assert.deepEqual(
    first.logs.map((l) => l.text),
    ['NTLS certificate of hsm01 has policy finding weak_key: RSA-1024 (policy minimum 2048 bits)'],
  );
  assert.equal(first.notifications.length, 1);
  const n = first.notifications[0];
  assert.deepEqual([n?.event, n?.finding, n?.detail, n?.assert], ['finding', 'weak_key', weak.detail, undefined]);
  // Not delivered: retried next run under the same id, but the line is not repeated within H.
  const retry = run(1, [weak], first.next);
  assert.deepEqual(retry.logs, []);
  assert.equal(retry.notifications[0]?.id, n?.id);
  const quiet = run(2, [weak], retry.next);
  assert.deepEqual([quiet.logs.length, quiet.notifications.length], [0, 0]);
  const repeat = run(25, [weak], quiet.next);
  assert.equal(repeat.logs.length, 1);
  assert.equal(repeat.notifications.length, 1);
  assert.notEqual(repeat.notifications[0]?.id, n?.id);
});

test('a forwarded finding that goes away is cleared once with assert false, kept until delivered', () => {
  const shown = run(0, [weak], undefined);
  const gone = run(3, [], shown.next, false);
  assert.deepEqual(
    gone.logs.map((l) => l.key),
    ['findingCleared'],
  );
  assert.equal(gone.notifications[0]?.assert, false);
  const again = run(4, [], gone.next);
  assert.deepEqual(again.logs, []);
  assert.equal(again.notifications[0]?.id, gone.notifications[0]?.id);
  assert.equal(again.next, undefined);
  // Logged but never forwarded: only the line says it is over.
  const neverSent = run(0, [weak], undefined, false);
  const over = run(1, [], neverSent.next);
  assert.deepEqual([over.logs.map((l) => l.key), over.notifications.length], [['findingCleared'], 0]);
});

test('stored records are taken only in their own shape', () => {
  assert.equal(usableFindingRecords('x'), undefined);
  assert.deepEqual(
    usableFindingRecords({ weak_key: { since: 'soon' }, other: { since: '2026-11-24T12:00:00.000Z' } }),
    undefined,
  );
  assert.deepEqual(usableFindingRecords({ weak_key: { since: '2026-11-24T12:00:00.000Z', clearing: true } }), {
    weak_key: { since: '2026-11-24T12:00:00.000Z', clearing: true },
  });
});
