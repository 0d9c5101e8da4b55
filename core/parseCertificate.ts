/** Reads the fields certmonitor needs from one X.509 certificate's DER, touching nothing else. */
import { parseAsn1Time } from './asn1Time.ts';
import { expectTlv, readTlv, TAG } from './derReader.ts';
import { formatDistinguishedName } from './distinguishedName.ts';
import { describeKey } from './keyType.ts';
import { fingerprintSha256, toHexPairs } from './sha256.ts';
import { describeSignatureAlgorithm } from './signatureName.ts';
import { readSubjectAltNames } from './subjectAltNames.ts';
import type { Certificate } from './types.ts';

/** Serial number as `openssl x509 -serial` prints it: uppercase hex, sign octet dropped, `-` if negative. */
function formatSerial(der: Uint8Array, offset: number, end: number): string {
  if (offset === end) return '00';
  const bytes = der.subarray(offset, end);
  if ((bytes[0] as number) & 0x80) {
    // Two's complement magnitude of a negative serial (invalid per RFC 5280 but seen in the wild).
    const magnitude = new Uint8Array(bytes.length);
    let carry = 1;
    for (let i = bytes.length - 1; i >= 0; i--) {
      const v = (~(bytes[i] as number) & 0xff) + carry;
      magnitude[i] = v & 0xff;
      carry = v >> 8;
    }
    let i = 0;
    while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
    return `-${toHexPairs(magnitude.subarray(i), '')}`;
  }
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return toHexPairs(bytes.subarray(i), '');
}

/**
 * Parses the certificate TLV at the start of `der` (anything after it, such as OpenSSL's trust data in
 * a TRUSTED CERTIFICATE block, is ignored). Throws InvalidCertificateError with a short reason.
 */
export function parseCertificate(der: Uint8Array): Certificate {
  const cert = expectTlv(der, 0, der.length, TAG.SEQUENCE, 'certificate');
  const tbs = expectTlv(der, cert.offset, cert.end, TAG.SEQUENCE, 'tbsCertificate');
  const signatureAlgorithm = expectTlv(der, tbs.end, cert.end, TAG.SEQUENCE, 'signatureAlgorithm');
  expectTlv(der, signatureAlgorithm.end, cert.end, TAG.BIT_STRING, 'signature');

  let field = readTlv(der, tbs.offset, tbs.end);
  if (field.tag === TAG.CONTEXT_0) field = readTlv(der, field.end, tbs.end);
  const serial = field.tag === TAG.INTEGER ? field : expectTlv(der, field.start, tbs.end, TAG.INTEGER, 'serialNumber');
  const signature = expectTlv(der, serial.end, tbs.end, TAG.SEQUENCE, 'signature algorithm');
  const issuer = expectTlv(der, signature.end, tbs.end, TAG.SEQUENCE, 'issuer');
  const validity = expectTlv(der, issuer.end, tbs.end, TAG.SEQUENCE, 'validity');
  const subject = expectTlv(der, validity.end, tbs.end, TAG.SEQUENCE, 'subject');
  const spki = expectTlv(der, subject.end, tbs.end, TAG.SEQUENCE, 'subjectPublicKeyInfo');

  const notBeforeTlv = readTlv(der, validity.offset, validity.end);
  const notAfterTlv = readTlv(der, notBeforeTlv.end, validity.end);
  const notBefore = parseAsn1Time(der, notBeforeTlv.tag, notBeforeTlv.offset, notBeforeTlv.end, 'notBefore');
  const notAfter = parseAsn1Time(der, notAfterTlv.tag, notAfterTlv.offset, notAfterTlv.end, 'notAfter');

  const own = der.slice(0, cert.end);
  const algorithm = describeSignatureAlgorithm(der, signatureAlgorithm);
  return {
    der: own,
    notBefore: new Date(notBefore),
    notAfter: new Date(notAfter),
    subject: formatDistinguishedName(der, subject.offset, subject.end),
    issuer: formatDistinguishedName(der, issuer.offset, issuer.end),
    serialNumber: formatSerial(der, serial.offset, serial.end),
    keyType: describeKey(der, spki),
    fingerprintSha256: fingerprintSha256(own),
    signatureAlgorithm: algorithm.name,
    signatureHash: algorithm.hash,
    subjectAltNames: readSubjectAltNames(der, spki.end, tbs.end),
  };
}
