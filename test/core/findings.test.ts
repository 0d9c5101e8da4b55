import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { certificateFindings } from '../../core/findings.ts';
import { readCertificateFile } from '../../core/readCertificateFile.ts';
import { DEFAULT_FINDING_POLICY, type FindingPolicy } from '../../core/types.ts';
import { type OpensslCertificates, opensslCertificates } from '../helpers/opensslCertificates.ts';

let certs: OpensslCertificates;
const pems: Record<string, string> = {};

before(() => {
  certs = opensslCertificates();
  pems.rsa1024 = certs.make('rsa1024', { key: 'rsa:1024' });
  pems.sha1 = certs.make('sha1', { digest: '-sha1' });
  pems.long = certs.make('long', { days: 825, key: 'ec:P-256', san: 'DNS:hsm01.example.com' });
  pems.ca = certs.make('ca', { days: 3650, ca: true, key: 'ec:P-384' });
  pems.intermediate = certs.make('intermediate', { issuer: 'ca', days: 30, ca: true, key: 'ec:P-256' });
  pems.leaf = certs.make('leaf', {
    issuer: 'intermediate',
    days: 200,
    key: 'ed25519',
    san: 'DNS:*.example.com,DNS:hsm01.example.net,IP:10.0.0.5,IP:2001:db8::1',
  });
  pems.good = certs.make('good', { key: 'rsa:3072', san: 'DNS:hsm02.example.com', days: 90 });
});
after(() => certs.remove());

const file = (...names: string[]) => readCertificateFile(new TextEncoder().encode(names.map((n) => pems[n]).join('')));
const names = (f: ReturnType<typeof file>, policy: FindingPolicy = DEFAULT_FINDING_POLICY, serverName?: string) =>
  certificateFindings(f, policy, serverName).map((x) => x.finding);

test('key sizes, signature algorithms and SAN entries read as openssl x509 -text prints them', () => {
  for (const name of ['rsa1024', 'sha1', 'long', 'leaf', 'good']) {
    const { certificate } = file(name);
    const text = certs.text(name);
    const algorithm = /Signature Algorithm: (\S+)/.exec(text)?.[1];
    assert.equal(certificate.signatureAlgorithm, algorithm, name);
    const bits = /Public-Key: \((\d+) bit\)/.exec(text)?.[1];
    if (certificate.keyType !== 'Ed25519') assert.ok(certificate.keyType.endsWith(bits ?? 'none'), name);
    const san = /Subject Alternative Name: ?\n\s*(.*)\n/.exec(text)?.[1] ?? '';
    const printed = san
      .split(', ')
      .filter(Boolean)
      .map((entry) => entry.replace('IP Address:', 'IP:'));
    const read = [
      ...(certificate.subjectAltNames?.dns ?? []).map((d) => `DNS:${d}`),
      ...(certificate.subjectAltNames?.ip ?? []).map((i) => `IP:${i}`),
    ];
    assert.deepEqual(read, printed, name);
  }
  assert.equal(file('sha1').certificate.signatureHash, 'sha1');
  assert.equal(file('leaf').certificate.signatureAlgorithm, 'ecdsa-with-SHA256');
  assert.equal(file('intermediate').certificate.signatureAlgorithm, 'ecdsa-with-SHA256');
});

test('an RSA-1024 key is weak_key with its size and the policy minimum; EC P-256 and Ed25519 are not', () => {
  const [weak] = certificateFindings(file('rsa1024'), DEFAULT_FINDING_POLICY, undefined);
  assert.deepEqual(weak, { finding: 'weak_key', detail: 'RSA-1024 (policy minimum 2048 bits)' });
  assert.deepEqual(names(file('good')), []);
  assert.deepEqual(names(file('long')), []);
  assert.deepEqual(names(file('good'), { ...DEFAULT_FINDING_POLICY, minRsaBits: 4096 }), ['weak_key']);
  assert.deepEqual(names(file('long'), { ...DEFAULT_FINDING_POLICY, minEcBits: 384 }), ['weak_key']);
});

test('a SHA-1 signature is weak_signature naming the algorithm, unless the policy allows sha1', () => {
  const found = certificateFindings(file('sha1'), DEFAULT_FINDING_POLICY, undefined);
  assert.deepEqual(found, [{ finding: 'weak_signature', detail: 'sha1WithRSAEncryption' }]);
  assert.deepEqual(names(file('sha1'), { ...DEFAULT_FINDING_POLICY, weakSignatures: ['md5'] }), []);
});

test('an 825-day certificate is validity_too_long only when a maximum is set', () => {
  assert.deepEqual(names(file('long')), []);
  const found = certificateFindings(file('long'), { ...DEFAULT_FINDING_POLICY, maxValidityDays: 398 }, undefined);
  assert.deepEqual(found, [{ finding: 'validity_too_long', detail: '825 days (policy maximum 398)' }]);
  assert.deepEqual(names(file('long'), { ...DEFAULT_FINDING_POLICY, maxValidityDays: 825 }), []);
});

test('name_mismatch compares the serverName with SAN DNS (left-most wildcard), SAN IP and the CN', () => {
  const leaf = file('leaf');
  for (const ok of ['hsm01.example.com', 'HSM01.Example.COM', 'hsm01.example.net', '10.0.0.5', '2001:db8::1', 'leaf']) {
    assert.deepEqual(names(leaf, DEFAULT_FINDING_POLICY, ok), [], ok);
  }
  for (const bad of ['example.com', 'a.b.example.com', 'hsm01.example.org', '10.0.0.6']) {
    assert.deepEqual(names(leaf, DEFAULT_FINDING_POLICY, bad), ['name_mismatch'], bad);
  }
  const [mismatch] = certificateFindings(file('good'), DEFAULT_FINDING_POLICY, 'hsm01.example.com');
  assert.equal(mismatch?.detail, 'hsm01.example.com is not among DNS:hsm02.example.com, CN=good');
  assert.deepEqual(names(file('good')), [], 'no serverName, no name_mismatch');
});

test('a short-lived intermediate in the file is chain_expires_first, naming its CN and notAfter', () => {
  const f = file('leaf', 'intermediate', 'ca');
  const found = certificateFindings(f, DEFAULT_FINDING_POLICY, undefined);
  assert.equal(found.length, 1);
  assert.equal(found[0]?.finding, 'chain_expires_first');
  assert.equal(found[0]?.chainCertificate?.fingerprintSha256, file('intermediate').certificate.fingerprintSha256);
  const notAfter = /Not After : (.*)/.exec(certs.text('intermediate'))?.[1]?.trim();
  assert.equal(found[0]?.detail, `chain certificate intermediate expires ${notAfter}, before the leaf`);
  // Within a day of the leaf (or after it) is no finding.
  assert.deepEqual(names(file('intermediate', 'ca')), []);
});

test('notBefore at or after notAfter is invalid_validity', () => {
  const { certificate } = file('good');
  const broken = { certificate: { ...certificate, notAfter: certificate.notBefore }, chain: [] };
  const found = certificateFindings(broken, { ...DEFAULT_FINDING_POLICY, maxValidityDays: 1 }, undefined);
  assert.deepEqual(
    found.map((f) => f.finding),
    ['invalid_validity'],
  );
  assert.match(found[0]?.detail ?? '', /^notBefore \w{3} [ \d]\d .* GMT is not before notAfter/);
});
