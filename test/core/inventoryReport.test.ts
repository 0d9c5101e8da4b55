import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inventoryReportDue, inventoryReportOf } from '../../core/inventoryReport.ts';

const T0 = new Date('2026-11-24T12:00:00Z');
const HOUR = 3_600_000;
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);

test('an inventory problem is due at first sight, after H hours, and at once when it changes', () => {
  assert.equal(inventoryReportDue(undefined, 'p', T0, 24), true);
  const reported = { problem: 'p', reportedAt: T0.toISOString() };
  assert.equal(inventoryReportDue(reported, 'p', at(1), 24), false);
  assert.equal(inventoryReportDue(reported, 'p', at(23.9), 24), false);
  assert.equal(inventoryReportDue(reported, 'p', at(24), 24), true);
  assert.equal(inventoryReportDue(reported, 'q', at(1), 24), true, 'a different problem');
  assert.equal(inventoryReportDue(reported, 'p', at(-5), 24), true, 'a record from a later instant does not silence');
  assert.equal(inventoryReportDue({ problem: 'p', reportedAt: 'garbage' }, 'p', at(1), 24), true);
});

test('the stored record is read only when it has the expected shape', () => {
  assert.deepEqual(inventoryReportOf({ problem: 'p', reportedAt: 'x', extra: 1 }), { problem: 'p', reportedAt: 'x' });
  assert.equal(inventoryReportOf({}), undefined);
  assert.equal(inventoryReportOf(null), undefined);
  assert.equal(inventoryReportOf({ problem: 5, reportedAt: 'x' }), undefined);
});
