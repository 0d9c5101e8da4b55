import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verdictOf } from '../../app/verdict.ts';
import { COMPLETE_RUN } from '../helpers/runSummary.ts';

const complete = COMPLETE_RUN;

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
