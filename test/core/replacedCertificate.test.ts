import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalizeState } from '../../core/normalizeState.ts';
import { decide, type PolicyInput, settle } from '../../core/policy.ts';
import { replacedId, unplannedReplacement, usablePendingReplaced } from '../../core/replacedCertificate.ts';
import { type ApplianceState, type Certificate, DEFAULT_FINDING_POLICY, type Evaluation } from '../../core/types.ts';
import type { NotificationV2 } from '../../protocol/notificationV2.ts';

const DAY = 86_400_000;

function certificate(byte: string, notAfter: string): Certificate {
  const fingerprintSha256 = new Array(32).fill(byte).join(':');
  return {
    ...{ der: new Uint8Array(0), subject: 'CN=hsm01', issuer: 'CN=hsm01', serialNumber: '0A', keyType: 'EC P-256' },
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date(notAfter),
    fingerprintSha256,
  };
}

/** Valid, expiring or expired at `now` for D days (these tests never need the other statuses). */
function seen(cert: Certificate, now: Date, days: number): Evaluation {
  const ms = cert.notAfter.getTime() - now.getTime();
  const secondsRemaining = Math.floor(ms / 1000);
  const status = ms < 0 ? 'expired' : ms <= days * DAY ? 'expiring' : 'valid';
  return { status, certificate: cert, secondsRemaining, daysRemaining: Math.floor(secondsRemaining / 86400) };
}

function input(cert: Certificate, now: string, previous: ApplianceState | undefined, extra: Partial<PolicyInput> = {}) {
  const at = new Date(now);
  const settings = extra.settings ?? { thresholdDays: 30, repeatHours: 24 };
  return {
    appliance: 'hsm01',
    address: '10.0.0.5',
    previous,
    evaluation: seen(cert, at, settings.thresholdDays),
    settings,
    now: at,
    replaced: true,
    ...extra,
  } satisfies PolicyInput;
}

/** Every notification of `ids` reached every trap host. */
function deliveredAll(ids: readonly string[]) {
  return new Map(ids.map((id) => [id, { failedHosts: [] as string[] }]));
}

const OLD = certificate('AA', '2030-01-01T00:00:00Z');
const NEW = certificate('BB', '2036-01-01T00:00:00Z');

/** The state after OLD was seen (and settled) on 2026-06-01. */
function afterOld(extra: Partial<PolicyInput> = {}): ApplianceState {
  const first = decide(input(OLD, '2026-06-01T00:00:00Z', undefined, extra));
  return settle(first, new Map()) as ApplianceState;
}

describe('replaced certificates', () => {
  test('an early replacement is logged and notified once, after the Luna line, with daysEarly and both fingerprints', () => {
    const decision = decide(input(NEW, '2026-06-10T12:00:00Z', afterOld()));
    assert.deepEqual(
      decision.logs.map((l) => l.key),
      ['newCertificate', 'replaced', 'valid'],
    );
    assert.match(decision.logs[0]?.text ?? '', /^New NTLS certificate detected and the expiry date/);
    // 2030-01-01 − 30 days = 2029-12-02; from 2026-06-10T12:00 that is 1270.5 days: 1270 whole days.
    assert.equal(
      decision.logs[1]?.text,
      `NTLS certificate of hsm01 was replaced 1270 day(s) before its expiry threshold (fingerprint ${OLD.fingerprintSha256} replaced by ${NEW.fingerprintSha256}): clients must register the new certificate`,
    );
    assert.equal(decision.logs[1]?.sev, 'warn');
    const [n] = decision.notifications as NotificationV2[];
    assert.deepEqual(n, {
      id: 'hsm01:BBBBBBBB:replaced',
      appliance: 'hsm01',
      address: '10.0.0.5',
      event: 'replaced',
      observedAt: '2026-06-10T12:00:00.000Z',
      notAfter: '2036-01-01T00:00:00.000Z',
      fingerprintSha256: NEW.fingerprintSha256,
      previousFingerprintSha256: OLD.fingerprintSha256,
      daysEarly: 1270,
    });
    assert.equal(decision.action, 'replaced');
    const delivered = settle(decision, deliveredAll([n?.id ?? '']));
    assert.equal(delivered?.pendingReplaced, undefined);
    const later = decide(input(NEW, '2026-06-11T12:00:00Z', delivered));
    assert.deepEqual(later.notifications, []);
    assert.deepEqual(
      later.logs.map((l) => l.key),
      ['valid'],
    );
  });

  test('a renewal within the threshold stays as it was: no replaced line, no notification, no pending state', () => {
    const renewed = decide(input(NEW, '2029-12-15T00:00:00Z', afterOld()));
    assert.deepEqual(
      renewed.logs.map((l) => l.key),
      ['newCertificate', 'valid'],
    );
    assert.deepEqual(renewed.notifications, []);
    assert.equal(renewed.base?.pendingReplaced, undefined);
    // The very instant the old one enters the window counts as within it (notAfter − now ≤ D days).
    const atEdge = decide(input(NEW, '2029-12-02T00:00:00Z', afterOld()));
    assert.deepEqual(atEdge.notifications, []);
    const justBefore = decide(input(NEW, '2029-12-01T23:59:59Z', afterOld()));
    assert.equal((justBefore.notifications[0] as NotificationV2 | undefined)?.daysEarly, 0);
  });

  test('without the setting nothing changes: the same logs, notifications and state as before', () => {
    const off = decide(input(NEW, '2026-06-10T12:00:00Z', afterOld(), { replaced: false }));
    const unset = decide({ ...input(NEW, '2026-06-10T12:00:00Z', afterOld()), replaced: undefined });
    for (const decision of [off, unset]) {
      assert.deepEqual(
        decision.logs.map((l) => l.key),
        ['newCertificate', 'valid'],
      );
      assert.deepEqual(decision.notifications, []);
      assert.equal(decision.base?.pendingReplaced, undefined);
    }
  });

  test('kept pending until delivered, under the same id, and sent after the clear that is due', () => {
    // The old certificate alerted (D = 1500 makes it expiring), then was replaced early for D = 30.
    const wide = { settings: { thresholdDays: 1500, repeatHours: 24 } };
    const raised = decide(input(OLD, '2026-06-01T00:00:00Z', undefined, wide));
    const alerting = settle(raised, deliveredAll(raised.notifications.map((n) => n.id))) as ApplianceState;
    assert.equal(alerting.alertActive, true);
    const first = decide(input(NEW, '2026-06-10T00:00:00Z', alerting));
    assert.deepEqual(
      first.notifications.map((n) => n.event),
      ['renewed', 'replaced'],
    );
    // Nothing delivered: both are pending, the replacement line is not repeated, the id is the same.
    const failed = settle(first, new Map()) as ApplianceState;
    assert.ok(failed.pendingReplaced);
    const second = decide(input(NEW, '2026-06-11T00:00:00Z', failed));
    assert.deepEqual(
      second.notifications.map((n) => n.id),
      first.notifications.map((n) => n.id),
    );
    assert.ok(!second.logs.some((l) => l.key === 'replaced'));
    // The clear arrives, the replacement does not: only the replacement is still pending.
    const cleared = settle(second, deliveredAll([second.notifications[0]?.id ?? ''])) as ApplianceState;
    assert.equal(cleared.pendingClear, undefined);
    const third = decide(input(NEW, '2026-06-12T00:00:00Z', cleared));
    assert.deepEqual(
      third.notifications.map((n) => n.event),
      ['replaced'],
    );
    const done = settle(third, deliveredAll([third.notifications[0]?.id ?? '']));
    assert.deepEqual(decide(input(NEW, '2026-06-13T00:00:00Z', done)).notifications, []);
  });

  test('the id derives from the appliance, the certificate name and the new fingerprint only', () => {
    const a = decide(input(NEW, '2026-06-10T00:00:00Z', afterOld()));
    const b = decide(input(NEW, '2027-02-01T00:00:00Z', afterOld()));
    assert.equal(a.notifications[0]?.id, b.notifications[0]?.id);
    assert.equal(
      replacedId({ appliance: 'hsm01', address: '0.0.0.0', certificate: 'web' }, NEW.fingerprintSha256),
      'hsm01:web:BBBBBBBB:replaced',
    );
    const named = decide(input(NEW, '2026-06-10T00:00:00Z', afterOld({ certificate: 'web' }), { certificate: 'web' }));
    const n = named.notifications[0] as NotificationV2;
    assert.equal(n.id, 'hsm01:web:BBBBBBBB:replaced');
    assert.equal(n.certificate, 'web');
    assert.match(named.logs.find((l) => l.key === 'replaced')?.text ?? '', /^web certificate of hsm01 was replaced /);
  });

  test('a first sight, the same certificate and an unknown stored notAfter are no replacement', () => {
    const now = new Date('2026-06-10T00:00:00Z');
    const settings = { thresholdDays: 30, repeatHours: 24 };
    assert.equal(unplannedReplacement(undefined, NEW, settings, now), undefined);
    const state = afterOld();
    assert.equal(unplannedReplacement(state, OLD, settings, now), undefined);
    const { notAfter: _gone, ...withoutDate } = state;
    assert.equal(unplannedReplacement(withoutDate, NEW, settings, now), undefined);
  });

  test('a stored pending replacement survives the round trip; a malformed one is dropped, never the record', () => {
    const decision = decide(input(NEW, '2026-06-10T00:00:00Z', afterOld()));
    const stored = JSON.parse(JSON.stringify(settle(decision, new Map()))) as ApplianceState;
    assert.deepEqual(normalizeState(stored), stored);
    const bad = { ...stored, pendingReplaced: { fingerprint: 'x', previous: 'y', daysEarly: -1, detectedAt: 'never' } };
    const normal = normalizeState(bad as ApplianceState);
    assert.equal(normal.pendingReplaced, undefined);
    assert.equal(normal.fingerprint, NEW.fingerprintSha256);
    assert.equal(usablePendingReplaced('text'), undefined);
  });
});

test('with a threshold percent, a replacement inside the percent window is a renewal (the stored notBefore tells it)', () => {
  const settings = { thresholdDays: 30, repeatHours: 24, thresholdPercent: 50 };
  const state = {
    ...afterOld(),
    view: {
      status: 'valid' as const,
      thresholdDays: 30,
      notBefore: '2026-01-01T00:00:00.000Z',
      notAfter: '2030-01-01T00:00:00.000Z',
      fingerprintSha256: OLD.fingerprintSha256,
    },
  };
  // Half of 2026-01-01..2030-01-01 is 2028-01-01: replaced after it, it is a renewal; before it, early.
  const now = new Date('2028-06-01T00:00:00Z');
  assert.equal(unplannedReplacement(state, NEW, settings, now), undefined);
  assert.equal(unplannedReplacement(state, NEW, { thresholdDays: 30, repeatHours: 24 }, now)?.daysEarly, 549);
  const early = unplannedReplacement(state, NEW, settings, new Date('2027-06-01T00:00:00Z'));
  assert.equal(early?.daysEarly, 214);
});

describe('replaced certificates while a chain certificate decides the status', () => {
  const I = certificate('CC', '2026-08-01T00:00:00Z');
  const policy = { ...DEFAULT_FINDING_POLICY, set: true, replaced: true };
  /** The input for `leaf` presented with the intermediate I that expires first, which then decides. */
  function underI(leaf: Certificate, now: string, previous: ApplianceState | undefined) {
    return input(I, now, previous, {
      leafFingerprint: leaf.fingerprintSha256,
      findingAlerts: { findings: [], certificate: leaf },
      findingPolicy: policy,
    });
  }
  const L1 = certificate('11', '2030-01-01T00:00:00Z');
  const L2 = certificate('22', '2031-01-01T00:00:00Z');
  const stateUnderI = () => settle(decide(underI(L1, '2026-06-01T00:00:00Z', undefined)), new Map()) as ApplianceState;

  test('a leaf re-issued under the same intermediate is a replacement of the old leaf, judged by its own dates', () => {
    const decision = decide(underI(L2, '2026-06-10T12:00:00Z', stateUnderI()));
    assert.deepEqual(decision.logs.map((l) => l.key).slice(0, 2), ['newCertificate', 'replaced']);
    const [n] = decision.notifications as NotificationV2[];
    assert.equal(n?.event, 'replaced');
    assert.equal(n?.id, 'hsm01:22222222:replaced');
    assert.equal(n?.previousFingerprintSha256, L1.fingerprintSha256);
    assert.equal(n?.fingerprintSha256, L2.fingerprintSha256);
    // L1's threshold (2029-12-02), not I's: 1270 whole days early; the new leaf's notAfter.
    assert.equal(n?.daysEarly, 1270);
    assert.equal(n?.notAfter, '2031-01-01T00:00:00.000Z');
  });

  test('a self-signed leaf after one under the intermediate names the old leaf and its threshold', () => {
    const L3 = certificate('33', '2031-01-01T00:00:00Z');
    const alone = input(L3, '2026-06-10T12:00:00Z', stateUnderI(), {
      findingAlerts: { findings: [], certificate: L3 },
      findingPolicy: policy,
    });
    const [n] = decide(alone).notifications.filter((x) => x.event === 'replaced') as NotificationV2[];
    assert.equal(n?.previousFingerprintSha256, L1.fingerprintSha256);
    assert.equal(n?.daysEarly, 1270);
  });

  test('the leaf and its validity are kept in the state while the intermediate decides, and survive a round trip', () => {
    const state = stateUnderI();
    assert.equal(state.fingerprint, I.fingerprintSha256);
    assert.equal(state.leafFingerprint, L1.fingerprintSha256);
    assert.equal(state.leafNotAfter, '2030-01-01T00:00:00.000Z');
    assert.equal(state.leafNotBefore, '2026-01-01T00:00:00.000Z');
    assert.deepEqual(normalizeState(JSON.parse(JSON.stringify(state))), state);
  });
});
