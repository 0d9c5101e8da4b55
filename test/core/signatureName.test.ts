import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readCertificateFile } from '../../core/readCertificateFile.ts';

test('RSASSA-PSS is named rsassaPss with the hash of its parameters, as openssl x509 -text prints them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'certmonitor-pss-'));
  try {
    const pem = join(dir, 'pss.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        pem,
        '-days',
        '2',
        '-subj',
        '/CN=pss',
        '-sha384',
        '-sigopt',
        'rsa_padding_mode:pss',
      ],
      { stdio: 'ignore' },
    );
    const text = execFileSync('openssl', ['x509', '-in', pem, '-text', '-noout'], { encoding: 'utf8' });
    const { certificate } = readCertificateFile(new Uint8Array(readFileSync(pem)));
    assert.equal(certificate.signatureAlgorithm, /Signature Algorithm: (\S+)/.exec(text)?.[1]);
    assert.equal(certificate.signatureHash, /Hash Algorithm: (\S+)/.exec(text)?.[1]);
    assert.equal(certificate.signatureHash, 'sha384');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the fixtures name their signature algorithms as OpenSSL does (EdDSA has no separate hash)', () => {
  const read = (name: string) =>
    readCertificateFile(new Uint8Array(readFileSync(new URL(`../fixtures/certs/${name}`, import.meta.url))))
      .certificate;
  assert.equal(read('ed25519.pem').signatureAlgorithm, 'ED25519');
  assert.equal(read('ed25519.pem').signatureHash, '');
  assert.equal(read('ed448.pem').signatureAlgorithm, 'ED448');
  assert.equal(read('rsa2048.pem').signatureAlgorithm, 'sha256WithRSAEncryption');
});
