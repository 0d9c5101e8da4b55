import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate } from '../../../core/evaluate.ts';
import { decide } from '../../../core/policy.ts';
import { planNotification } from '../../../gateway/delivery/notificationPlan.ts';
import { parseNotificationBatch } from '../../../gateway/http/notificationBatchSchema.ts';
import { certificate, time } from '../../fixtures/certs/buildDer.ts';

const FP = Array.from({ length: 32 }, () => '8B').join(':');

function batch(fields: Record<string, unknown>): string {
  return JSON.stringify({
    notifications: [
      {
        id: 'hsm01:8B8B8B8B:expired:2026-11-24T12:00',
        appliance: 'hsm01',
        address: '10.0.0.5',
        event: 'expired',
        fingerprintSha256: FP,
        observedAt: '2026-11-24T12:00:00.000Z',
        ...fields,
      },
    ],
  });
}

/** The notifications `check` would send for a certificate with these dates, as the gateway receives them. */
function sentFor(notBefore: string, notAfter: string, now: string): string {
  const der = certificate({ notBefore: time(new Date(notBefore)), notAfter: time(new Date(notAfter)) });
  const decision = decide({
    appliance: 'hsm01',
    address: '10.0.0.5',
    previous: undefined,
    evaluation: evaluate({ kind: 'found', bytes: der }, 30, new Date(now)),
    settings: { thresholdDays: 30, repeatHours: 24 },
    now: new Date(now),
  });
  assert.equal(decision.notifications.length, 1);
  return JSON.stringify({ notifications: decision.notifications });
}

describe('parseNotificationBatch and dates of any year 0000-9999', () => {
  it('accepts four-digit years below 1000 in notAfter, notBefore, observedAt and the id', () => {
    const [n] = parseNotificationBatch(
      batch({
        id: 'hsm01:8B8B8B8B:expired:0001-01-01T00:00',
        notAfter: '0001-01-01T00:00:00.000Z',
        notBefore: '0000-01-01T00:00:00.000Z',
        observedAt: '0999-12-31T23:59:59.000Z',
      }),
    );
    assert.equal(n?.notAfter, '0001-01-01T00:00:00.000Z');
    assert.equal(n?.notBefore, '0000-01-01T00:00:00.000Z');
    assert.equal(n?.observedAt, '0999-12-31T23:59:59.000Z');
    // The gateway's lines print such a date as OpenSSL does.
    assert.deepEqual(planNotification(n!, false).lines, [
      { key: 'expired', params: { notAfter: 'Jan  1 00:00:00 1 GMT' } },
    ]);
  });

  it('refuses the six-digit year forms', () => {
    for (const notAfter of ['+000001-01-01T00:00:00.000Z', '-000001-12-31T23:00:00.000Z', '+010000-01-01T00:00:00Z']) {
      assert.throws(() => parseNotificationBatch(batch({ notAfter })), /notifications\[0\]\.notAfter/, notAfter);
    }
  });

  it('takes what check sends for an expired certificate of year 1 unchanged', () => {
    const [n] = parseNotificationBatch(sentFor('0001-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '2026-11-24T12:00:00Z'));
    assert.equal(n?.event, 'expired');
    assert.equal(n?.notAfter, '0001-01-01T00:00:00.000Z');
    assert.equal(n?.notBefore, '0001-01-01T00:00:00.000Z');
    assert.equal(n?.daysRemaining, -739_944);
  });

  it('takes the daysRemaining of a not-yet-valid certificate that never expires (notAfter 9999-12-31)', () => {
    const [n] = parseNotificationBatch(sentFor('2027-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-11-24T12:00:00Z'));
    assert.equal(n?.event, 'not_yet_valid');
    assert.equal(n?.daysRemaining, 2_912_115);
  });

  it('bounds daysRemaining by the span of years 0000-9999 (3,652,425 days)', () => {
    for (const daysRemaining of [3_652_425, -3_652_425]) {
      assert.equal(parseNotificationBatch(batch({ daysRemaining }))[0]?.daysRemaining, daysRemaining);
    }
    for (const daysRemaining of [3_652_426, -3_652_426]) {
      assert.throws(() => parseNotificationBatch(batch({ daysRemaining })), /notifications\[0\]\.daysRemaining/);
    }
  });
});
