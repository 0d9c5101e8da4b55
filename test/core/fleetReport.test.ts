import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CACHE_FORMAT } from '../../core/certificateCache.ts';
import { buildFleetStatus, fleetEntries, fleetEntry, viewAsOf, viewOfRecord } from '../../core/fleetReport.ts';
import type { ApplianceView } from '../../core/types.ts';

const FP = Array.from({ length: 32 }, () => 'CD').join(':');
const NOW = new Date('2026-11-24T12:00:00Z');
const view = (notAfter: string, status: ApplianceView['status'] = 'valid'): ApplianceView => ({
  status,
  thresholdDays: 30,
  notBefore: '2025-01-01T00:00:00.000Z',
  notAfter,
  subject: 'CN=x',
  fingerprintSha256: FP,
});

describe('fleet-status.json entries', () => {
  test('days remaining as the evaluation counts them: floor of whole days, negative once expired', () => {
    assert.equal(fleetEntry('a', view('2026-11-27T09:30:00.000Z'), NOW).daysRemaining, 2);
    assert.equal(fleetEntry('a', view('2026-11-24T11:59:59.000Z'), NOW).daysRemaining, -1);
    assert.equal(fleetEntry('a', view('2026-11-25T12:00:00.000Z'), NOW).daysRemaining, 1);
  });

  test('every field is present, null when it does not apply', () => {
    assert.deepEqual(fleetEntry('hsm9', { status: 'missing', thresholdDays: 30 }, NOW), {
      appliance: 'hsm9',
      status: 'missing',
      notBefore: null,
      notAfter: null,
      daysRemaining: null,
      fingerprintSha256: null,
      subject: null,
      labels: {},
      lastNotification: null,
    });
  });

  test('the report holds each appliance once, by name, with counts for every status', () => {
    const status = buildFleetStatus(NOW, 30, [
      fleetEntry('b', view('2027-01-01T00:00:00.000Z'), NOW),
      fleetEntry('a', { status: 'invalid', thresholdDays: 30 }, NOW),
      fleetEntry('b', { status: 'missing', thresholdDays: 30 }, NOW),
    ]);
    assert.equal(status.time, '2026-11-24T12:00:00.000Z');
    assert.deepEqual(
      status.appliances.map((e) => [e.appliance, e.status]),
      [
        ['a', 'invalid'],
        ['b', 'valid'],
      ],
    );
    assert.deepEqual(status.byStatus, {
      valid: 1,
      expiring: 0,
      expired: 0,
      not_yet_valid: 0,
      invalid: 1,
      missing: 0,
      unavailable: 0,
    });
  });
});

describe('a report rebuilt from the state', () => {
  test('a stored view moves on with time: valid becomes expiring, then expired; problems stay', () => {
    const stored = view('2026-12-10T00:00:00.000Z');
    assert.equal(viewAsOf(stored, NOW).status, 'expiring');
    assert.equal(viewAsOf(stored, new Date('2026-12-11T00:00:00Z')).status, 'expired');
    assert.equal(viewAsOf(stored, new Date('2026-10-01T00:00:00Z')).status, 'valid');
    assert.equal(viewAsOf({ status: 'missing', thresholdDays: 30 }, NOW).status, 'missing');
    assert.equal(viewAsOf({ ...stored, status: 'unavailable' }, NOW).status, 'unavailable');
  });

  test('a record written before views: its problem, or its dates and the certificate cache', () => {
    assert.equal(
      viewOfRecord({ version: 1, alertActive: false, problem: { event: 'invalid', since: '2026-11-01T00:00:00Z' } }, 30)
        .status,
      'invalid',
    );
    const cached = viewOfRecord(
      {
        version: 1,
        alertActive: true,
        fingerprint: FP,
        notAfter: '2026-12-01T00:00:00.000Z',
        lastAlertAt: '2026-11-20T00:00:00.000Z',
        certificate: {
          format: CACHE_FORMAT,
          sourceVersion: '"etag"',
          notBefore: '2025-12-01T00:00:00.000Z',
          notAfter: '2026-12-01T00:00:00.000Z',
          subject: 'CN=hsm01',
          issuer: 'CN=ca',
          serialNumber: '0A',
          keyType: 'EC P-256',
          fingerprintSha256: FP,
        },
      },
      30,
    );
    assert.deepEqual(cached, {
      status: 'valid',
      thresholdDays: 30,
      notBefore: '2025-12-01T00:00:00.000Z',
      subject: 'CN=hsm01',
      serialNumber: '0A',
      notAfter: '2026-12-01T00:00:00.000Z',
      fingerprintSha256: FP,
      lastNotification: { event: 'expiring', at: '2026-11-20T00:00:00.000Z' },
    });
    assert.equal(viewAsOf(cached, NOW).status, 'expiring');
  });
});

test('named certificates: a row each after the appliance, with its labels; appliances counted by NTLS status', () => {
  const time = new Date('2026-11-24T12:00:00Z');
  const web = { status: 'expiring' as const, thresholdDays: 30, notAfter: '2026-12-01T12:00:00.000Z' };
  const hsm01 = {
    status: 'valid' as const,
    thresholdDays: 30,
    notAfter: '2027-11-24T12:00:00.000Z',
    labels: { site: 'fra' },
    certificates: { web, api: { status: 'missing' as const, thresholdDays: 30 } },
  };
  const entries = fleetEntries('hsm01', hsm01, time);
  assert.deepEqual(
    entries.map((e) => [e.appliance, e.certificate, e.status, e.daysRemaining, e.labels]),
    [
      ['hsm01', undefined, 'valid', 365, { site: 'fra' }],
      ['hsm01', 'api', 'missing', null, { site: 'fra' }],
      ['hsm01', 'web', 'expiring', 7, { site: 'fra' }],
    ],
  );
  assert.equal('certificate' in (entries[0] as object), false, 'the NTLS row is what it always was');
  const status = buildFleetStatus(time, 30, [
    ...fleetEntries('hsm00', { status: 'valid', thresholdDays: 30 }, time),
    ...entries,
  ]);
  assert.deepEqual(
    status.appliances.map((e) => `${e.appliance}/${e.certificate ?? 'ntls'}`),
    ['hsm00/ntls', 'hsm01/ntls', 'hsm01/api', 'hsm01/web'],
  );
  assert.equal(status.byStatus.valid, 2);
  assert.equal(status.byStatus.missing, 0);
});
