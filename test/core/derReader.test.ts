import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeOid, expectTlv, readTlv } from '../../core/derReader.ts';
import { InvalidCertificateError } from '../../core/errors.ts';
import { bytes, oid } from '../fixtures/certs/buildDer.ts';

describe('readTlv', () => {
  it('reads short and long lengths', () => {
    assert.deepEqual(readTlv(bytes(0x04, 0x01, 0xaa), 0, 3), { tag: 4, start: 0, offset: 2, end: 3 });
    const long = new Uint8Array(4 + 300);
    long.set([0x04, 0x82, 0x01, 0x2c]);
    assert.deepEqual(readTlv(long, 0, long.length), { tag: 4, start: 0, offset: 4, end: 304 });
  });

  it('refuses what DER does not allow or what overruns its container', () => {
    assert.throws(() => readTlv(bytes(0x1f, 0x81, 0x00), 0, 3), /unsupported DER tag at offset 0/);
    assert.throws(() => readTlv(bytes(0x30, 0x80), 0, 2), /indefinite DER length/);
    assert.throws(() => readTlv(bytes(0x30, 0x85, 1, 1, 1, 1, 1), 0, 7), /DER length too large/);
    assert.throws(() => readTlv(bytes(0x30, 0x82, 0x01), 0, 3), /truncated DER at offset 0/);
    assert.throws(() => readTlv(bytes(0x30, 0x02, 0x00, 0x00), 0, 3), /truncated DER at offset 0/);
    assert.throws(() => readTlv(bytes(0x30), 0, 1), InvalidCertificateError);
  });

  it('expectTlv names the field', () => {
    assert.throws(
      () => expectTlv(bytes(0x02, 0x00), 0, 2, 0x30, 'issuer'),
      /unexpected DER tag for issuer at offset 0/,
    );
    assert.throws(() => expectTlv(bytes(), 0, 0, 0x30, 'issuer'), /missing issuer at offset 0/);
  });
});

describe('decodeOid', () => {
  it('round-trips dotted OIDs with multi-byte arcs', () => {
    for (const dotted of [
      '1.2.840.113549.1.1.1',
      '2.5.4.3',
      '1.3.6.1.4.1.311.60.2.1.3',
      '2.999.1',
      '0.9.2342.19200300.100.1.25',
    ]) {
      const der = oid(dotted);
      assert.equal(decodeOid(der, 2, der.length), dotted);
    }
  });

  it('refuses empty, unterminated or oversized OIDs', () => {
    assert.throws(() => decodeOid(bytes(), 0, 0), /bad object identifier/);
    assert.throws(() => decodeOid(bytes(0x2a, 0x86), 0, 2), /bad object identifier/);
    assert.throws(() => decodeOid(new Uint8Array(12).fill(0xff), 0, 12), /bad object identifier/);
  });
});
