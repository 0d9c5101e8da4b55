import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { carryOwed, type OwedDelivery, trapHostLabel, usableOwed } from '../../core/owedDelivery.ts';
import type { Notification } from '../../protocol/notification.ts';

const FP_A = Array.from({ length: 32 }, () => 'AA').join(':');
const FP_B = Array.from({ length: 32 }, () => 'BB').join(':');
const T0 = '2026-11-20T00:00:00.000Z';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(Date.parse(T0) + ms);

function notification(event: Notification['event'], id: string, fingerprint = FP_A): Notification {
  return {
    id,
    appliance: 'hsm01',
    address: '10.0.0.5',
    event,
    observedAt: T0,
    notAfter: '2026-12-01T00:00:00.000Z',
    fingerprintSha256: fingerprint,
    daysRemaining: 11,
  };
}

const RAISE: OwedDelivery = {
  notification: notification('expiring', 'hsm01:AAAAAAAA:expiring:2026-11-20T00:00'),
  hosts: ['nms3'],
  since: T0,
};
const CLEAR: OwedDelivery = {
  notification: notification('renewed', 'hsm01:CCCCCCCC:renewed:2026-11-19T00:00', FP_B),
  hosts: ['nms3'],
  since: T0,
};
const REPORT: OwedDelivery = {
  notification: {
    id: 'hsm01:missing:2026-11-20T00:00',
    appliance: 'hsm01',
    address: '0.0.0.0',
    event: 'missing',
    observedAt: T0,
  },
  hosts: ['nms2', 'nms3'],
  since: T0,
};

describe('trap host labels', () => {
  test('a configured label passes unchanged; anything else is made safe and bounded', () => {
    for (const label of ['nms1', '10.0.0.9:1162', 'fe80::1%eth0', 'nms.example.org']) {
      assert.equal(trapHostLabel(label), label);
    }
    assert.equal(trapHostLabel('nms 1\n[x]'), 'nms_1__x_');
    assert.equal(trapHostLabel('h'.repeat(300)).length, 100);
    assert.equal(trapHostLabel(''), '_');
  });
});

describe('owed deliveries as stored', () => {
  test('canonical: one per kind, clear then trap then report, hosts sorted and deduplicated', () => {
    const stored = [
      { ...REPORT, hosts: ['nms3', 'nms2', 'nms3'] },
      RAISE,
      { ...RAISE, since: '2026-11-21T00:00:00.000Z' },
      CLEAR,
    ];
    assert.deepEqual(usableOwed(JSON.parse(JSON.stringify(stored))), [CLEAR, RAISE, REPORT]);
  });

  test('a malformed entry is dropped, never the others; anything but an array is none', () => {
    for (const value of [undefined, null, 5, 'owed', { 0: RAISE }]) assert.deepEqual(usableOwed(value), []);
    const bad = [
      { ...RAISE, since: 'yesterday' },
      { ...RAISE, hosts: [] },
      { ...RAISE, hosts: ['nms1', 7] },
      { ...RAISE, notification: { ...RAISE.notification, id: 'has space' } },
      { ...RAISE, notification: { ...RAISE.notification, event: 'exploded' } },
      { ...RAISE, notification: { ...RAISE.notification, address: 'evil.example' } },
      { ...RAISE, notification: { ...RAISE.notification, fingerprintSha256: 'AA' } },
      { ...RAISE, notification: { ...RAISE.notification, daysRemaining: 1.5 } },
      { ...RAISE, notification: { ...RAISE.notification, observedAt: undefined } },
      { notification: RAISE.notification, since: T0 },
      'junk',
    ];
    assert.deepEqual(usableOwed([...bad, REPORT]), [REPORT]);
  });

  test('a stored host label is made safe like one from an answer', () => {
    assert.deepEqual(usableOwed([{ ...RAISE, hosts: ['nms\u001b[31m'] }])[0]?.hosts, ['nms__31m']);
  });
});

describe('carrying owed deliveries into a run', () => {
  const context = { appliance: 'hsm01', now: at(HOUR), dueKinds: new Set<never>(), fingerprint: FP_A };

  test('retried while nothing newer of their kind is due', () => {
    assert.deepEqual(carryOwed([CLEAR, RAISE, REPORT], context), { kept: [CLEAR, RAISE, REPORT], givenUp: [] });
  });

  test('a newer notification of the same kind replaces the owed one (latest repeat, not a backlog)', () => {
    const carried = carryOwed([CLEAR, RAISE, REPORT], { ...context, dueKinds: new Set(['trap'] as const) });
    assert.deepEqual(carried.kept, [CLEAR, REPORT]);
    assert.deepEqual(carried.givenUp, []);
  });

  test('a renewal drops the owed raise for the replaced certificate; its clear covers it', () => {
    const carried = carryOwed([CLEAR, RAISE], { ...context, fingerprint: FP_B });
    assert.deepEqual(carried.kept, [CLEAR]);
  });

  test('given up once older than 6 days (the gateway forgets ids after 7 by default)', () => {
    assert.deepEqual(carryOwed([RAISE], { ...context, now: at(6 * DAY) }).kept, [RAISE]);
    assert.deepEqual(carryOwed([RAISE], { ...context, now: at(6 * DAY + 60_000) }), { kept: [], givenUp: [RAISE] });
  });

  test('an entry about another appliance is dropped', () => {
    assert.deepEqual(carryOwed([RAISE], { ...context, appliance: 'hsm02' }), { kept: [], givenUp: [] });
  });
});
