/**
 * A certificate's signature algorithm as `openssl x509 -text` names it, and the hash it signs with
 * (docs/reference.md, Certificate findings): the `weak_signature` finding compares that hash with the
 * policy's `weakSignatures`.
 */
import { decodeOid, readTlv, TAG, type Tlv } from './derReader.ts';
import { InvalidCertificateError } from './errors.ts';

/** OID → [OpenSSL's long name, hash]. The hash is empty for algorithms that have none (EdDSA). */
const ALGORITHMS: Readonly<Record<string, readonly [string, string]>> = {
  '1.2.840.113549.1.1.2': ['md2WithRSAEncryption', 'md2'],
  '1.2.840.113549.1.1.3': ['md4WithRSAEncryption', 'md4'],
  '1.2.840.113549.1.1.4': ['md5WithRSAEncryption', 'md5'],
  '1.2.840.113549.1.1.5': ['sha1WithRSAEncryption', 'sha1'],
  '1.2.840.113549.1.1.11': ['sha256WithRSAEncryption', 'sha256'],
  '1.2.840.113549.1.1.12': ['sha384WithRSAEncryption', 'sha384'],
  '1.2.840.113549.1.1.13': ['sha512WithRSAEncryption', 'sha512'],
  '1.2.840.113549.1.1.14': ['sha224WithRSAEncryption', 'sha224'],
  '1.3.14.3.2.29': ['sha1WithRSA', 'sha1'],
  '1.2.840.10045.4.1': ['ecdsa-with-SHA1', 'sha1'],
  '1.2.840.10045.4.3.1': ['ecdsa-with-SHA224', 'sha224'],
  '1.2.840.10045.4.3.2': ['ecdsa-with-SHA256', 'sha256'],
  '1.2.840.10045.4.3.3': ['ecdsa-with-SHA384', 'sha384'],
  '1.2.840.10045.4.3.4': ['ecdsa-with-SHA512', 'sha512'],
  '1.2.840.10040.4.3': ['dsaWithSHA1', 'sha1'],
  '2.16.840.1.101.3.4.3.1': ['dsa_with_SHA224', 'sha224'],
  '2.16.840.1.101.3.4.3.2': ['dsa_with_SHA256', 'sha256'],
  '2.16.840.1.101.3.4.3.10': ['ecdsa_with_SHA3-256', 'sha3-256'],
  '2.16.840.1.101.3.4.3.11': ['ecdsa_with_SHA3-384', 'sha3-384'],
  '2.16.840.1.101.3.4.3.12': ['ecdsa_with_SHA3-512', 'sha3-512'],
  '2.16.840.1.101.3.4.3.14': ['RSA-SHA3-256', 'sha3-256'],
  '2.16.840.1.101.3.4.3.15': ['RSA-SHA3-384', 'sha3-384'],
  '2.16.840.1.101.3.4.3.16': ['RSA-SHA3-512', 'sha3-512'],
  '1.3.101.112': ['ED25519', ''],
  '1.3.101.113': ['ED448', ''],
};

/** Hash algorithm OIDs as they appear in RSASSA-PSS parameters. */
const HASHES: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.4': 'sha224',
};

const RSASSA_PSS = '1.2.840.113549.1.1.10';

/** Hash names the policy's `weakSignatures` may list. */
export const HASH_NAMES: readonly string[] = [
  'md2',
  'md4',
  'md5',
  'sha1',
  'sha224',
  'sha256',
  'sha384',
  'sha512',
  'sha3-256',
  'sha3-384',
  'sha3-512',
];

/** The hash of RSASSA-PSS parameters: `[0] hashAlgorithm`, SHA-1 when absent (RFC 4055). */
function pssHash(der: Uint8Array, params: number, end: number): string {
  if (params >= end) return 'sha1';
  const seq = readTlv(der, params, end);
  if (seq.tag !== TAG.SEQUENCE || seq.offset >= seq.end) return 'sha1';
  const first = readTlv(der, seq.offset, seq.end);
  if (first.tag !== TAG.CONTEXT_0) return 'sha1';
  const algorithm = readTlv(der, first.offset, first.end);
  const oid = readTlv(der, algorithm.offset, algorithm.end);
  const dotted = decodeOid(der, oid.offset, oid.end);
  return HASHES[dotted] ?? dotted;
}

/** A signature algorithm: OpenSSL's name for it and its hash ('' for EdDSA or an unknown algorithm). */
export interface SignatureName {
  readonly name: string;
  readonly hash: string;
}

/**
 * The signature algorithm of the AlgorithmIdentifier `tlv`: OpenSSL's name (`sha256WithRSAEncryption`,
 * `ecdsa-with-SHA256`, `rsassaPss`, `ED25519`, else the dotted OID) and its hash (for RSASSA-PSS read
 * from the parameters, as `openssl x509 -text` prints it under "Hash Algorithm").
 */
export function describeSignatureAlgorithm(der: Uint8Array, tlv: Tlv): SignatureName {
  // A malformed identifier is named, never a reason to refuse a certificate that is readable for its dates.
  try {
    return readSignatureAlgorithm(der, tlv);
  } catch (error) {
    if (error instanceof InvalidCertificateError) return { name: 'unknown', hash: '' };
    throw error;
  }
}

function readSignatureAlgorithm(der: Uint8Array, tlv: Tlv): SignatureName {
  const oid = readTlv(der, tlv.offset, tlv.end);
  if (oid.tag !== TAG.OID) return { name: 'unknown', hash: '' };
  const dotted = decodeOid(der, oid.offset, oid.end);
  if (dotted === RSASSA_PSS) return { name: 'rsassaPss', hash: pssHash(der, oid.end, tlv.end) };
  const known = ALGORITHMS[dotted];
  return known ? { name: known[0], hash: known[1] } : { name: dotted, hash: '' };
}
