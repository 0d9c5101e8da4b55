/**
 * A client certificate's expiry with a critical level (docs/reference.md, Expiry policy): the same rule as
 * an appliance's (core/dueRaise.ts), through decideClient and settleClient; and nothing of it without one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientDecision } from '../../core/clientDecision.ts';
import { decideClient, settleClient } from '../../core/clientPolicy.ts';
import type { ClientState } from '../../core/clientState.ts';
import { evaluateCertificateFile } from '../../core/evaluate.ts';
import type { Certificate, Settings } from '../../core/types.ts';

const A: Certificate = {
  der: new Uint8Array(0),
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2026-12-01T00:00:00Z'),
  subject: 'CN=app01',
  issuer: 'CN=ca',
  serialNumber: '01',
  keyType: 'EC P-256',
  fingerprintSha256: Array.from({ length: 32 }, () => 'AA').join(':'),
};
const B: Certificate = {
  ...A,
  notAfter: new Date('2027-12-01T00:00:00Z'),
  fingerprintSha256: A.fingerprintSha256.replaceAll('AA', 'BB'),
};
const CRITICAL: Settings = { thresholdDays: 30, repeatHours: 24, critical: { days: 7, repeatHours: 6 } };
const PLAIN: Settings = { thresholdDays: 30, repeatHours: 24 };

/** One run at `at`, every notification delivered (or none). */
function run(previous: ClientState | undefined, at: string, settings = CRITICAL, deliver = true, cert = A) {
  const now = new Date(at);
  const evaluation = evaluateCertificateFile({ certificate: cert, chain: [] }, settings.thresholdDays, now, settings);
  const decision = decideClient({
    client: 'app01',
    previous,
    evaluation,
    bundle: { kind: 'ok' },
    trust: [],
    settings,
    now,
  });
  return { decision, state: settleClient(decision, new Set(deliver ? decision.notifications.map((n) => n.id) : [])) };
}

const raises = (d: ClientDecision) => d.notifications.map((n) => ({ event: n.event, severity: n.severity, id: n.id }));
const lineSev = (d: ClientDecision) => d.logs.find((l) => l.key === 'clientWillExpire')?.sev;

describe('a client certificate with a critical level', () => {
  it('warning, then at once on entering critical (inside H), then every critical.repeatHours', () => {
    const first = run(undefined, '2026-11-23T12:00:00Z');
    assert.equal(raises(first.decision).length, 1);
    assert.equal(raises(first.decision)[0]?.severity, 'warning');
    assert.equal(first.state.lastAlertSeverity, 'warning');
    assert.equal(lineSev(first.decision), 'info');

    // 7 days left exactly, 12 hours after the warning: escalated at once, with its own id.
    const escalated = run(first.state, '2026-11-24T00:00:00Z');
    const [raise] = raises(escalated.decision);
    assert.equal(raise?.severity, 'critical');
    assert.equal(raise?.event, 'expiring');
    assert.match(raise?.id ?? '', /:critical$/);
    assert.notEqual(raise?.id, raises(first.decision)[0]?.id);
    assert.equal(lineSev(escalated.decision), 'crit');
    assert.equal(escalated.state.lastAlertSeverity, 'critical');

    assert.deepEqual(raises(run(escalated.state, '2026-11-24T05:59:00Z').decision), []);
    const repeat = run(escalated.state, '2026-11-24T06:00:00Z');
    assert.equal(raises(repeat.decision)[0]?.severity, 'critical');
  });

  it('an undelivered escalation is due again under the same id', () => {
    const first = run(undefined, '2026-11-23T12:00:00Z');
    const failed = run(first.state, '2026-11-24T00:00:00Z', CRITICAL, false);
    assert.equal(failed.state.lastAlertSeverity, 'warning');
    const retried = run(failed.state, '2026-11-24T01:00:00Z');
    assert.equal(raises(retried.decision)[0]?.id, raises(failed.decision)[0]?.id);
  });

  it('a first sight already critical raises critical; a renewal forgets the severity', () => {
    const first = run(undefined, '2026-11-28T00:00:00Z');
    assert.equal(raises(first.decision)[0]?.severity, 'critical');
    const renewed = run(first.state, '2026-11-28T01:00:00Z', CRITICAL, true, B);
    assert.deepEqual(
      renewed.decision.notifications.map((n) => n.event),
      ['renewed'],
    );
    assert.equal(renewed.state.lastAlertSeverity, undefined);
  });

  it('without a critical level: no severity, no escalation inside H, ids as before', () => {
    const first = run(undefined, '2026-11-23T12:00:00Z', PLAIN);
    assert.equal(raises(first.decision)[0]?.severity, undefined);
    assert.doesNotMatch(raises(first.decision)[0]?.id ?? '', /critical/);
    assert.equal(first.state.lastAlertSeverity, undefined);
    assert.deepEqual(raises(run(first.state, '2026-11-24T00:00:00Z', PLAIN).decision), []);
    assert.equal(lineSev(run(first.state, '2026-11-28T00:00:00Z', PLAIN).decision), 'info');
  });
});
