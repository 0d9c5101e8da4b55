/**
 * The compaction in slices (DeliveryJournal.compactInSteps over JournalCompaction): intake between the
 * slices is neither lost nor doubled, only one compaction runs at a time, and a process killed at any point
 * of one leaves a journal that loads with every id it had completed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DeliveryJournal } from '../../../gateway/delivery/deliveryJournal.ts';
import { CompactionInProgressError } from '../../../gateway/delivery/journalErrors.ts';
import type { Notification } from '../../../protocol/notification.ts';

const DAY = 86_400_000;
const FILE = 'journal.jsonl';
const CHILD = fileURLToPath(new URL('../../helpers/journalCompactionChild.ts', import.meta.url));
const note = (id: string): Notification => ({
  id,
  appliance: 'hsm01',
  address: '10.0.0.5',
  event: 'expiring',
  observedAt: '2026-11-24T12:00:00Z',
});
const seedId = (i: number) => `seed-${String(i).padStart(5, '0')}`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'certmonitor-compaction-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A journal file of `count` completed ids accepted at `at`, the first host failed for every seventh. */
function seed(count: number, at: number): void {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const nms1 = i % 7 === 0 ? { ok: false, error: `e${i}` } : { ok: true };
    lines.push(JSON.stringify({ t: 'c', id: seedId(i), at, hosts: { nms1 }, syslog: 'ok' }));
  }
  writeFileSync(join(dir, FILE), `${lines.join('\n')}\n`);
}

const records = () =>
  readFileSync(join(dir, FILE), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { t: string; id: string });

describe('DeliveryJournal.compactInSteps', () => {
  it('takes appends, completions, retries and look-ups between its slices, losing and doubling none', async () => {
    seed(5000, DAY);
    const j = DeliveryJournal.open(dir, 7 * DAY, DAY);
    j.accept([note('pending-before'), note('finished-during')], DAY);
    j.recordHost('finished-during', 'nms1', { ok: true });
    let pauses = 0;
    const fresh: string[] = [];
    const pause = async () => {
      pauses++;
      assert.equal(j.compacting, true);
      const id = `fresh-${pauses}`;
      fresh.push(id);
      j.accept([note(id)], DAY);
      j.recordHost(id, 'nms1', { ok: pauses % 2 === 0 });
      if (pauses % 3 !== 0) j.complete(id, 'ok');
      if (pauses === 2) j.complete('finished-during', 'failed');
      // A retry of a host that had failed, completed during the compaction; another left half-way.
      if (pauses === 3) {
        j.recordHost(seedId(7), 'nms1', { ok: true });
        j.complete(seedId(7), 'ok');
      }
      if (pauses === 4) j.recordHost(seedId(14), 'nms1', { ok: true });
      // Duplicates are still answered from the file the compaction reads.
      const probe = 1000 + pauses;
      const expected = probe % 7 === 0 ? { ok: false, error: `e${probe}` } : { ok: true };
      assert.deepEqual(j.get(seedId(probe))?.hosts.get('nms1'), expected);
      await setImmediate();
    };
    assert.equal(await j.compactInSteps(8 * DAY, { sliceMs: 0, pause }), true);
    assert.equal(j.compacting, false);
    assert.ok(pauses >= 20, `${pauses} slices`);

    const check = (k: DeliveryJournal) => {
      assert.equal(k.size, 5000 + 2 + fresh.length);
      for (const [i, id] of fresh.entries()) {
        const e = k.get(id)!;
        assert.equal(e.done, (i + 1) % 3 !== 0, id);
        assert.deepEqual(e.hosts.get('nms1'), { ok: (i + 1) % 2 === 0 });
      }
      assert.equal(k.get('finished-during')!.syslog, 'failed');
      assert.deepEqual(k.get(seedId(7))!.hosts.get('nms1'), { ok: true });
      assert.deepEqual(k.get(seedId(14))!.hosts.get('nms1'), { ok: true });
      assert.deepEqual(k.get(seedId(21))!.hosts.get('nms1'), { ok: false, error: 'e21' });
      assert.deepEqual(
        k
          .pending()
          .map((e) => e.id)
          .sort(),
        ['pending-before', ...fresh.filter((_, i) => (i + 1) % 3 === 0)].sort(),
      );
    };
    check(j);
    // The ids appended during the compaction follow the rewritten ones in the file, once each.
    const accepted = records().filter((r) => r.t === 'a' && r.id.startsWith('fresh-'));
    assert.equal(accepted.length, fresh.length);
    j.close();
    const k = DeliveryJournal.open(dir, 7 * DAY, 8 * DAY);
    check(k);
    // After the reopen's compaction: one complete record per finished id, nothing doubled.
    const completeIds = records()
      .filter((r) => r.t === 'c')
      .map((r) => r.id);
    assert.equal(new Set(completeIds).size, completeIds.length);
    k.close();
  });

  it('drops ids past the retention period, and those completed meanwhile are kept', async () => {
    seed(3000, 0);
    const j = DeliveryJournal.open(dir, 7 * DAY, 0);
    let pauses = 0;
    const pause = async () => {
      j.accept([note(`new-${++pauses}`)], 8 * DAY);
      j.complete(`new-${pauses}`, 'ok');
    };
    assert.equal(await j.compactInSteps(8 * DAY, { sliceMs: 0, pause }), true);
    assert.equal(j.get(seedId(1)), undefined);
    assert.equal(j.size, pauses);
    assert.equal(j.get(`new-${pauses}`)!.done, true);
    assert.equal(records().length, 2 * pauses);
    j.close();
  });

  it('runs one compaction at a time: a second one asked for meanwhile is refused, the first completes', async () => {
    seed(3000, DAY);
    const j = DeliveryJournal.open(dir, 7 * DAY, DAY);
    let second: unknown;
    let pauses = 0;
    const pause = async () => {
      if (++pauses === 2) {
        second = await j.compactInSteps(DAY).catch((error: unknown) => error);
        assert.throws(() => j.compact(DAY), CompactionInProgressError);
      }
    };
    assert.equal(await j.compactInSteps(DAY, { sliceMs: 0, pause }), true);
    assert.ok(second instanceof CompactionInProgressError);
    assert.equal(j.size, 3000);
    assert.equal(existsSync(join(dir, `${FILE}.tmp`)), false);
    j.close();
  });

  it('closing the journal ends a compaction under way and keeps the old file whole', async () => {
    seed(3000, DAY);
    const j = DeliveryJournal.open(dir, 7 * DAY, DAY);
    let pauses = 0;
    const pause = async () => {
      if (++pauses === 1) {
        j.accept([note('late')], DAY);
        j.complete('late', 'ok');
      }
      if (pauses === 3) j.close();
    };
    assert.equal(await j.compactInSteps(DAY, { sliceMs: 0, pause }), false);
    assert.equal(existsSync(join(dir, `${FILE}.tmp`)), false);
    const k = DeliveryJournal.open(dir, 7 * DAY, DAY);
    assert.equal(k.size, 3001);
    assert.equal(k.get('late')!.done, true);
    k.close();
  });

  it('a compaction that fails leaves the ids completed meanwhile answered and the journal in use', async () => {
    seed(3000, DAY);
    const j = DeliveryJournal.open(dir, 7 * DAY, DAY);
    let pauses = 0;
    const pause = async () => {
      if (++pauses === 1) {
        j.accept([note('late')], DAY);
        j.complete('late', 'ok');
      }
      // The new file vanishes under the compaction: the rename fails.
      if (pauses === 2) rmSync(join(dir, `${FILE}.tmp`));
    };
    await assert.rejects(j.compactInSteps(DAY, { sliceMs: 0, pause }), { code: 'ENOENT' });
    assert.equal(j.compacting, false);
    assert.equal(j.get('late')!.done, true);
    j.accept([note('after')], DAY);
    j.complete('after', 'ok');
    assert.equal(j.size, 3002);
    assert.equal(await j.compactInSteps(DAY), true);
    assert.equal(j.size, 3002);
    j.close();
  });

  it('a torn temporary file from an earlier crash is ignored, then replaced', () => {
    seed(100, DAY);
    writeFileSync(join(dir, `${FILE}.tmp`), '{"t":"c","id":"ghost","at":0,"hosts":{"nm');
    const j = DeliveryJournal.open(dir, 7 * DAY, DAY);
    assert.equal(j.size, 100);
    assert.equal(j.get('ghost'), undefined);
    assert.equal(existsSync(join(dir, `${FILE}.tmp`)), false);
    j.close();
  });
});

/** Runs the child journal process; resolves with what it printed once it has ended (killed or not). */
function runChild(
  args: Record<string, unknown>,
  killAfterMs?: number,
): Promise<{ out: string; signal: string | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify({ dir, ...args })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString('utf8');
  });
  if (killAfterMs !== undefined) {
    // Counted from the first compaction, so the kill lands in the compactions, not in the start-up.
    child.stdout.once('data', () => void sleep(killAfterMs).then(() => child.kill('SIGKILL')));
  }
  return new Promise((resolve) => child.on('close', (_code, signal) => resolve({ out, signal })));
}

/** Every id the child reported completed is complete, every one it accepted is known, after a reopen. */
function assertLoadsEverything(out: string, expectedSeed: number): void {
  const lines = out.split('\n').filter((l) => l !== '');
  const accepted = lines.filter((l) => l.startsWith('accepted ')).map((l) => l.slice(9));
  const accepting = lines.filter((l) => l.startsWith('accepting ')).length;
  const completed = new Set(lines.filter((l) => l.startsWith('completed ')).map((l) => l.slice(10)));
  const j = DeliveryJournal.open(dir, 7 * DAY, Date.now());
  try {
    for (let i = 0; i < expectedSeed; i++) assert.equal(j.get(seedId(i))?.done, true, seedId(i));
    for (const id of accepted) {
      const e = j.get(id);
      assert.ok(e, `${id} lost`);
      if (completed.has(id)) assert.equal(e.done, true, `${id} not complete`);
    }
    // Each id once; an id being accepted when the kill came may be there too.
    assert.equal(new Set(accepted).size, accepted.length);
    assert.ok(j.size >= expectedSeed + accepted.length && j.size <= expectedSeed + accepting, `${j.size} ids`);
  } finally {
    j.close();
  }
}

describe('a process killed during a compaction', () => {
  it('leaves a journal that loads with every completed id, wherever the kill lands', async () => {
    seed(5000, Date.now());
    // A dry run counts the slices of one compaction.
    const dry = await runChild({ prefix: 'dry', compactions: 1 });
    const slices = dry.out.split('\n').filter((l) => l.startsWith('accepted ')).length;
    assert.ok(slices >= 20, `${slices} slices`);
    assertLoadsEverything(dry.out, 5000);
    let out = dry.out;
    for (const [i, killAtPause] of [1, 2, Math.floor(slices / 2), slices - 1].entries()) {
      const run = await runChild({ prefix: `kill${i}`, killAtPause });
      assert.equal(run.signal, 'SIGKILL');
      assert.equal(run.out.includes('compacted'), false);
      // The kill came in the middle: the rewrite it left behind is there, and ignored.
      assert.equal(existsSync(join(dir, `${FILE}.tmp`)), true);
      out += run.out;
      assertLoadsEverything(out, 5000);
    }
    const afterRename = await runChild({ prefix: 'after', killAfterCompactions: 1 });
    assert.equal(afterRename.signal, 'SIGKILL');
    out += afterRename.out;
    assertLoadsEverything(out, 5000);
  });

  it('killed from outside at random moments of compactions back to back, it loses nothing', async () => {
    seed(5000, Date.now());
    let out = '';
    let midway = 0;
    for (let round = 0; round < 4; round++) {
      const run = await runChild({ prefix: `r${round}` }, 50 + Math.floor(Math.random() * 400));
      assert.equal(run.signal, 'SIGKILL');
      if (existsSync(join(dir, `${FILE}.tmp`))) midway++;
      out += run.out;
      assertLoadsEverything(out, 5000);
    }
    assert.ok(midway > 0, 'no kill landed inside a compaction');
  });
});
