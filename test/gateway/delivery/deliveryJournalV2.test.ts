/** The journal keeps `/v2` notifications as they came (to resume them) and still reads journals written before `/v2`. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DeliveryJournal } from '../../../gateway/delivery/deliveryJournal.ts';
import type { NotificationV2 } from '../../../protocol/notificationV2.ts';

const DAY = 86_400_000;
const FP = Array.from({ length: 32 }, () => 'CD').join(':');

const untrusted: NotificationV2 = {
  id: 'app01:hsm01:CD:untrusted',
  appliance: 'hsm01',
  address: '10.0.0.5',
  client: 'app01',
  event: 'untrusted',
  assert: true,
  fingerprintSha256: FP,
  observedAt: '2026-11-24T12:00:00Z',
};
const finding: NotificationV2 = {
  id: 'hsm01:web:CD:finding:weak_key',
  appliance: 'hsm01',
  address: '10.0.0.5',
  certificate: 'web',
  event: 'finding',
  finding: 'weak_key',
  detail: 'RSA-1024',
  severity: 'critical',
  findings: ['weak_key', 'validity_too_long'],
  observedAt: '2026-11-24T12:00:00Z',
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-journal-v2-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('DeliveryJournal with /v2 notifications', () => {
  it('resumes an unfinished /v2 notification with every field it came with, across a reopen and a compaction', () => {
    const j = DeliveryJournal.open(dir, 7 * DAY, 1000);
    j.accept([untrusted, finding], 1000);
    j.recordHost(finding.id, 'nms1', { ok: true });
    j.complete(finding.id, 'ok');
    j.close();
    // The reopen compacts: the pending entry is written again from what was read.
    const k = DeliveryJournal.open(dir, 7 * DAY, 2000);
    assert.deepEqual(
      k.pending().map((e) => e.notification),
      [untrusted],
    );
    assert.equal(k.get(finding.id)!.done, true);
    k.close();
    const l = DeliveryJournal.open(dir, 7 * DAY, 3000);
    assert.deepEqual(l.pending()[0]!.notification, untrusted);
    l.close();
  });

  it('reads a journal written before /v2: accepted, host and done records of v1 notifications', () => {
    const v1 = { id: 'hsm01:AB:expiring', appliance: 'hsm01', address: '10.0.0.5', event: 'expiring' };
    const old = [
      { t: 'a', id: v1.id, at: 1000, n: { ...v1, observedAt: '2026-11-24T12:00:00Z' } },
      { t: 'h', id: v1.id, host: 'nms1', ok: true },
      { t: 'd', id: v1.id, syslog: 'ok' },
      { t: 'a', id: 'hsm02:AB:expired', at: 1000, n: { ...v1, id: 'hsm02:AB:expired', event: 'expired' } },
    ];
    writeFileSync(join(dir, 'journal.jsonl'), `${old.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const j = DeliveryJournal.open(dir, 7 * DAY, 2000);
    assert.equal(j.get(v1.id)!.done, true);
    assert.deepEqual([...j.get(v1.id)!.hosts], [['nms1', { ok: true }]]);
    assert.deepEqual(
      j.pending().map((e) => e.notification?.event),
      ['expired'],
    );
    j.close();
  });
});
