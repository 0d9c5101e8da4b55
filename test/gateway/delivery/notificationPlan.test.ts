import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planNotification } from '../../../gateway/delivery/notificationPlan.ts';
import type { Notification } from '../../../protocol/notification.ts';

const n = (event: Notification['event'], extra: Partial<Notification> = {}): Notification => ({
  id: `hsm01:${event}`,
  appliance: 'hsm01',
  address: '10.0.0.5',
  event,
  notAfter: '2027-07-06T05:04:03Z',
  observedAt: '2026-11-24T12:00:00Z',
  ...extra,
});

describe('planNotification', () => {
  it('expiring: willExpire with the OpenSSL date, raising trap', () => {
    assert.deepEqual(planNotification(n('expiring'), false), {
      lines: [{ key: 'willExpire', params: { notAfter: 'Jul  6 05:04:03 2027 GMT' } }],
      trap: { assert: true, okKey: 'trapSent' },
    });
  });

  it('expired raises, renewed clears', () => {
    assert.equal(planNotification(n('expired'), false).lines[0]!.key, 'expired');
    assert.equal(planNotification(n('expired'), false).trap?.assert, true);
    const renewed = planNotification(n('renewed'), false);
    assert.equal(renewed.lines[0]!.key, 'newCertificate');
    assert.deepEqual(renewed.trap, { assert: false, okKey: 'trapCleared' });
  });

  it('problems go to syslog only unless trapOnProblems', () => {
    for (const e of ['missing', 'invalid', 'not_yet_valid'] as const) {
      assert.equal(planNotification(n(e), false).trap, undefined);
      assert.equal(planNotification(n(e), true).trap?.assert, true);
    }
    assert.deepEqual(planNotification(n('invalid', { reason: 'truncated' }), false).lines, [
      { key: 'invalid', params: { reason: 'truncated' } },
    ]);
    assert.deepEqual(planNotification(n('not_yet_valid', { notBefore: '2030-01-02T03:04:05Z' }), false).lines, [
      { key: 'notYetValid', params: { notBefore: 'Jan  2 03:04:05 2030 GMT' } },
    ]);
  });
});
