import assert from 'node:assert/strict';
import { test } from 'node:test';
import { certificateLine } from '../../core/certificateLine.ts';
import { decide } from '../../core/policy.ts';
import type { Certificate } from '../../core/types.ts';
import type { NotificationV2 } from '../../protocol/notificationV2.ts';

test('the NTLS certificate keeps Luna lines; a named one gets the certificate lines naming it and its appliance', () => {
  const params = { notAfter: 'Jul 26 16:32:48 2027 GMT' };
  assert.equal(
    certificateLine('willExpire', params, 'hsm01', undefined).text,
    'NTLS certificate will be expire on Jul 26 16:32:48 2027 GMT',
  );
  const named = certificateLine('willExpire', params, 'hsm01', 'web');
  assert.equal(named.key, 'certificateWillExpire');
  assert.equal(named.text, 'web certificate of hsm01 will expire on Jul 26 16:32:48 2027 GMT');
  assert.equal(named.appliance, 'hsm01');
  assert.equal(certificateLine('missing', {}, 'hsm01', 'web').text, 'web certificate of hsm01 is missing');
  assert.equal(certificateLine('stateReset', { reason: 'x' }, 'hsm01', 'web').key, 'stateReset');
});

test('a named certificate decides on its own: its lines, its notifications carry the name, its ids include it', () => {
  const cert: Certificate = {
    ...{ der: new Uint8Array(0), subject: 'CN=hsm01', issuer: 'CN=ca', serialNumber: '01', keyType: 'RSA-2048' },
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2026-12-10T00:00:00Z'),
    fingerprintSha256: new Array(32).fill('CD').join(':'),
  };
  const now = new Date('2026-12-01T00:00:00Z');
  const decision = decide({
    appliance: 'hsm01',
    address: '10.0.0.5',
    certificate: 'web',
    previous: undefined,
    evaluation: { status: 'expiring', certificate: cert, secondsRemaining: 777600, daysRemaining: 9 },
    settings: { thresholdDays: 30, repeatHours: 24 },
    now,
  });
  assert.deepEqual(
    decision.logs.map((l) => l.text),
    ['web certificate of hsm01 will expire on Dec 10 00:00:00 2026 GMT'],
  );
  const [n] = decision.notifications as NotificationV2[];
  assert.equal(n?.certificate, 'web');
  assert.equal(n?.event, 'expiring');
  assert.equal(n?.id, 'hsm01:web:CDCDCDCD:expiring:2026-12-01T00:00');
  const missing = decide({
    appliance: 'hsm01',
    address: '10.0.0.5',
    certificate: 'web',
    previous: undefined,
    evaluation: { status: 'missing' },
    settings: { thresholdDays: 30, repeatHours: 24 },
    now,
  });
  assert.equal(missing.logs[0]?.key, 'certificateMissing');
  assert.equal((missing.notifications[0] as NotificationV2).certificate, 'web');
  assert.match(missing.notifications[0]?.id ?? '', /^hsm01:web:missing:/);
});
