import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  MAX_TRACKED_TRAP_HOSTS,
  type TrapHostReport,
  trapHostReportOf,
  updateTrapHostReport,
} from '../../core/trapHostReport.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-24T12:00:00Z');
const at = (hours: number) => new Date(T0 + hours * HOUR);
const iso = (hours: number) => at(hours).toISOString();
const seen = (failed: string[], ok: string[] = []) => ({ failed: new Set(failed), ok: new Set(ok) });

/** Runs updates hour by hour: `steps[h]` is what the run at hour h saw. */
function run(steps: Record<number, ReturnType<typeof seen>>, repeatHours = 24) {
  let report: TrapHostReport = { hosts: {} };
  const lines: string[] = [];
  const failing: number[] = [];
  for (const [hour, evidence] of Object.entries(steps).sort(([a], [b]) => Number(a) - Number(b))) {
    const update = updateTrapHostReport(report, evidence, at(Number(hour)), repeatHours);
    report = update.report;
    for (const due of update.due) lines.push(`${hour}: failing ${due.host} since ${due.since}`);
    for (const host of update.recovered) lines.push(`${hour}: recovered ${host}`);
    failing.push(update.failingLong);
  }
  return { report, lines, failing };
}

describe('trap hosts failing across runs', () => {
  test('a host failing for H is reported then, and once per H after, until it acknowledges again', () => {
    const steps: Record<number, ReturnType<typeof seen>> = {};
    for (let hour = 0; hour <= 50; hour++) steps[hour] = seen(['nms3'], ['nms1', 'nms2']);
    steps[51] = seen([], ['nms1', 'nms3']);
    const { report, lines, failing } = run(steps);
    assert.deepEqual(lines, [
      `24: failing nms3 since ${iso(0)}`,
      `48: failing nms3 since ${iso(0)}`,
      '51: recovered nms3',
    ]);
    assert.deepEqual(failing.slice(22, 27), [0, 0, 1, 1, 1], 'counted every run it fails once it has failed for H');
    assert.deepEqual(report, { hosts: {} });
  });

  test('a host that fails briefly and recovers before H is forgotten without a line', () => {
    const { report, lines } = run({ 0: seen(['nms2']), 5: seen(['nms2']), 6: seen([], ['nms2']) });
    assert.deepEqual(lines, []);
    assert.deepEqual(report, { hosts: {} });
  });

  test('runs that did not reach a host keep its streak; a streak whose last failure is long gone starts afresh', () => {
    const { report, lines } = run({ 0: seen(['nms3']), 30: seen(['nms3']) });
    assert.deepEqual(lines, [`30: failing nms3 since ${iso(0)}`]);
    assert.deepEqual(report.hosts.nms3, { failingSince: iso(0), lastFailedAt: iso(30), reportedAt: iso(30) });
    // Seven days without news: forgotten, so a new failure is a new streak and is not reported at once.
    const later = updateTrapHostReport(report, seen(['nms3']), at(30 + 7 * 24), 24);
    assert.deepEqual(later.due, []);
    assert.deepEqual(later.report.hosts.nms3, { failingSince: iso(198), lastFailedAt: iso(198) });
    assert.deepEqual(updateTrapHostReport(report, seen([]), at(30 + 7 * 24), 24).report, { hosts: {} });
  });

  test('shards of one run: a failure wins over a success seen at the same instant, and is reported once', () => {
    const before: TrapHostReport = { hosts: { nms3: { failingSince: iso(0), lastFailedAt: iso(0) } } };
    const first = updateTrapHostReport(before, seen(['nms3']), at(24), 24);
    assert.deepEqual(first.due, [{ host: 'nms3', since: iso(0) }]);
    const other = updateTrapHostReport(first.report, seen([], ['nms3']), at(24), 24);
    assert.deepEqual(other.report, first.report, 'another shard’s success at the same instant does not clear it');
    const third = updateTrapHostReport(first.report, seen(['nms3']), at(24), 24);
    assert.deepEqual(third.due, [], 'already reported at this instant');
    assert.equal(third.failingLong, 1);
  });

  test('a record from a later instant (a what-if run ahead of the clock) does not silence a report', () => {
    const ahead: TrapHostReport = {
      hosts: { nms3: { failingSince: iso(-48), lastFailedAt: iso(100), reportedAt: iso(100) } },
    };
    assert.deepEqual(updateTrapHostReport(ahead, seen(['nms3']), at(0), 24).due, [{ host: 'nms3', since: iso(-48) }]);
  });

  test('the stored record is read tolerantly and kept canonical and bounded', () => {
    const good = { failingSince: iso(0), lastFailedAt: iso(1) };
    assert.deepEqual(trapHostReportOf('junk'), { hosts: {} });
    assert.deepEqual(trapHostReportOf({ hosts: [good] }), { hosts: {} });
    assert.deepEqual(
      trapHostReportOf({
        hosts: { z: good, a: good, 'bad label': good, b: { failingSince: 'x', lastFailedAt: iso(1) } },
      }),
      { hosts: { a: good, z: good } },
    );
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`h${String(i).padStart(3, '0')}`, good]));
    assert.equal(Object.keys(trapHostReportOf({ hosts: many }).hosts).length, MAX_TRACKED_TRAP_HOSTS);
    assert.deepEqual(Object.keys(trapHostReportOf({ hosts: { b: good, a: good } }).hosts), ['a', 'b']);
  });
});
