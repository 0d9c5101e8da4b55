import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { incompleteReason } from '../../app/incompleteReason.ts';
import { COMPLETE_RUN } from '../helpers/runSummary.ts';

const complete = COMPLETE_RUN;

describe('incompleteReason', () => {
  test('a run that did everything is complete, inventory problems included (a retry cannot fix the file)', () => {
    assert.equal(incompleteReason(complete), undefined);
    assert.equal(incompleteReason({ ...complete, inventoryProblems: 2 }), undefined);
  });

  test('a trap host failing while others acknowledge does not fail the invocation (its alarm pages instead)', () => {
    const trapHosts = { partial: 2, retried: 0, owed: 3, failing: 1 };
    assert.equal(incompleteReason({ ...complete, notifications: { sent: 2, failed: 0 }, trapHosts }), undefined);
  });

  test('a certificate the source could not read fails the invocation, so it is retried and alarmed', () => {
    const summary = { ...complete, byStatus: { ...complete.byStatus, valid: 1, unavailable: 2 } };
    assert.equal(incompleteReason(summary), '2 certificate(s) could not be read from the source');
  });

  test('every shortfall is named, in one sentence', () => {
    const summary = { ...complete, notifications: { sent: 1, failed: 2 }, errors: 1, stopped: true };
    assert.equal(
      incompleteReason(summary),
      '2 due notification(s) not delivered, 1 appliance(s) could not be processed, the run stopped before the end of the fleet',
    );
  });
  test('a Luna client that could not be checked fails the invocation, named as a client', () => {
    assert.equal(incompleteReason({ ...complete, clientErrors: 1 }), '1 Luna client(s) could not be checked');
  });
});
