import assert from 'node:assert/strict';
import { test } from 'node:test';
import { repeatDueAt } from '../../core/repeatDueAt.ts';

const H = 3_600_000;
const NOW = new Date('2026-12-01T00:00:00.000Z');

test('none delivered yet: due at once, at the instant the problem was first seen', () => {
  assert.equal(repeatDueAt(undefined, NOW.getTime() - 5 * H, 24, NOW), NOW.getTime() - 5 * H);
});

test('the last one younger than H: not due; H old or more: due H after it', () => {
  assert.equal(repeatDueAt(NOW.getTime() - 23 * H, 0, 24, NOW), undefined);
  assert.equal(repeatDueAt(NOW.getTime() - 24 * H, 0, 24, NOW), NOW.getTime());
  assert.equal(repeatDueAt(NOW.getTime() - 30 * H, 0, 24, NOW), NOW.getTime() - 6 * H);
});
