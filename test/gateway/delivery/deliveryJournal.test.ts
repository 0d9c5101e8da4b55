import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DeliveryJournal } from '../../../gateway/delivery/deliveryJournal.ts';
import type { Notification } from '../../../protocol/notification.ts';

const DAY = 86_400_000;
const note = (id: string): Notification => ({
  id,
  appliance: 'hsm01',
  address: '10.0.0.5',
  event: 'expiring',
  observedAt: '2026-11-24T12:00:00Z',
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-journal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('DeliveryJournal', () => {
  it('survives a reopen: completed ids keep their result, unfinished ones are pending', () => {
    const j = DeliveryJournal.open(dir, 7 * DAY, 1000);
    j.accept([note('a'), note('b')], 1000);
    j.recordHost('a', 'nms1', { ok: true });
    j.complete('a', 'ok');
    j.recordHost('b', 'nms1', { ok: true });
    j.recordHost('b', 'nms2', { ok: false, error: 'timeout' });
    j.close();
    const k = DeliveryJournal.open(dir, 7 * DAY, 2000);
    assert.equal(k.get('a')!.done, true);
    assert.deepEqual([...k.get('a')!.hosts], [['nms1', { ok: true }]]);
    assert.deepEqual(
      k.pending().map((e) => e.id),
      ['b'],
    );
    assert.equal(k.get('b')!.hosts.get('nms1')!.ok, true);
    assert.equal(k.get('b')!.hosts.get('nms2')!.ok, false);
    k.close();
  });

  it('a success is never overridden by a later failure', () => {
    const j = DeliveryJournal.open(dir, 7 * DAY, 0);
    j.accept([note('a')], 0);
    j.recordHost('a', 'nms1', { ok: true });
    j.recordHost('a', 'nms1', { ok: false, error: 'x' });
    assert.equal(j.get('a')!.hosts.get('nms1')!.ok, true);
    j.close();
  });

  it('ignores a torn last line after a crash', () => {
    const j = DeliveryJournal.open(dir, 7 * DAY, 0);
    j.accept([note('a')], 0);
    j.close();
    appendFileSync(join(dir, 'journal.jsonl'), '{"t":"h","id":"a","ho');
    const k = DeliveryJournal.open(dir, 7 * DAY, 0);
    assert.equal(k.pending().length, 1);
    k.close();
  });

  it('compaction drops completed ids older than the retention period and keeps the rest', () => {
    const j = DeliveryJournal.open(dir, 7 * DAY, 0);
    j.accept([note('old')], 0);
    j.complete('old', 'ok');
    j.accept([note('young'), note('open')], 6 * DAY);
    j.complete('young', 'failed');
    j.compact(8 * DAY);
    assert.equal(j.get('old'), undefined);
    assert.equal(j.get('young')!.syslog, 'failed');
    j.close();
    const text = readFileSync(join(dir, 'journal.jsonl'), 'utf8');
    assert.equal(text.includes('"old"'), false);
    const k = DeliveryJournal.open(dir, 7 * DAY, 8 * DAY);
    assert.equal(k.size, 2);
    assert.deepEqual(
      k.pending().map((e) => e.id),
      ['open'],
    );
    k.close();
  });
});
