import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readTlv } from '../../core/derReader.ts';
import { describeKey } from '../../core/keyType.ts';
import { bytes, concat, integer, oid, seq, tlv } from '../fixtures/certs/buildDer.ts';

const describe_ = (spki: Uint8Array): string => describeKey(spki, readTlv(spki, 0, spki.length));
const bitString = (content: Uint8Array): Uint8Array => tlv(0x03, concat(bytes(0), content));
const modulus = (bits: number): Uint8Array => {
  const n = new Uint8Array(bits / 8 + 1);
  n[1] = 0x80;
  return tlv(0x02, n);
};

describe('describeKey', () => {
  it('sizes RSA and RSA-PSS keys from the modulus', () => {
    const key = bitString(seq(modulus(3072), integer(1, 0, 1)));
    assert.equal(describe_(seq(seq(oid('1.2.840.113549.1.1.1'), tlv(0x05, bytes())), key)), 'RSA-3072');
    assert.equal(describe_(seq(seq(oid('1.2.840.113549.1.1.10')), key)), 'RSA-PSS-3072');
  });

  it('sizes DSA keys from p', () => {
    const params = seq(modulus(2048), integer(1), integer(2));
    assert.equal(describe_(seq(seq(oid('1.2.840.10040.4.1'), params), bitString(integer(1)))), 'DSA-2048');
  });

  it('names EC curves, known or not', () => {
    const point = bitString(new Uint8Array(65));
    assert.equal(describe_(seq(seq(oid('1.2.840.10045.2.1'), oid('1.3.132.0.10')), point)), 'EC secp256k1');
    assert.equal(describe_(seq(seq(oid('1.2.840.10045.2.1'), oid('1.2.3.4')), point)), 'EC 1.2.3.4');
    assert.equal(describe_(seq(seq(oid('1.2.840.10045.2.1'), seq()), point)), 'EC (explicit parameters)');
  });

  it('keeps the family of a malformed RSA key and names unknown algorithms by OID', () => {
    assert.equal(describe_(seq(seq(oid('1.2.840.113549.1.1.1')), bitString(bytes(1, 2, 3)))), 'RSA');
    assert.equal(describe_(seq(seq(oid('1.2.3.4.5')), bitString(bytes()))), 'unknown (1.2.3.4.5)');
  });

  it('refuses a SubjectPublicKeyInfo without a key', () => {
    assert.throws(() => describe_(seq(seq(oid('1.3.101.112')))), /missing public key/);
  });
});
