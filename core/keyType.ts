/** The public key's type and size, from a SubjectPublicKeyInfo, as shown to operators. */
import { decodeOid, expectTlv, readTlv, TAG, type Tlv } from './derReader.ts';
import { InvalidCertificateError } from './errors.ts';

const CURVES: Readonly<Record<string, string>> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
  '1.3.132.0.10': 'secp256k1',
  '1.2.840.10045.3.1.1': 'P-192',
  '1.3.132.0.33': 'P-224',
  '1.3.36.3.3.2.8.1.1.7': 'brainpoolP256r1',
  '1.3.36.3.3.2.8.1.1.11': 'brainpoolP384r1',
  '1.3.36.3.3.2.8.1.1.13': 'brainpoolP512r1',
};

/** Bit length of an unsigned big-endian INTEGER's contents (leading zero bytes ignored). */
function integerBits(der: Uint8Array, tlv: Tlv): number {
  let i = tlv.offset;
  while (i < tlv.end && der[i] === 0) i++;
  if (i === tlv.end) return 0;
  return (tlv.end - i) * 8 - (Math.clz32(der[i] as number) - 24);
}

/** Bits of the first INTEGER inside a DER SEQUENCE starting at `pos` (RSA modulus, DSA p). */
function firstIntegerBits(der: Uint8Array, pos: number, limit: number): number {
  const seq = expectTlv(der, pos, limit, TAG.SEQUENCE, 'public key');
  return integerBits(der, expectTlv(der, seq.offset, seq.end, TAG.INTEGER, 'public key'));
}

/** Reads a size from the key itself; a malformed key keeps its family name rather than failing the certificate. */
function sized(family: string, read: () => number): string {
  try {
    return `${family}-${read()}`;
  } catch (error) {
    if (error instanceof InvalidCertificateError) return family;
    throw error;
  }
}

/**
 * Describes the key of the SubjectPublicKeyInfo `spki`: `RSA-2048`, `EC P-256`, `EC P-384`, `EC P-521`,
 * `Ed25519`, `Ed448`, … or `unknown (OID)`. Throws InvalidCertificateError when the SPKI's outer shape is broken.
 */
export function describeKey(der: Uint8Array, spki: Tlv): string {
  const algorithm = expectTlv(der, spki.offset, spki.end, TAG.SEQUENCE, 'public key algorithm');
  const key = expectTlv(der, algorithm.end, spki.end, TAG.BIT_STRING, 'public key');
  const oidTlv = expectTlv(der, algorithm.offset, algorithm.end, TAG.OID, 'public key algorithm');
  const oid = decodeOid(der, oidTlv.offset, oidTlv.end);
  // BIT STRING contents start with the count of unused bits.
  const keyStart = key.offset + 1;
  switch (oid) {
    case '1.2.840.113549.1.1.1':
      return sized('RSA', () => firstIntegerBits(der, keyStart, key.end));
    case '1.2.840.113549.1.1.10':
      return sized('RSA-PSS', () => firstIntegerBits(der, keyStart, key.end));
    case '1.2.840.10040.4.1':
      return sized('DSA', () => {
        const params = readTlv(der, oidTlv.end, algorithm.end);
        return firstIntegerBits(der, params.start, algorithm.end);
      });
    case '1.2.840.10045.2.1': {
      if (oidTlv.end >= algorithm.end) return 'EC';
      const params = readTlv(der, oidTlv.end, algorithm.end);
      if (params.tag !== TAG.OID) return 'EC (explicit parameters)';
      const curve = decodeOid(der, params.offset, params.end);
      return `EC ${CURVES[curve] ?? curve}`;
    }
    case '1.3.101.112':
      return 'Ed25519';
    case '1.3.101.113':
      return 'Ed448';
    case '1.3.101.110':
      return 'X25519';
    case '1.3.101.111':
      return 'X448';
    default:
      return `unknown (${oid})`;
  }
}
