import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunSummary } from '../../app/runSummary.ts';
import { verdictOf } from '../../app/verdict.ts';

const complete: RunSummary = {
  appliances: 3,
  byStatus: { valid: 3, expiring: 0, expired: 0, not_yet_valid: 0, invalid: 0, missing: 0, unavailable: 0 },
  notifications: { sent: 0, failed: 0 },
  trapHosts: { partial: 0, retried: 0, owed: 0, failing: 0 },
  errors: 0,
  stopped: false,
  inventoryProblems: 0,
  durationMs: 5,
};

describe('verdictOf', () => {
  test('a run that did everything, with nothing to fix, has a clean verdict', () => {
    assert.deepEqual(verdictOf(complete), { attention: [] });
  });

  test('what a retry can do makes the run incomplete; what someone must fix asks for attention', () => {
    const summary = { ...complete, notifications: { sent: 1, failed: 2 }, inventoryProblems: 1 };
    assert.deepEqual(verdictOf(summary), {
      incomplete: '2 due notification(s) not delivered',
      attention: ['inventory'],
    });
    const failingHost = { ...complete, trapHosts: { partial: 1, retried: 0, owed: 0, failing: 1 } };
    assert.deepEqual(verdictOf(failingHost, true), { attention: ['trapHosts', 'report'] });
  });
});
