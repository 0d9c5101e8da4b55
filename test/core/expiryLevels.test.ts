import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { usableView } from '../../core/applianceView.ts';
import { evaluate, evaluateCertificateFile } from '../../core/evaluate.ts';
import { criticalWindowMs, expiringWindowMs, expirySeverity, levelWindowMs } from '../../core/expiryLevels.ts';
import { viewAsOf } from '../../core/fleetReport.ts';
import type { ApplianceView, Certificate } from '../../core/types.ts';
import { certificate, time } from '../fixtures/certs/buildDer.ts';

const DAY = 86_400_000;
/** A 47-day certificate, the SC-081 maximum from 15 March 2029 (docs/reference.md, Expiry policy). */
const NOT_BEFORE = Date.parse('2029-03-16T00:00:00Z');
const NOT_AFTER = NOT_BEFORE + 47 * DAY;
const LIFETIME = NOT_AFTER - NOT_BEFORE;
const DER = certificate({ notBefore: time(new Date(NOT_BEFORE)), notAfter: time(new Date(NOT_AFTER)) });
const found = { kind: 'found', bytes: DER } as const;

/** The evaluation `remainingMs` before notAfter. */
function at(remainingMs: number, days: number, levels = {}) {
  return evaluate(found, days, new Date(NOT_AFTER - remainingMs), levels);
}

function fields(notBefore: number, notAfter: number): Certificate {
  return {
    der: new Uint8Array(0),
    notBefore: new Date(notBefore),
    notAfter: new Date(notAfter),
    subject: 'CN=hsm01',
    issuer: 'CN=ca',
    serialNumber: '01',
    keyType: 'EC P-256',
    fingerprintSha256: Array.from({ length: 32 }, () => 'AB').join(':'),
  };
}

describe('threshold percent of the lifetime (docs/reference.md, Expiry policy)', () => {
  // 33 % of 47 days is 15.51 days: 1,340,064,000 ms, exactly.
  const window = (LIFETIME * 33) / 100;

  it('is expiring exactly at P % of the lifetime left, valid one millisecond before', () => {
    assert.equal(window, 1_340_064_000);
    assert.equal(at(window, 10, { thresholdPercent: 33 }).status, 'expiring');
    assert.equal(at(window + 1, 10, { thresholdPercent: 33 }).status, 'valid');
    // Without the percent, the 10 days alone decide.
    assert.equal(at(window, 10).status, 'valid');
    assert.equal(at(10 * DAY, 10).status, 'expiring');
  });

  it('combines with the days as whichever comes first', () => {
    // 20 days come first (20 > 15.51): expiring from 20 days left, the percent changes nothing.
    assert.equal(at(20 * DAY, 20, { thresholdPercent: 33 }).status, 'expiring');
    assert.equal(at(20 * DAY + 1, 20, { thresholdPercent: 33 }).status, 'valid');
    // 5 days: the percent comes first.
    assert.equal(at(window, 5, { thresholdPercent: 33 }).status, 'expiring');
    assert.equal(at(6 * DAY, 5).status, 'valid');
  });

  it('adds no severity without a critical level, and changes nothing of the other fields', () => {
    const plain = at(window, 20);
    const withPercent = at(window, 20, { thresholdPercent: 33 });
    assert.deepEqual(withPercent, plain);
    assert.equal('severity' in withPercent, false);
  });

  it('does not apply to a certificate whose lifetime is not positive, and never divides by zero', () => {
    for (const notBefore of [NOT_AFTER, NOT_AFTER + DAY]) {
      const file = { certificate: fields(notBefore, NOT_AFTER), chain: [] };
      // Not yet valid while now < notBefore; at notAfter == notBefore the days alone decide.
      const e = evaluateCertificateFile(file, 0, new Date(NOT_AFTER - 1), {
        thresholdPercent: 99,
        critical: { percent: 99, repeatHours: 1 },
      });
      assert.equal(e.status, 'not_yet_valid');
      assert.equal(levelWindowMs(file.certificate, undefined, 99), 0);
      assert.equal(levelWindowMs(file.certificate, 2, 99), 2 * DAY);
    }
    const zero = { certificate: fields(NOT_AFTER, NOT_AFTER), chain: [] };
    const e = evaluateCertificateFile(zero, 0, new Date(NOT_AFTER), { thresholdPercent: 50 });
    assert.equal(e.status, 'expiring');
  });

  it('a larger percent never makes a certificate less expiring (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 47 * 86_400 }),
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 0, max: 98 }),
        (remainingS, p, q) => {
          const low = Math.min(p, q + 1);
          const high = Math.max(p, q + 1);
          const a = at(remainingS * 1000, 0, { thresholdPercent: low }).status;
          const b = at(remainingS * 1000, 0, { thresholdPercent: high }).status;
          return a === 'valid' || b === 'expiring';
        },
      ),
    );
  });
});

describe('the critical level (docs/reference.md, Expiry policy)', () => {
  const critical = { days: 3, percent: 10, repeatHours: 6 };
  const levels = { thresholdPercent: 33, critical };
  // 10 % of 47 days is 4.7 days: 406,080,000 ms.
  const criticalWindow = (LIFETIME * 10) / 100;

  it('gives expiring and expired a severity: warning, then critical within its days or percent, critical once expired', () => {
    assert.equal(criticalWindowMs(fields(NOT_BEFORE, NOT_AFTER), critical), criticalWindow);
    assert.equal(at(12 * DAY, 10, levels).severity, 'warning');
    assert.equal(at(criticalWindow + 1, 10, levels).severity, 'warning');
    assert.equal(at(criticalWindow, 10, levels).severity, 'critical');
    assert.equal(at(1, 10, levels).severity, 'critical');
    const expired = at(-1000, 10, levels);
    assert.equal(expired.status, 'expired');
    assert.equal(expired.severity, 'critical');
    assert.equal(at(30 * DAY, 10, levels).severity, undefined, 'a valid certificate has none');
  });

  it('the days of the critical level combine with its percent as whichever comes first', () => {
    const byDays = { critical: { days: 6, percent: 10, repeatHours: 6 } };
    assert.equal(at(6 * DAY, 10, byDays).severity, 'critical');
    assert.equal(at(6 * DAY + 1, 10, byDays).severity, 'warning');
  });

  it('a certificate within the critical level is expiring even outside the warning level', () => {
    const e = at(criticalWindow, 2, { critical: { percent: 10, repeatHours: 6 } });
    assert.equal(e.status, 'expiring');
    assert.equal(e.severity, 'critical');
  });

  it('a critical level with neither days nor percent makes only an expired certificate critical', () => {
    const onlyHours = { critical: { repeatHours: 6 } };
    assert.equal(at(0, 10, onlyHours).severity, 'warning');
    assert.equal(at(-1000, 10, onlyHours).severity, 'critical');
    assert.equal(expirySeverity(fields(NOT_BEFORE, NOT_AFTER), 0, {}), undefined);
  });

  it('the expiring window is the larger of the warning level and the critical level', () => {
    const cert = fields(NOT_BEFORE, NOT_AFTER);
    assert.equal(expiringWindowMs(cert, { thresholdDays: 30, repeatHours: 24 }), 30 * DAY);
    assert.equal(expiringWindowMs(cert, { thresholdDays: 10, repeatHours: 24, thresholdPercent: 33 }), 1_340_064_000);
    assert.equal(expiringWindowMs(cert, { thresholdDays: 1, repeatHours: 24, critical }), criticalWindow);
  });
});

describe('a stored view keeps the levels, so a report rebuilt later applies the same rule', () => {
  const view: ApplianceView = {
    status: 'valid',
    thresholdDays: 5,
    thresholdPercent: 33,
    criticalPercent: 10,
    notBefore: new Date(NOT_BEFORE).toISOString(),
    notAfter: new Date(NOT_AFTER).toISOString(),
  };

  it('round-trips them in canonical order, and drops a view whose level is malformed', () => {
    assert.deepEqual(Object.keys(usableView(JSON.parse(JSON.stringify(view))) ?? {}), [
      'status',
      'thresholdDays',
      'thresholdPercent',
      'criticalPercent',
      'notBefore',
      'notAfter',
    ]);
    assert.equal(usableView({ ...view, thresholdPercent: 100 }), undefined);
    assert.equal(usableView({ ...view, criticalDays: 1.5 }), undefined);
    const plain = { status: 'valid', thresholdDays: 5, notAfter: view.notAfter };
    assert.deepEqual(usableView(plain), plain, 'a view without levels is as it always was');
  });

  it('re-evaluates the status as of a later instant with the percent', () => {
    assert.equal(viewAsOf(view, new Date(NOT_AFTER - 15 * DAY)).status, 'expiring');
    const { thresholdPercent: _p, criticalPercent: _c, ...daysOnly } = view;
    assert.equal(viewAsOf(daysOnly, new Date(NOT_AFTER - 15 * DAY)).status, 'valid');
  });
});
