/**
 * A named certificate's expiry notification that a trap host missed is owed to it and retried, as the NTLS
 * certificate's is (docs/reference.md, Named certificates; docs/design.md, Alert policy); a replacement is not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateCertificateFile } from '../../core/evaluate.ts';
import { normalizeState } from '../../core/normalizeState.ts';
import { decide, settle } from '../../core/policy.ts';
import type { ApplianceState, Certificate, Settings } from '../../core/types.ts';

const WEB: Certificate = {
  der: new Uint8Array(0),
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2026-12-01T00:00:00Z'),
  subject: 'CN=hsm01.example.net',
  issuer: 'CN=ca',
  serialNumber: '01',
  keyType: 'RSA-2048',
  fingerprintSha256: Array.from({ length: 32 }, () => 'AA').join(':'),
};
const SETTINGS: Settings = { thresholdDays: 30, repeatHours: 24 };

function decideWeb(previous: ApplianceState | undefined, at: string, cert = WEB, replaced = false) {
  const now = new Date(at);
  const evaluation = evaluateCertificateFile({ certificate: cert, chain: [] }, 30, now, SETTINGS);
  return decide({
    appliance: 'hsm01',
    address: '10.0.0.5',
    certificate: 'web',
    previous,
    evaluation,
    settings: SETTINGS,
    now,
    replaced,
  });
}

/** The state as stored and read back (JSON, then the canonical form every record read takes). */
const stored = (state: ApplianceState | undefined) => normalizeState(JSON.parse(JSON.stringify(state)));

describe('owed deliveries of a named certificate', () => {
  it('a raise one trap host missed is owed to it, retried with the same id and content until it has it', () => {
    const first = decideWeb(undefined, '2026-11-20T00:00:00Z');
    const raise = first.notifications[0]!;
    assert.equal(raise.event, 'expiring');
    const state = stored(settle(first, new Map([[raise.id, { failedHosts: ['nms2'] }]])));
    assert.equal(state.alertActive, true, 'delivered to one host: the policy moves on');
    assert.deepEqual(state.owed?.[0]?.hosts, ['nms2']);

    const next = decideWeb(state, '2026-11-20T01:00:00Z');
    assert.deepEqual(next.notifications, [], 'nothing new is due inside H');
    assert.equal(next.retries.length, 1);
    assert.equal(next.retries[0]?.id, raise.id);
    assert.equal(next.retries[0]?.certificate, 'web', 'retried as the web certificate, never as the NTLS one');
    assert.deepEqual(
      Object.fromEntries(Object.entries(next.retries[0]!).sort()),
      Object.fromEntries(Object.entries(raise).sort()),
    );

    const done = stored(settle(next, new Map([[raise.id, { failedHosts: [] }]])));
    assert.equal(done.owed, undefined);
  });

  it('a replacement that a host missed is not owed', () => {
    const first = decideWeb(undefined, '2026-01-10T00:00:00Z', { ...WEB, notAfter: new Date('2028-01-01T00:00:00Z') });
    const seen = stored(settle(first, new Map()));
    const regenerated = {
      ...WEB,
      notAfter: new Date('2036-01-01T00:00:00Z'),
      fingerprintSha256: WEB.fingerprintSha256.replaceAll('AA', 'BB'),
    };
    const replaced = decideWeb(seen, '2026-01-11T00:00:00Z', regenerated, true);
    const notification = replaced.notifications.find((n) => n.event === 'replaced');
    assert.ok(notification, 'a replaced notification is due');
    const state = settle(replaced, new Map([[notification.id, { failedHosts: ['nms2'] }]]));
    assert.equal(state?.owed, undefined);
  });

  it('a stored owed entry with a malformed certificate name is dropped, the rest of the state kept', () => {
    const first = decideWeb(undefined, '2026-11-20T00:00:00Z');
    const state = settle(first, new Map([[first.notifications[0]!.id, { failedHosts: ['nms2'] }]]))!;
    const bad = JSON.parse(JSON.stringify(state));
    bad.owed[0].notification.certificate = 'NTLS ../x';
    const read = normalizeState(bad);
    assert.equal(read.owed, undefined);
    assert.equal(read.alertActive, true);
  });
});
