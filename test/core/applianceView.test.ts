import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applianceView, lastNotificationAfter, rememberedNotification, usableView } from '../../core/applianceView.ts';
import type { ApplianceState, ApplianceView } from '../../core/types.ts';

const FP = Array.from({ length: 32 }, () => 'AB').join(':');
const CERT = {
  notBefore: '2025-11-27T09:30:00.000Z',
  notAfter: '2026-11-27T09:30:00.000Z',
  subject: 'C=US, O=Acme, CN=hsm01',
  serialNumber: '1234',
  fingerprintSha256: FP,
};

describe('applianceView', () => {
  test('carries the evaluated certificate, the threshold, sorted labels and the last notification', () => {
    const view = applianceView(
      { status: 'expiring', ...CERT },
      {
        thresholdDays: 45,
        labels: { site: 'fra', rack: '7' },
        lastNotification: { event: 'expiring', at: '2026-11-24T12:00:00.000Z' },
      },
    );
    assert.deepEqual(view, {
      status: 'expiring',
      thresholdDays: 45,
      ...CERT,
      labels: { rack: '7', site: 'fra' },
      lastNotification: { event: 'expiring', at: '2026-11-24T12:00:00.000Z' },
    });
    assert.deepEqual(Object.keys(view.labels ?? {}), ['rack', 'site']);
  });

  test('missing and invalid show no certificate; unavailable keeps the one read last', () => {
    const previous: ApplianceView = { status: 'valid', thresholdDays: 30, ...CERT };
    assert.deepEqual(applianceView({ status: 'missing' }, { thresholdDays: 30, previous }), {
      status: 'missing',
      thresholdDays: 30,
    });
    assert.deepEqual(applianceView({ status: 'unavailable' }, { thresholdDays: 30, previous }), {
      status: 'unavailable',
      thresholdDays: 30,
      ...CERT,
    });
    assert.deepEqual(applianceView({ status: 'unavailable' }, { thresholdDays: 30 }), {
      status: 'unavailable',
      thresholdDays: 30,
    });
  });
});

describe('last notification', () => {
  const base: ApplianceState = { version: 1, alertActive: true, notAfter: '2026-11-27T09:30:00.000Z' };

  test("this run's last delivered notification wins; otherwise what the state remembers", () => {
    const at = '2026-11-24T12:00:00.000Z';
    assert.deepEqual(lastNotificationAfter(['renewed', 'expiring'], at, undefined), { event: 'expiring', at });
    const remembered: ApplianceState = {
      ...base,
      view: {
        status: 'expired',
        thresholdDays: 30,
        lastNotification: { event: 'expired', at: '2026-11-28T00:00:00Z' },
      },
    };
    assert.deepEqual(lastNotificationAfter([], at, remembered), { event: 'expired', at: '2026-11-28T00:00:00Z' });
    assert.equal(lastNotificationAfter([], at, undefined), undefined);
  });

  test('a record written before views tells it from its alert and problem fields', () => {
    assert.deepEqual(rememberedNotification({ ...base, lastAlertAt: '2026-11-20T00:00:00.000Z' }), {
      event: 'expiring',
      at: '2026-11-20T00:00:00.000Z',
    });
    assert.deepEqual(rememberedNotification({ ...base, lastAlertAt: '2026-11-28T00:00:00.000Z' }), {
      event: 'expired',
      at: '2026-11-28T00:00:00.000Z',
    });
    assert.deepEqual(
      rememberedNotification({
        ...base,
        lastAlertAt: '2026-11-20T00:00:00.000Z',
        lastProblem: { event: 'missing', at: '2026-11-21T00:00:00.000Z' },
      }),
      { event: 'missing', at: '2026-11-21T00:00:00.000Z' },
    );
    assert.equal(rememberedNotification({ version: 1, alertActive: false }), undefined);
  });
});

describe('usableView', () => {
  const good = {
    status: 'valid',
    thresholdDays: 30,
    ...CERT,
    labels: { b: '2', a: '1' },
    lastNotification: { event: 'expiring', at: '2026-11-24T12:00:00.000Z' },
    futureField: 'ignored',
  };

  test('returns the canonical view of a stored one (known fields, fixed order)', () => {
    const view = usableView(good);
    assert.deepEqual(Object.keys(view ?? {}), [
      'status',
      'thresholdDays',
      'notBefore',
      'notAfter',
      'subject',
      'serialNumber',
      'fingerprintSha256',
      'labels',
      'lastNotification',
    ]);
    assert.deepEqual(Object.keys(view?.labels ?? {}), ['a', 'b']);
  });

  test('ignores a malformed view instead of refusing the record', () => {
    for (const bad of [
      null,
      'valid',
      [],
      { ...good, status: 'fine' },
      { ...good, thresholdDays: -1 },
      { ...good, thresholdDays: '30' },
      { ...good, notAfter: 'tomorrow' },
      { ...good, fingerprintSha256: 'AB' },
      { ...good, subject: 'x'.repeat(2000) },
      { ...good, labels: ['a'] },
      { ...good, labels: { a: 1 } },
      { ...good, lastNotification: { event: 'alarm', at: '2026-11-24T12:00:00.000Z' } },
    ]) {
      assert.equal(usableView(bad), undefined, JSON.stringify(bad)?.slice(0, 80));
    }
  });
});
