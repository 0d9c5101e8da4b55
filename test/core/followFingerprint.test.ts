import assert from 'node:assert/strict';
import { test } from 'node:test';
import { followFingerprint } from '../../core/followFingerprint.ts';
import type { CertificateHistory } from '../../core/types.ts';

const AT = '2026-12-01T00:00:00.000Z';
const ALERTED: CertificateHistory = {
  fingerprint: 'AA',
  fingerprintSince: '2026-01-01T00:00:00.000Z',
  alertActive: true,
  lastAlertAt: '2026-11-30T00:00:00.000Z',
  lastAlertSeverity: 'critical',
};

test('the same fingerprint again changes nothing', () => {
  const next = { ...ALERTED };
  followFingerprint(next, 'AA', AT);
  assert.deepEqual(next, ALERTED);
});

test('a new fingerprint starts afresh and owes the alerting one its clear', () => {
  const next = { ...ALERTED };
  followFingerprint(next, 'BB', AT);
  assert.deepEqual(next, {
    fingerprint: 'BB',
    fingerprintSince: AT,
    alertActive: false,
    lastAlertAt: undefined,
    lastAlertSeverity: undefined,
    pendingClear: { fingerprint: 'AA', detectedAt: AT },
  });
});

test('a clear already pending is kept; a first sight or a certificate without alert owes none', () => {
  const pending = { fingerprint: 'ZZ', detectedAt: '2026-11-01T00:00:00.000Z' };
  const kept = { ...ALERTED, pendingClear: pending };
  followFingerprint(kept, 'BB', AT);
  assert.deepEqual(kept.pendingClear, pending);
  const first: CertificateHistory = { alertActive: false };
  followFingerprint(first, 'BB', AT);
  assert.equal(first.pendingClear, undefined);
  const quiet = { ...ALERTED, alertActive: false };
  followFingerprint(quiet, 'BB', AT);
  assert.equal(quiet.pendingClear, undefined);
  assert.equal(quiet.fingerprint, 'BB');
});
