import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applianceStateProblem } from '../../core/applianceStateProblem.ts';
import {
  CACHE_FORMAT,
  cacheCertificate,
  cachedCertificateProblem,
  certificateFromCache,
  usableCache,
} from '../../core/certificateCache.ts';
import { normalizeState } from '../../core/normalizeState.ts';
import type { CachedCertificate, Certificate } from '../../core/types.ts';

const certificate: Certificate = {
  der: new Uint8Array([1, 2, 3]),
  notBefore: new Date('2025-11-24T12:00:00Z'),
  notAfter: new Date('2026-12-04T12:00:00Z'),
  subject: 'C=DE, O=Example, CN=hsm01',
  issuer: 'C=DE, O=Example, CN=Example CA',
  serialNumber: '01AB',
  keyType: 'EC P-256',
  fingerprintSha256: Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(
    ':',
  ),
};

function cached(): CachedCertificate {
  const entry = cacheCertificate(certificate, '"etag-1"');
  assert.ok(entry);
  return entry;
}

test('a cached certificate round-trips every field the pipeline reports', () => {
  const back = certificateFromCache(JSON.parse(JSON.stringify(cached())));
  assert.deepEqual({ ...back, der: undefined }, { ...certificate, der: undefined });
  assert.equal(cached().format, CACHE_FORMAT);
  assert.equal(cachedCertificateProblem(cached()), undefined);
});

test('a certificate with a field too long to cache is not cached (it is fetched every run instead)', () => {
  assert.equal(cacheCertificate({ ...certificate, serialNumber: 'AB'.repeat(601) }, '"e"'), undefined);
  assert.equal(cacheCertificate({ ...certificate, keyType: `unknown (${'1.'.repeat(600)}1)` }, '"e"'), undefined);
});

test('a tampered or outdated cache entry is not used', () => {
  const entry = cached();
  assert.match(cachedCertificateProblem({ ...entry, notAfter: 'soon' }) ?? '', /certificate\.notAfter/);
  assert.match(cachedCertificateProblem({ ...entry, fingerprintSha256: 'AB' }) ?? '', /fingerprintSha256/);
  assert.match(cachedCertificateProblem({ ...entry, subject: 5 }) ?? '', /certificate\.subject/);
  assert.match(cachedCertificateProblem({ ...entry, format: CACHE_FORMAT - 1 }) ?? '', /format/);
  assert.equal(usableCache({ ...entry, format: CACHE_FORMAT + 1 }), undefined);
  assert.equal(usableCache({ ...entry, issuer: null } as unknown as CachedCertificate), undefined);
  assert.equal(usableCache(entry), entry);
});

test('a bad cache entry never makes the rest of the state (the alert fields) unreadable', () => {
  const state = {
    version: 1,
    alertActive: true,
    lastAlertAt: '2026-11-24T12:00:00Z',
    certificate: { ...cached(), serialNumber: 'AB'.repeat(601) },
  };
  assert.equal(applianceStateProblem(state), undefined);
});

test('normalized states with the same cache serialize identically whatever the key order', () => {
  const entry = cached();
  const reordered = Object.fromEntries(Object.entries(entry).reverse()) as unknown as CachedCertificate;
  assert.equal(
    JSON.stringify(normalizeState({ version: 1, alertActive: false, certificate: reordered })),
    JSON.stringify(normalizeState({ version: 1, alertActive: false, certificate: entry })),
  );
});

test('a cache that is not an object (null, a string) is dropped without touching the alert fields', async () => {
  const { decide } = await import('../../core/policy.ts');
  for (const bad of [null, 'x', 5]) {
    const previous = { version: 1, alertActive: true, lastAlertAt: '2026-11-24T12:00:00Z', certificate: bad };
    assert.equal(applianceStateProblem(previous), undefined);
    const normalized = normalizeState(previous as never);
    assert.equal(normalized.certificate, undefined);
    assert.equal(normalized.alertActive, true);
    const now = new Date('2026-11-25T12:00:00Z');
    const decision = decide({
      appliance: 'hsm01',
      address: '0.0.0.0',
      previous: previous as never,
      evaluation: {
        status: 'expiring',
        certificate,
        chain: [],
        secondsRemaining: Math.floor((certificate.notAfter.getTime() - now.getTime()) / 1000),
        daysRemaining: 9,
      },
      settings: { thresholdDays: 30, repeatHours: 24 },
      now,
    });
    assert.ok(decision.logs.some((l) => l.key === 'willExpire'));
  }
});

test('dates in years 0000-0999 round-trip through the cache and the state unchanged, in the four-digit form', async () => {
  const { decide } = await import('../../core/policy.ts');
  for (const [notBefore, notAfter] of [
    ['0001-01-01T00:00:00.000Z', '9998-11-30T00:00:00.000Z'],
    ['0000-01-01T00:00:00.000Z', '0099-12-31T23:59:59.000Z'],
    ['0099-06-15T12:00:00.000Z', '0100-01-01T00:00:00.000Z'],
  ] as const) {
    const old = { ...certificate, notBefore: new Date(notBefore), notAfter: new Date(notAfter) };
    const entry = cacheCertificate(old, '"etag-1"');
    assert.ok(entry, notBefore);
    assert.equal(entry.notBefore, notBefore);
    assert.equal(entry.notAfter, notAfter);
    const back = usableCache(JSON.parse(JSON.stringify(entry)));
    assert.ok(back, notBefore);
    assert.equal(certificateFromCache(back).notBefore.getTime(), old.notBefore.getTime());
    assert.equal(certificateFromCache(back).notAfter.getTime(), old.notAfter.getTime());

    const now = new Date('2026-11-24T12:00:00Z');
    const secondsRemaining = Math.floor((old.notAfter.getTime() - now.getTime()) / 1000);
    const expired = old.notAfter < now;
    const decision = decide({
      appliance: 'hsm01',
      address: '10.0.0.5',
      previous: undefined,
      evaluation: {
        status: expired ? 'expired' : 'valid',
        certificate: old,
        chain: [],
        secondsRemaining,
        daysRemaining: Math.floor(secondsRemaining / 86400),
      },
      settings: { thresholdDays: 30, repeatHours: 24 },
      now,
    });
    const state = JSON.parse(JSON.stringify({ ...decision.base, certificate: entry }));
    assert.equal(state.notAfter, notAfter);
    assert.equal(applianceStateProblem(state), undefined);
    assert.equal(decision.notifications.length, expired ? 1 : 0);
    for (const n of decision.notifications) {
      assert.equal(n.notAfter, notAfter);
      assert.equal(n.notBefore, notBefore);
    }
  }
});

test('the state accepts instants of years 0000-0999 and refuses the six-digit forms', () => {
  const state = (lastAlertAt: string) => ({ version: 1, alertActive: true, lastAlertAt });
  for (const ok of [
    '0001-01-01T00:00:00.000Z',
    '0000-01-01T00:00:00Z',
    '0000-02-29T00:00:00Z',
    '0999-12-31T23:59:59Z',
  ]) {
    assert.equal(applianceStateProblem(state(ok)), undefined, ok);
  }
  for (const bad of ['+000001-01-01T00:00:00.000Z', '-000001-12-31T23:00:00.000Z', '+010000-01-01T00:00:00.000Z']) {
    assert.equal(applianceStateProblem(state(bad)), 'lastAlertAt is not an ISO 8601 instant', bad);
    assert.match(cachedCertificateProblem({ ...cached(), notBefore: bad }) ?? '', /certificate\.notBefore/, bad);
  }
});

test('format 3 keeps what the findings read: signature, SAN entries and chain certificates', async () => {
  const { certificateFileFromCache } = await import('../../core/certificateCache.ts');
  const chain = { ...certificate, subject: 'CN=Intermediate', notAfter: new Date('2026-01-01T00:00:00Z') };
  const full = {
    ...certificate,
    signatureAlgorithm: 'sha1WithRSAEncryption',
    signatureHash: 'sha1',
    subjectAltNames: { dns: ['hsm01.example.com'], ip: ['10.0.0.5'] },
  };
  const entry = cacheCertificate(full, '"e"', [chain]);
  assert.ok(entry);
  const back = certificateFileFromCache(
    JSON.parse(JSON.stringify(normalizeState({ version: 1, alertActive: false, certificate: entry }).certificate)),
  );
  assert.deepEqual({ ...back.certificate, der: undefined }, { ...full, der: undefined });
  assert.deepEqual(
    back.chain.map((c) => [c.subject, c.notAfter.toISOString()]),
    [['CN=Intermediate', '2026-01-01T00:00:00.000Z']],
  );
  assert.match(cachedCertificateProblem({ ...entry, dnsNames: [5] }) ?? '', /dnsNames/);
  assert.match(cachedCertificateProblem({ ...entry, chain: [{ subject: 'x' }] }) ?? '', /chain\[0\]/);
  // A format 2 entry (no findings fields) is read afresh, never taken for a certificate without findings.
  assert.equal(usableCache({ ...entry, format: 2 }), undefined);
});
