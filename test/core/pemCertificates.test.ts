import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { looksLikePem, pemCertificates } from '../../core/pemCertificates.ts';
import { bytes, pem } from '../fixtures/certs/buildDer.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const body = bytes(0x30, 0x03, 0x02, 0x01, 0x07);

describe('pemCertificates', () => {
  it('decodes CERTIFICATE, TRUSTED CERTIFICATE and X509 CERTIFICATE blocks in order, skipping others', () => {
    const input = text(
      `junk\n${pem(bytes(1), 'PRIVATE KEY')}${pem(body)}${pem(bytes(2), 'TRUSTED CERTIFICATE')}${pem(bytes(3), 'X509 CERTIFICATE')}${pem(bytes(4), 'CERTIFICATE REQUEST')}`,
    );
    assert.deepEqual(
      pemCertificates(input).map((b) => [...b]),
      [[...body], [2], [3]],
    );
  });

  it('ignores whitespace and CRLF inside a block and accepts padding', () => {
    const crlf = text(pem(bytes(1, 2, 3, 4), 'CERTIFICATE', '\r\n').replace('AQIDBA==', ' AQ ID\tBA = = '));
    assert.deepEqual([...(pemCertificates(crlf)[0] ?? [])], [1, 2, 3, 4]);
  });

  it('skips a damaged later block but not a damaged first one', () => {
    const bad = '-----BEGIN CERTIFICATE-----\n%%%\n-----END CERTIFICATE-----\n';
    assert.equal(pemCertificates(text(pem(body) + bad)).length, 1);
    assert.throws(() => pemCertificates(text(bad + pem(body))), /invalid base64 in PEM certificate 1/);
    assert.throws(() => pemCertificates(text('-----BEGIN CERTIFICATE-----\nAAAA')), /no END line/);
  });

  it('refuses data after padding and lower-case or overlong labels', () => {
    assert.throws(
      () => pemCertificates(text('-----BEGIN CERTIFICATE-----\nAA==AA\n-----END CERTIFICATE-----')),
      /invalid base64/,
    );
    assert.throws(() => pemCertificates(text(pem(body, 'certificate'))), /not a PEM or DER certificate/);
    assert.throws(() => pemCertificates(text(`-----BEGIN ${'A'.repeat(100)}-----`)), /not a PEM or DER/);
  });

  it('looksLikePem finds BEGIN or END lines', () => {
    assert.equal(looksLikePem(text(pem(body))), true);
    assert.equal(looksLikePem(body), false);
  });
});
