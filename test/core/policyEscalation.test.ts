/** The alert policy with a critical level (docs/reference.md, Expiry policy): core/policy.ts's escalation and repeats. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateCertificateFile } from '../../core/evaluate.ts';
import { normalizeState } from '../../core/normalizeState.ts';
import { type Decision, decide, settle } from '../../core/policy.ts';
import type { ApplianceState, Certificate, Settings } from '../../core/types.ts';

const A: Certificate = {
  der: new Uint8Array(0),
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2026-12-01T00:00:00Z'),
  subject: 'CN=hsm01',
  issuer: 'CN=ca',
  serialNumber: '01',
  keyType: 'RSA-2048',
  fingerprintSha256: Array.from({ length: 32 }, () => 'AA').join(':'),
};
const B: Certificate = {
  ...A,
  notAfter: new Date('2027-12-01T00:00:00Z'),
  fingerprintSha256: A.fingerprintSha256.replaceAll('AA', 'BB'),
};

const CRITICAL: Settings = { thresholdDays: 30, repeatHours: 24, critical: { days: 7, repeatHours: 6 } };
const PLAIN: Settings = { thresholdDays: 30, repeatHours: 24 };

/** One run: evaluate `cert` with `settings` at `at`, decide, and settle with every notification delivered (or none). */
function run(previous: ApplianceState | undefined, at: string, settings = CRITICAL, deliver = true, cert = A) {
  const now = new Date(at);
  const evaluation = evaluateCertificateFile({ certificate: cert, chain: [] }, settings.thresholdDays, now, settings);
  const decision: Decision = decide({ appliance: 'hsm01', address: '10.0.0.5', previous, evaluation, settings, now });
  const delivered = new Map(deliver ? decision.notifications.map((n) => [n.id, { failedHosts: [] }]) : []);
  return { decision, state: settle(decision, delivered) };
}

function raises(decision: Decision) {
  return decision.notifications.map((n) => ({ id: n.id, event: n.event, severity: n.severity }));
}

describe('escalation to the critical level (docs/reference.md, Expiry policy)', () => {
  it('warning, then at once on entering critical (inside H), then every critical.repeatHours', () => {
    const first = run(undefined, '2026-11-23T12:00:00Z');
    assert.deepEqual(raises(first.decision), [
      { id: 'hsm01:AAAAAAAA:expiring:2026-11-23T12:00', event: 'expiring', severity: 'warning' },
    ]);
    assert.equal(first.state?.lastAlertSeverity, 'warning');
    assert.equal(first.decision.logs.find((l) => l.key === 'willExpire')?.sev, 'info');

    // 7 days left exactly, 12 hours after the warning: escalated at once.
    const escalated = run(first.state, '2026-11-24T00:00:00Z');
    assert.deepEqual(raises(escalated.decision), [
      { id: 'hsm01:AAAAAAAA:expiring:2026-11-24T00:00:critical', event: 'expiring', severity: 'critical' },
    ]);
    assert.equal(escalated.decision.logs.find((l) => l.key === 'willExpire')?.sev, 'crit');
    assert.equal(escalated.state?.lastAlertSeverity, 'critical');

    assert.deepEqual(raises(run(escalated.state, '2026-11-24T05:59:00Z').decision), []);
    const repeat = run(escalated.state, '2026-11-24T06:00:00Z');
    assert.deepEqual(raises(repeat.decision), [
      { id: 'hsm01:AAAAAAAA:expiring:2026-11-24T06:00:critical', event: 'expiring', severity: 'critical' },
    ]);
    const again = run(repeat.state, '2026-11-24T12:00:00Z');
    assert.equal(again.decision.notifications.length, 1);
    // Expired: still critical, still every 6 hours from the last raise.
    const expired = run(again.state, '2026-12-01T00:00:01Z');
    assert.deepEqual(raises(expired.decision), [
      { id: 'hsm01:AAAAAAAA:expired:2026-11-24T18:00:critical', event: 'expired', severity: 'critical' },
    ]);
    assert.equal(expired.decision.logs.find((l) => l.key === 'expired')?.sev, 'crit');
  });

  it('a failed escalation keeps its id on retry; a delivered one is not sent again', () => {
    const first = run(undefined, '2026-11-23T12:00:00Z');
    const failed = run(first.state, '2026-11-24T00:10:00Z', CRITICAL, false);
    const retry = run(failed.state, '2026-11-24T01:10:00Z');
    assert.equal(failed.decision.notifications[0]?.id, 'hsm01:AAAAAAAA:expiring:2026-11-24T00:00:critical');
    assert.equal(retry.decision.notifications[0]?.id, failed.decision.notifications[0]?.id);
    assert.deepEqual(raises(run(retry.state, '2026-11-24T02:10:00Z').decision), []);
  });

  it('a critical raise one trap host missed is owed with its severity, and retried exactly as sent', () => {
    const now = new Date('2026-11-25T00:00:00Z');
    const evaluation = evaluateCertificateFile({ certificate: A, chain: [] }, 30, now, CRITICAL);
    const decision = decide({
      appliance: 'hsm01',
      address: '10.0.0.5',
      previous: undefined,
      evaluation,
      settings: CRITICAL,
      now,
    });
    const raise = decision.notifications[0];
    assert.equal(raise?.severity, 'critical');
    const state = settle(decision, new Map([[raise?.id ?? '', { failedHosts: ['nms2'] }]]));
    const stored = normalizeState(JSON.parse(JSON.stringify(state)));
    assert.equal(stored.owed?.[0]?.notification.id, raise?.id);
    const owed = stored.owed?.[0]?.notification as { severity?: string } | undefined;
    assert.equal(owed?.severity, 'critical');
    const later = run(stored, '2026-11-25T01:00:00Z');
    assert.deepEqual(
      later.decision.retries.map((n) => [n.id, (n as { severity?: string }).severity]),
      [[raise?.id, 'critical']],
    );
  });

  it('first sight inside the critical level alerts once, as critical, with the instant it entered the level', () => {
    const seen = run(undefined, '2026-11-26T08:00:00Z');
    assert.deepEqual(raises(seen.decision), [
      { id: 'hsm01:AAAAAAAA:expiring:2026-11-26T08:00:critical', event: 'expiring', severity: 'critical' },
    ]);
    assert.deepEqual(raises(run(seen.state, '2026-11-26T09:00:00Z').decision), []);
  });

  it('a renewal forgets the severity: the clear carries none, the new certificate starts afresh', () => {
    const critical = run(undefined, '2026-11-25T00:00:00Z').state;
    const renewed = run(critical, '2026-11-25T06:00:00Z', CRITICAL, true, B);
    assert.deepEqual(
      renewed.decision.notifications.map((n) => [n.event, n.severity]),
      [['renewed', undefined]],
    );
    assert.equal(renewed.state?.lastAlertSeverity, undefined);
    assert.equal(renewed.state?.alertActive, false);
  });

  it('the state round-trips through JSON, and an old record without a severity escalates at once', () => {
    const escalated = run(run(undefined, '2026-11-23T12:00:00Z').state, '2026-11-24T00:00:00Z').state;
    assert.deepEqual(normalizeState(JSON.parse(JSON.stringify(escalated))), escalated);
    const old: ApplianceState = {
      version: 1,
      alertActive: true,
      fingerprint: A.fingerprintSha256,
      fingerprintSince: '2026-11-01T00:00:00Z',
      notAfter: A.notAfter.toISOString(),
      lastAlertAt: '2026-11-24T10:00:00Z',
    };
    const odd = normalizeState({ ...old, lastAlertSeverity: 'urgent' } as unknown as ApplianceState);
    assert.deepEqual(odd, normalizeState(old), 'an unknown severity reads as none');
    assert.equal(run(old, '2026-11-24T11:00:00Z').decision.notifications[0]?.severity, 'critical');
    // Without a critical level the old record behaves as it always did: nothing inside H.
    assert.deepEqual(raises(run(old, '2026-11-24T11:00:00Z', PLAIN).decision), []);
  });

  it('without a critical level: no severity field, catalogue severities, the repeat every H', () => {
    const first = run(undefined, '2026-11-25T00:00:00Z', PLAIN);
    const n = first.decision.notifications[0];
    assert.equal(n?.id, 'hsm01:AAAAAAAA:expiring:2026-11-25T00:00');
    assert.equal(n !== undefined && 'severity' in n, false);
    assert.equal(first.state !== undefined && 'lastAlertSeverity' in first.state, false);
    assert.equal(first.decision.logs.find((l) => l.key === 'willExpire')?.sev, 'info');
    assert.equal(run(first.state, '2026-11-25T23:59:00Z', PLAIN).decision.notifications.length, 0);
    assert.equal(run(first.state, '2026-11-26T00:00:00Z', PLAIN).decision.notifications.length, 1);
  });

  it('with a threshold percent, the first raise carries the instant the percent window opened', () => {
    // 10 % of the 334-day lifetime is 33.4 days: the window opened on 2026-10-28T14:24.
    const settings: Settings = { thresholdDays: 5, repeatHours: 24, thresholdPercent: 10 };
    const seen = run(undefined, '2026-10-20T00:00:00Z', settings);
    assert.deepEqual(raises(seen.decision), []);
    const due = run(seen.state, '2026-10-29T00:00:00Z', settings);
    assert.deepEqual(raises(due.decision), [
      { id: 'hsm01:AAAAAAAA:expiring:2026-10-28T14:24', event: 'expiring', severity: undefined },
    ]);
  });
});
