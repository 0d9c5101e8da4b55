import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

const FILE = 'journal.jsonl';
const lines = () =>
  readFileSync(join(dir, FILE), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { t: string; id: string; hosts?: Record<string, unknown> });

describe('DeliveryJournal on disk: complete records and the compact index', () => {
  it('writes one self-contained complete record per finished delivery and reads it back after a reopen', () => {
    const j = DeliveryJournal.open(dir, 7 * DAY, 1000);
    j.accept([note('a')], 1000);
    j.recordHost('a', 'nms1', { ok: true });
    j.recordHost('a', 'nms2', { ok: false, error: 'timeout' });
    j.complete('a', 'failed');
    j.close();
    assert.deepEqual(
      lines().filter((r) => r.t === 'c'),
      [
        {
          t: 'c',
          id: 'a',
          at: 1000,
          hosts: { nms1: { ok: true }, nms2: { ok: false, error: 'timeout' } },
          syslog: 'failed',
        },
      ],
    );
    const k = DeliveryJournal.open(dir, 7 * DAY, 2000);
    // After the compaction at open the file holds only the complete record.
    assert.deepEqual(
      lines().map((r) => r.t),
      ['c'],
    );
    const e = k.get('a')!;
    assert.equal(e.done, true);
    assert.equal(e.syslog, 'failed');
    assert.equal(e.acceptedAt, 1000);
    assert.deepEqual(
      [...e.hosts],
      [
        ['nms1', { ok: true }],
        ['nms2', { ok: false, error: 'timeout' }],
      ],
    );
    assert.deepEqual(k.pending(), []);
    k.close();
  });

  it('answers a duplicate from the record on disk, not from a copy in memory', () => {
    const j = DeliveryJournal.open(dir, 7 * DAY, 0);
    const ids = Array.from({ length: 1500 }, (_, i) => `id${String(i).padStart(4, '0')}`);
    j.accept(ids.map(note), 0);
    for (const id of ids) {
      j.recordHost(id, 'nms1', { ok: id !== 'id0007', ...(id === 'id0007' ? { error: 'aaaa' } : {}) });
      j.complete(id, 'ok');
    }
    j.close();
    const k = DeliveryJournal.open(dir, 7 * DAY, 0);
    assert.equal(k.size, 1500);
    // Same length, other bytes: if the answer changes, it was read from the file.
    const text = readFileSync(join(dir, FILE), 'utf8');
    writeFileSync(join(dir, FILE), text.replace('"error":"aaaa"', '"error":"bbbb"'));
    assert.deepEqual(k.get('id0007')!.hosts.get('nms1'), { ok: false, error: 'bbbb' });
    assert.deepEqual(k.get('id0008')!.hosts.get('nms1'), { ok: true });
    assert.equal(k.get('id9999'), undefined);
    k.close();
  });

  it('a damaged record leaves its id unknown instead of answering with another', () => {
    const j = DeliveryJournal.open(dir, 7 * DAY, 0);
    const ids = Array.from({ length: 1200 }, (_, i) => `id${String(i).padStart(4, '0')}`);
    j.accept(ids.map(note), 0);
    for (const id of ids) j.complete(id, 'ok');
    j.close();
    const k = DeliveryJournal.open(dir, 7 * DAY, 0);
    const text = readFileSync(join(dir, FILE), 'utf8');
    writeFileSync(join(dir, FILE), text.replace('"id":"id0003"', '"id":"id0004"'));
    assert.equal(k.get('id0003'), undefined);
    // Taken as new again (as after a digest collision): accepted, then answered from its own record.
    k.accept([note('id0003')], 0);
    assert.equal(k.get('id0003')?.done, false);
    k.recordHost('id0003', 'nms1', { ok: true });
    k.complete('id0003', 'ok');
    assert.deepEqual(k.get('id0003')?.hosts.get('nms1'), { ok: true });
    k.close();
  });

  it('a retry of the failed hosts updates the answer, in memory and after a reopen', () => {
    const j = DeliveryJournal.open(dir, 7 * DAY, 0);
    j.accept([note('a')], 0);
    j.recordHost('a', 'nms1', { ok: true });
    j.recordHost('a', 'nms2', { ok: false, error: 'timeout' });
    j.complete('a', 'ok');
    j.recordHost('a', 'nms2', { ok: true });
    j.complete('a', 'ok');
    assert.deepEqual(j.get('a')!.hosts.get('nms2'), { ok: true });
    assert.equal(lines().filter((r) => r.t === 'c').length, 2);
    j.close();
    const k = DeliveryJournal.open(dir, 7 * DAY, 0);
    assert.deepEqual(
      [...k.get('a')!.hosts],
      [
        ['nms1', { ok: true }],
        ['nms2', { ok: true }],
      ],
    );
    assert.equal(k.size, 1);
    assert.deepEqual(lines(), [
      { t: 'c', id: 'a', at: 0, hosts: { nms1: { ok: true }, nms2: { ok: true } }, syslog: 'ok' },
    ]);
    k.close();
  });

  it('a crash in the middle of a retry keeps the outcomes recorded so far', () => {
    const j = DeliveryJournal.open(dir, 7 * DAY, 0);
    j.accept([note('a'), note('b')], 0);
    j.recordHost('a', 'nms1', { ok: false, error: 'down' });
    j.recordHost('a', 'nms2', { ok: false, error: 'down' });
    j.complete('a', 'ok');
    j.recordHost('a', 'nms1', { ok: true }); // the retry; the process dies before it completes
    j.recordHost('b', 'nms1', { ok: true });
    j.close();
    const k = DeliveryJournal.open(dir, 7 * DAY, 0);
    assert.deepEqual(
      [...k.get('a')!.hosts],
      [
        ['nms1', { ok: true }],
        ['nms2', { ok: false, error: 'down' }],
      ],
    );
    assert.equal(k.get('a')!.done, true);
    const pending = k.pending();
    assert.deepEqual(
      pending.map((e) => [e.id, e.notification?.id, [...e.hosts.keys()]]),
      [['b', 'b', ['nms1']]],
    );
    k.close();
    const m = DeliveryJournal.open(dir, 7 * DAY, 0);
    assert.deepEqual(m.get('a')!.hosts.get('nms1'), { ok: true });
    assert.deepEqual(
      m.pending().map((e) => e.id),
      ['b'],
    );
    m.close();
  });

  it('ignores a torn last line after a complete record and appends cleanly after the reopen', () => {
    const j = DeliveryJournal.open(dir, 7 * DAY, 0);
    j.accept([note('a')], 0);
    j.complete('a', 'ok');
    j.close();
    appendFileSync(join(dir, FILE), '{"t":"c","id":"b","at":0,"hosts":{"nm');
    const k = DeliveryJournal.open(dir, 7 * DAY, 0);
    assert.equal(k.get('b'), undefined);
    k.accept([note('c')], 0);
    k.recordHost('c', 'nms1', { ok: true });
    k.complete('c', 'ok');
    k.close();
    const m = DeliveryJournal.open(dir, 7 * DAY, 0);
    assert.equal(m.size, 2);
    assert.equal(m.get('a')!.done, true);
    assert.deepEqual(m.get('c')!.hosts.get('nms1'), { ok: true });
    m.close();
  });

  it('loads a journal of the earlier format (a, h, d records) and rewrites finished ids as complete records', () => {
    const old = [
      { t: 'c', id: 'kept', at: 5, hosts: { nms1: { ok: true } } },
      { t: 'a', id: 'done', at: 10, n: note('done') },
      { t: 'h', id: 'done', host: 'nms1', ok: true },
      { t: 'h', id: 'done', host: 'nms2', ok: false, error: 'timeout' },
      { t: 'd', id: 'done', syslog: 'failed' },
      { t: 'a', id: 'open', at: 20, n: note('open') },
      { t: 'h', id: 'open', host: 'nms1', ok: true },
      { t: 'h', id: 'kept', host: 'nms2', ok: false, error: 'x' },
      { t: 'd', id: 'kept', syslog: 'ok' },
    ];
    writeFileSync(join(dir, FILE), `${old.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const j = DeliveryJournal.open(dir, 7 * DAY, 0);
    assert.equal(j.size, 3);
    assert.deepEqual(
      j.pending().map((e) => e.id),
      ['open'],
    );
    assert.deepEqual(
      lines().map((r) => [r.t, r.id]),
      [
        ['c', 'done'],
        ['c', 'kept'],
        ['a', 'open'],
        ['h', 'open'],
      ],
    );
    j.close();
    const k = DeliveryJournal.open(dir, 7 * DAY, 0);
    const done = k.get('done')!;
    assert.equal(done.syslog, 'failed');
    assert.deepEqual(
      [...done.hosts],
      [
        ['nms1', { ok: true }],
        ['nms2', { ok: false, error: 'timeout' }],
      ],
    );
    assert.deepEqual(
      [...k.get('kept')!.hosts],
      [
        ['nms1', { ok: true }],
        ['nms2', { ok: false, error: 'x' }],
      ],
    );
    assert.equal(k.get('open')!.done, false);
    k.close();
  });

  it('compaction drops expired ids and the kept ones still read back from their new offsets', () => {
    const j = DeliveryJournal.open(dir, 7 * DAY, 0);
    const ids = Array.from({ length: 3000 }, (_, i) => `n${i}`);
    ids.forEach((id, i) => {
      const at = i % 2 === 0 ? 0 : 3 * DAY;
      j.accept([note(id)], at);
      j.recordHost(id, 'nms1', i % 3 === 0 ? { ok: false, error: `e${i}` } : { ok: true });
      j.complete(id, 'ok');
    });
    j.compact(8 * DAY);
    assert.equal(j.size, 1500);
    for (const [i, id] of ids.entries()) {
      const e = j.get(id);
      if (i % 2 === 0) {
        assert.equal(e, undefined, id);
        continue;
      }
      assert.equal(e?.id, id);
      assert.deepEqual(e.hosts.get('nms1'), i % 3 === 0 ? { ok: false, error: `e${i}` } : { ok: true });
    }
    assert.equal(lines().length, 1500);
    j.close();
  });

  it('loads a journal of 200,000 ids read in chunks, and its index stays under 100 bytes per id', () => {
    const N = 200_000;
    const parts: string[] = [];
    for (let i = 0; i < N; i++) {
      parts.push(
        JSON.stringify({
          t: 'c',
          id: `hsm${i}:8B3B5CD9:expiring:2026-11-24T12`,
          at: DAY,
          hosts: { nms1: { ok: true } },
          syslog: 'ok',
        }),
      );
    }
    writeFileSync(join(dir, FILE), `${parts.join('\n')}\n`);
    assert.ok(statSync(join(dir, FILE)).size > 8 * (1 << 20), 'several read chunks');
    const j = DeliveryJournal.open(dir, 7 * DAY, 2 * DAY);
    assert.equal(j.size, N);
    for (const i of [0, 1, 77_777, N - 1]) assert.equal(j.get(`hsm${i}:8B3B5CD9:expiring:2026-11-24T12`)?.syslog, 'ok');
    assert.equal(j.get('hsm200000:8B3B5CD9:expiring:2026-11-24T12'), undefined);
    assert.ok(j.indexBytesPerId < 100, `${j.indexBytesPerId} bytes per id`);
    j.close();
  });
});
