import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applianceStateProblem } from '../../core/applianceStateProblem.ts';
import { cacheCertificate, cachedCertificateProblem, certificateFromCache } from '../../core/certificateCache.ts';
import { normalizeState } from '../../core/policy.ts';
import type { Certificate } from '../../core/types.ts';

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

test('a cached certificate round-trips every field the pipeline reports', () => {
  const cached = cacheCertificate(certificate, '"etag-1"');
  const back = certificateFromCache(JSON.parse(JSON.stringify(cached)));
  assert.deepEqual({ ...back, der: undefined }, { ...certificate, der: undefined });
  assert.equal(cachedCertificateProblem(cached), undefined);
});

test('a tampered cache entry makes the stored state unreadable (so it is re-read, never trusted)', () => {
  const cached = cacheCertificate(certificate, '"etag-1"');
  assert.match(cachedCertificateProblem({ ...cached, notAfter: 'soon' }) ?? '', /certificate\.notAfter/);
  assert.match(cachedCertificateProblem({ ...cached, fingerprintSha256: 'AB' }) ?? '', /fingerprintSha256/);
  assert.match(cachedCertificateProblem({ ...cached, subject: 5 }) ?? '', /certificate\.subject/);
  assert.match(
    applianceStateProblem({ version: 1, alertActive: false, certificate: { ...cached, issuer: null } }) ?? '',
    /certificate\.issuer/,
  );
  assert.equal(applianceStateProblem({ version: 1, alertActive: false, certificate: cached }), undefined);
});

test('normalized states with the same cache serialize identically whatever the key order', () => {
  const cached = cacheCertificate(certificate, '"etag-1"');
  const reordered = Object.fromEntries(Object.entries(cached).reverse()) as typeof cached;
  assert.equal(
    JSON.stringify(normalizeState({ version: 1, alertActive: false, certificate: reordered })),
    JSON.stringify(normalizeState({ version: 1, alertActive: false, certificate: cached })),
  );
});
