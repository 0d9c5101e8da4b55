/**
 * An ECDSA signature as a certificate carries it (DER `SEQUENCE { r INTEGER, s INTEGER }`) converted to
 * what WebCrypto verifies: raw r‖s, each left-padded to the curve's size (docs/clients.md, How trust is
 * decided). Handing WebCrypto the DER makes it answer false, which would read as "not trusted".
 */
import { expectTlv, TAG } from './derReader.ts';
import { InvalidCertificateError } from './errors.ts';

/** Copies one unsigned INTEGER's magnitude into `out` at `at`, right-aligned in `size` bytes. */
function placeInteger(der: Uint8Array, offset: number, end: number, out: Uint8Array, at: number, size: number): void {
  let start = offset;
  while (start < end - 1 && der[start] === 0) start++;
  const length = end - start;
  if (length > size) throw new InvalidCertificateError('ECDSA signature too long for its curve');
  out.set(der.subarray(start, end), at + size - length);
}

/** Raw r‖s for a curve whose field elements take `size` bytes (32 for P-256, 48 for P-384, 66 for P-521). */
export function ecdsaRawSignature(der: Uint8Array, size: number): Uint8Array {
  const seq = expectTlv(der, 0, der.length, TAG.SEQUENCE, 'ECDSA signature');
  const r = expectTlv(der, seq.offset, seq.end, TAG.INTEGER, 'ECDSA r');
  const s = expectTlv(der, r.end, seq.end, TAG.INTEGER, 'ECDSA s');
  const raw = new Uint8Array(size * 2);
  placeInteger(der, r.offset, r.end, raw, 0, size);
  placeInteger(der, s.offset, s.end, raw, size, size);
  return raw;
}
