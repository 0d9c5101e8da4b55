/**
 * The DNS names and IP addresses of a certificate's subjectAltName extension, as `openssl x509 -text`
 * prints them (docs/reference.md, Certificate findings): the `name_mismatch` finding looks for the
 * inventory's `serverName` among them.
 */
import { readTlv, TAG } from './derReader.ts';
import { InvalidCertificateError } from './errors.ts';

/** The SAN entries certmonitor matches names against. */
export interface SubjectAltNames {
  readonly dns: readonly string[];
  readonly ip: readonly string[];
}

export const NO_SUBJECT_ALT_NAMES: SubjectAltNames = { dns: [], ip: [] };

/** 2.5.29.17 encoded: compared as bytes, so no OID is decoded for the other extensions. */
const DNS_NAME = 0x82;
const IP_ADDRESS = 0x87;

function isSanOid(der: Uint8Array, offset: number, end: number): boolean {
  return end - offset === 3 && der[offset] === 0x55 && der[offset + 1] === 0x1d && der[offset + 2] === 0x11;
}

function text(der: Uint8Array, offset: number, end: number): string {
  let out = '';
  for (let i = offset; i < end; i++) out += String.fromCharCode(der[i] as number);
  return out;
}

/** IPv4 dotted, IPv6 as OpenSSL prints it (eight uncompressed upper-case groups); other lengths are skipped. */
export function formatIpAddress(bytes: Uint8Array): string | undefined {
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.length !== 16) return undefined;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
  return groups.join(':').toUpperCase();
}

function generalNames(der: Uint8Array, offset: number, end: number): SubjectAltNames {
  const seq = readTlv(der, offset, end);
  if (seq.tag !== TAG.SEQUENCE) throw new InvalidCertificateError('subjectAltName is not a sequence');
  const dns: string[] = [];
  const ip: string[] = [];
  for (let pos = seq.offset; pos < seq.end; ) {
    const name = readTlv(der, pos, seq.end);
    if (name.tag === DNS_NAME) dns.push(text(der, name.offset, name.end));
    else if (name.tag === IP_ADDRESS) {
      const address = formatIpAddress(der.subarray(name.offset, name.end));
      if (address !== undefined) ip.push(address);
    }
    pos = name.end;
  }
  return { dns, ip };
}

/**
 * The SAN entries of the tbsCertificate fields from `pos` (just after subjectPublicKeyInfo) to `end`.
 * A malformed extension block yields none: the certificate stays readable for its dates, as before.
 */
export function readSubjectAltNames(der: Uint8Array, pos: number, end: number): SubjectAltNames {
  try {
    for (let at = pos; at < end; ) {
      const field = readTlv(der, at, end);
      at = field.end;
      if (field.tag !== TAG.CONTEXT_3) continue;
      const extensions = readTlv(der, field.offset, field.end);
      for (let e = extensions.offset; e < extensions.end; ) {
        const extension = readTlv(der, e, extensions.end);
        e = extension.end;
        const oid = readTlv(der, extension.offset, extension.end);
        if (oid.tag !== TAG.OID || !isSanOid(der, oid.offset, oid.end)) continue;
        let value = readTlv(der, oid.end, extension.end);
        if (value.tag === TAG.BOOLEAN) value = readTlv(der, value.end, extension.end);
        return generalNames(der, value.offset, value.end);
      }
    }
  } catch (error) {
    if (!(error instanceof InvalidCertificateError)) throw error;
  }
  return NO_SUBJECT_ALT_NAMES;
}
