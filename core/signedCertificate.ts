/**
 * The parts of a certificate a signature check needs (docs/clients.md, How trust is decided): the signed
 * bytes (tbsCertificate), the signature algorithm, the signature itself and the subject's public key.
 * Read with the bounds-checked DER reader, never recursing beyond these fields.
 */
import { decodeOid, expectTlv, readTlv, TAG } from './derReader.ts';
import { InvalidCertificateError } from './errors.ts';
import { type SignatureAlgorithm, signatureAlgorithmOf } from './signatureAlgorithm.ts';

/** A subject's public key as WebCrypto imports it. */
export interface PublicKeyInfo {
  /** The whole SubjectPublicKeyInfo, DER. */
  readonly spki: Uint8Array;
  /** The key algorithm's OID, e.g. `1.2.840.10045.2.1` for EC. */
  readonly algorithm: string;
  /** For an EC key: its named curve's OID. */
  readonly curve?: string;
}

/** What verifying a certificate's signature takes from it. */
export interface SignedCertificate {
  /** The DER of tbsCertificate: the bytes the issuer signed. */
  readonly tbs: Uint8Array;
  readonly algorithm: SignatureAlgorithm;
  /** The signature BIT STRING's contents without its unused-bits byte. */
  readonly signature: Uint8Array;
  readonly publicKey: PublicKeyInfo;
}

/** Reads the subject's key from the SubjectPublicKeyInfo at `pos`. */
function publicKeyOf(der: Uint8Array, pos: number, limit: number): PublicKeyInfo {
  const spki = expectTlv(der, pos, limit, TAG.SEQUENCE, 'subjectPublicKeyInfo');
  const alg = expectTlv(der, spki.offset, spki.end, TAG.SEQUENCE, 'public key algorithm');
  const oid = expectTlv(der, alg.offset, alg.end, TAG.OID, 'public key algorithm');
  const algorithm = decodeOid(der, oid.offset, oid.end);
  let curve: string | undefined;
  if (oid.end < alg.end && der[oid.end] === TAG.OID) {
    const params = readTlv(der, oid.end, alg.end);
    curve = decodeOid(der, params.offset, params.end);
  }
  return { spki: der.slice(spki.start, spki.end), algorithm, ...(curve ? { curve } : {}) };
}

/** The signed parts of the certificate at the start of `der`; throws InvalidCertificateError when malformed. */
export function signedCertificate(der: Uint8Array): SignedCertificate {
  const cert = expectTlv(der, 0, der.length, TAG.SEQUENCE, 'certificate');
  const tbs = expectTlv(der, cert.offset, cert.end, TAG.SEQUENCE, 'tbsCertificate');
  const algTlv = expectTlv(der, tbs.end, cert.end, TAG.SEQUENCE, 'signatureAlgorithm');
  const sig = expectTlv(der, algTlv.end, cert.end, TAG.BIT_STRING, 'signature');
  // A signature is whole octets: a BIT STRING with unused bits cannot hold one.
  if (sig.end <= sig.offset || der[sig.offset] !== 0) throw new InvalidCertificateError('malformed signature');
  let field = readTlv(der, tbs.offset, tbs.end);
  if (field.tag === TAG.CONTEXT_0) field = readTlv(der, field.end, tbs.end);
  // serialNumber, signature, issuer, validity, subject, then the key.
  for (let i = 0; i < 5; i++) field = readTlv(der, field.end, tbs.end);
  return {
    tbs: der.slice(tbs.start, tbs.end),
    algorithm: signatureAlgorithmOf(der, algTlv),
    signature: der.slice(sig.offset + 1, sig.end),
    publicKey: publicKeyOf(der, field.start, tbs.end),
  };
}
