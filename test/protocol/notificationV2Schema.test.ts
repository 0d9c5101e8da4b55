import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateNotificationBatchV2 } from '../../protocol/notificationV2Schema.ts';

const FP = Array.from({ length: 32 }, () => 'EF').join(':');
const base = { id: 'n1', observedAt: '2026-11-24T12:00:00Z' };
const appliance = { appliance: 'hsm01', address: '10.0.0.5' };

function check(n: Record<string, unknown>) {
  return validateNotificationBatchV2(JSON.stringify({ notifications: [n] }));
}
function message(n: Record<string, unknown>): string {
  const r = check(n);
  assert.equal(r.ok, false);
  return r.ok ? '' : r.message;
}

describe('validateNotificationBatchV2', () => {
  it('takes every kind: a named certificate, a client, trust, a replacement, a finding, an NTLS one with severity', () => {
    const ok = [
      { ...base, ...appliance, certificate: 'web', event: 'expiring', notAfter: '2027-01-01T00:00:00Z' },
      { ...base, client: 'app01', event: 'expired', severity: 'critical' },
      { ...base, ...appliance, client: 'app01', event: 'untrusted', assert: false, fingerprintSha256: FP },
      { ...base, ...appliance, client: 'app01', event: 'unverifiable', reason: 'Ed448' },
      { ...base, ...appliance, event: 'replaced', previousFingerprintSha256: FP, fingerprintSha256: FP, daysEarly: 40 },
      { ...base, ...appliance, event: 'finding', finding: 'weak_key', detail: 'RSA-1024', findings: ['weak_key'] },
      { ...base, ...appliance, event: 'expiring', severity: 'warning' },
    ];
    for (const n of ok) assert.equal(check(n).ok, true, JSON.stringify(n));
  });

  it('names the field of a broken subject and never quotes a value', () => {
    assert.equal(
      message({ ...base, event: 'expiring' }),
      'notifications[0].appliance: an appliance or a client is required',
    );
    assert.equal(
      message({ ...base, appliance: 'hsm01', event: 'expiring' }),
      'notifications[0].address: required with appliance',
    );
    assert.equal(
      message({ ...base, address: '10.0.0.5', client: 'c', event: 'expiring' }),
      'notifications[0].appliance: required with address',
    );
    assert.equal(
      message({ ...base, ...appliance, event: 'untrusted' }),
      'notifications[0].client: required with event untrusted',
    );
    assert.equal(
      message({ ...base, client: 'app01', event: 'unverifiable' }),
      'notifications[0].appliance: required with event unverifiable',
    );
    assert.equal(
      message({ ...base, ...appliance, client: 'app01', event: 'expiring' }),
      'notifications[0].client: only with event untrusted or unverifiable beside an appliance',
    );
    assert.equal(
      message({ ...base, client: 'app01', certificate: 'web', event: 'expiring' }),
      'notifications[0].certificate: names a certificate of an appliance',
    );
    assert.equal(
      message({ ...base, ...appliance, event: 'finding' }),
      'notifications[0].finding: required with event finding',
    );
    assert.equal(
      message({ ...base, ...appliance, event: 'replaced' }),
      'notifications[0].previousFingerprintSha256: required with event replaced',
    );
  });

  it('checks each field: certificate names, finding names, severity, client names', () => {
    for (const certificate of ['ntls', 'server', 'Web', '1web', 'x'.repeat(33)]) {
      assert.match(
        message({ ...base, ...appliance, certificate, event: 'expiring' }),
        /^notifications\[0\]\.certificate: /,
      );
    }
    const secret = 'sekret-value<script>';
    for (const [field, value] of [
      ['finding', secret],
      ['severity', secret],
      ['client', secret],
      ['event', secret],
      ['previousFingerprintSha256', secret],
    ] as const) {
      const m = message({ ...base, ...appliance, event: 'finding', finding: 'weak_key', [field]: value });
      assert.ok(m.startsWith(`notifications[0].${field}: `), m);
      assert.ok(!m.includes('sekret'), m);
    }
    assert.match(
      message({ ...base, ...appliance, event: 'finding', finding: 'weak_key', detail: 'x'.repeat(201) }),
      /\.detail: /,
    );
  });

  it('ignores unknown fields of a notification, refuses unknown fields of the batch', () => {
    const r = check({ ...base, ...appliance, event: 'expiring', later: 1 });
    assert.ok(r.ok);
    assert.equal('later' in r.notifications[0]!, false);
    const batch = validateNotificationBatchV2(
      JSON.stringify({ notifications: [{ ...base, ...appliance, event: 'expired' }], extra: 1 }),
    );
    assert.deepEqual(batch.ok ? '' : batch.message, 'extra: unknown field');
  });
});
