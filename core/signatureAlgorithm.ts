/**
 * A certificate's signature algorithm, read from its AlgorithmIdentifier (docs/clients.md, How trust is
 * decided): the hash and, for RSA-PSS, the salt length from its parameters (RFC 4055: SHA-1 and 20 when
 * absent). Anything else is `unsupported` with its name, which makes trust "cannot be verified".
 */
import { decodeOid, expectTlv, readTlv, TAG, type Tlv } from './derReader.ts';

/** A WebCrypto hash name. */
export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** The signature algorithms certmonitor can hand to WebCrypto, and the rest by name. */
export type SignatureAlgorithm =
  | { readonly kind: 'rsa-pkcs1'; readonly hash: HashName }
  | { readonly kind: 'rsa-pss'; readonly hash: HashName; readonly saltLength: number }
  | { readonly kind: 'ecdsa'; readonly hash: HashName }
  | { readonly kind: 'ed25519' }
  | { readonly kind: 'ed448' }
  | { readonly kind: 'unsupported'; readonly name: string };

const HASHES: Readonly<Record<string, HashName>> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};

const SIMPLE: Readonly<Record<string, SignatureAlgorithm>> = {
  '1.2.840.113549.1.1.5': { kind: 'rsa-pkcs1', hash: 'SHA-1' },
  '1.2.840.113549.1.1.11': { kind: 'rsa-pkcs1', hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { kind: 'rsa-pkcs1', hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { kind: 'rsa-pkcs1', hash: 'SHA-512' },
  '1.2.840.10045.4.1': { kind: 'ecdsa', hash: 'SHA-1' },
  '1.2.840.10045.4.3.2': { kind: 'ecdsa', hash: 'SHA-256' },
  '1.2.840.10045.4.3.3': { kind: 'ecdsa', hash: 'SHA-384' },
  '1.2.840.10045.4.3.4': { kind: 'ecdsa', hash: 'SHA-512' },
  '1.3.101.112': { kind: 'ed25519' },
  '1.3.101.113': { kind: 'ed448' },
  '1.2.840.113549.1.1.4': { kind: 'unsupported', name: 'md5WithRSAEncryption' },
  '1.2.840.113549.1.1.2': { kind: 'unsupported', name: 'md2WithRSAEncryption' },
  '1.2.840.113549.1.1.14': { kind: 'unsupported', name: 'sha224WithRSAEncryption' },
  '1.2.840.10045.4.3.1': { kind: 'unsupported', name: 'ecdsa-with-SHA224' },
};

const PSS = '1.2.840.113549.1.1.10';

/** The hash named by the AlgorithmIdentifier inside an explicit tag, or undefined when unknown. */
function hashIn(der: Uint8Array, tagged: Tlv): HashName | undefined {
  const alg = expectTlv(der, tagged.offset, tagged.end, TAG.SEQUENCE, 'hash algorithm');
  const oid = expectTlv(der, alg.offset, alg.end, TAG.OID, 'hash algorithm');
  return HASHES[decodeOid(der, oid.offset, oid.end)];
}

/** A small non-negative INTEGER's value inside an explicit tag. */
function smallInteger(der: Uint8Array, tagged: Tlv): number {
  const int = expectTlv(der, tagged.offset, tagged.end, TAG.INTEGER, 'salt length');
  let value = 0;
  for (let i = int.offset; i < int.end && value < 1 << 20; i++) value = value * 256 + (der[i] as number);
  return value;
}

const MGF1 = '1.2.840.113549.1.1.8';

/** The hash of the mask generation function inside an explicit tag: MGF1's, or undefined for another function. */
function maskHashIn(der: Uint8Array, tagged: Tlv): HashName | undefined {
  const alg = expectTlv(der, tagged.offset, tagged.end, TAG.SEQUENCE, 'mask generation');
  const oid = expectTlv(der, alg.offset, alg.end, TAG.OID, 'mask generation');
  if (decodeOid(der, oid.offset, oid.end) !== MGF1) return undefined;
  const hash = expectTlv(der, oid.end, alg.end, TAG.SEQUENCE, 'mask generation hash');
  const hashOid = expectTlv(der, hash.offset, hash.end, TAG.OID, 'mask generation hash');
  return HASHES[decodeOid(der, hashOid.offset, hashOid.end)];
}

/** RSA-PSS: hash [0] (SHA-1 by default), mask generation [1] (MGF1 with SHA-1 by default), salt [2] (20). */
function pssOf(der: Uint8Array, params: Tlv | undefined): SignatureAlgorithm {
  let hash: HashName | undefined = 'SHA-1';
  let maskHash: HashName | undefined = 'SHA-1';
  let saltLength = 20;
  if (params && params.tag === TAG.SEQUENCE) {
    for (let pos = params.offset; pos < params.end; ) {
      const field = readTlv(der, pos, params.end);
      if (field.tag === TAG.CONTEXT_0) hash = hashIn(der, field);
      else if (field.tag === TAG.CONTEXT_1) maskHash = maskHashIn(der, field);
      else if (field.tag === TAG.CONTEXT_2) saltLength = smallInteger(der, field);
      pos = field.end;
    }
  }
  if (!hash) return { kind: 'unsupported', name: 'RSASSA-PSS (hash)' };
  // WebCrypto ties the mask generation hash to the signature hash: a signature whose MGF1 hash differs
  // cannot be checked here, which is "cannot be verified", never "not trusted" (docs/clients.md, How
  // trust is decided).
  if (maskHash !== hash) return { kind: 'unsupported', name: `RSASSA-PSS (${hash}, MGF1 ${maskHash ?? 'unknown'})` };
  return { kind: 'rsa-pss', hash, saltLength };
}

/** The algorithm of the AlgorithmIdentifier `alg` (a SEQUENCE TLV within `der`). */
export function signatureAlgorithmOf(der: Uint8Array, alg: Tlv): SignatureAlgorithm {
  const oidTlv = expectTlv(der, alg.offset, alg.end, TAG.OID, 'signature algorithm');
  const oid = decodeOid(der, oidTlv.offset, oidTlv.end);
  if (oid === PSS) return pssOf(der, oidTlv.end < alg.end ? readTlv(der, oidTlv.end, alg.end) : undefined);
  return SIMPLE[oid] ?? { kind: 'unsupported', name: oid };
}
