/** X.509 distinguished names in OpenSSL's one-line form (`C=US, O=Acme, CN=hsm01`). */
import { decodeOid, expectTlv, readTlv, TAG } from './derReader.ts';

/** Longest name kept: a name is shown and logged, and a hostile file could hold a megabyte of RDNs. */
const MAX_NAME_LENGTH = 1024;

/**
 * Attribute type names as OpenSSL 3 prints them with `-nameopt sname`: every X.520 attribute (`2.5.4.*`)
 * in its objects table, plus UID, DC, emailAddress and the EV jurisdiction attributes. Any other type is
 * printed as its dotted OID; OpenSSL names a few more outside X.520 (`mail`, `unstructuredName`, …).
 */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.13': 'description',
  '2.5.4.14': 'searchGuide',
  '2.5.4.15': 'businessCategory',
  '2.5.4.16': 'postalAddress',
  '2.5.4.17': 'postalCode',
  '2.5.4.18': 'postOfficeBox',
  '2.5.4.19': 'physicalDeliveryOfficeName',
  '2.5.4.20': 'telephoneNumber',
  '2.5.4.21': 'telexNumber',
  '2.5.4.22': 'teletexTerminalIdentifier',
  '2.5.4.23': 'facsimileTelephoneNumber',
  '2.5.4.24': 'x121Address',
  '2.5.4.25': 'internationaliSDNNumber',
  '2.5.4.26': 'registeredAddress',
  '2.5.4.27': 'destinationIndicator',
  '2.5.4.28': 'preferredDeliveryMethod',
  '2.5.4.29': 'presentationAddress',
  '2.5.4.30': 'supportedApplicationContext',
  '2.5.4.31': 'member',
  '2.5.4.32': 'owner',
  '2.5.4.33': 'roleOccupant',
  '2.5.4.34': 'seeAlso',
  '2.5.4.35': 'userPassword',
  '2.5.4.36': 'userCertificate',
  '2.5.4.37': 'cACertificate',
  '2.5.4.38': 'authorityRevocationList',
  '2.5.4.39': 'certificateRevocationList',
  '2.5.4.40': 'crossCertificatePair',
  '2.5.4.41': 'name',
  '2.5.4.42': 'GN',
  '2.5.4.43': 'initials',
  '2.5.4.44': 'generationQualifier',
  '2.5.4.45': 'x500UniqueIdentifier',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.47': 'enhancedSearchGuide',
  '2.5.4.48': 'protocolInformation',
  '2.5.4.49': 'distinguishedName',
  '2.5.4.50': 'uniqueMember',
  '2.5.4.51': 'houseIdentifier',
  '2.5.4.52': 'supportedAlgorithms',
  '2.5.4.53': 'deltaRevocationList',
  '2.5.4.54': 'dmdName',
  '2.5.4.65': 'pseudonym',
  '2.5.4.72': 'role',
  '2.5.4.97': 'organizationIdentifier',
  '2.5.4.98': 'c3',
  '2.5.4.99': 'n3',
  '2.5.4.100': 'dnsName',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '1.3.6.1.4.1.311.60.2.1.1': 'jurisdictionL',
  '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionST',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
};

// Non-fatal: a bad UTF-8 sequence becomes U+FFFD instead of failing the whole certificate.
const utf8 = new TextDecoder('utf-8');

function latin1(der: Uint8Array, offset: number, end: number): string {
  let s = '';
  for (let i = offset; i < end; i++) s += String.fromCharCode(der[i] as number);
  return s;
}

function hexValue(der: Uint8Array, start: number, end: number): string {
  let s = '#';
  for (let i = start; i < end; i++) s += (der[i] as number).toString(16).toUpperCase().padStart(2, '0');
  return s;
}

/** A value as shown: an escaped string, or `#HEX` of the DER for anything that is not a string (RFC 4514). */
function formatValue(der: Uint8Array, tag: number, start: number, offset: number, end: number): string {
  const text = decodeString(der, tag, offset, end);
  return text === undefined ? hexValue(der, start, end) : escapeValue(text);
}

/** Decodes a directory string type; `undefined` for any other type. */
function decodeString(der: Uint8Array, tag: number, offset: number, end: number): string | undefined {
  switch (tag) {
    case TAG.UTF8_STRING:
      return utf8.decode(der.subarray(offset, end));
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.VISIBLE_STRING:
    case TAG.NUMERIC_STRING:
    case TAG.T61_STRING:
      return latin1(der, offset, end);
    case TAG.BMP_STRING: {
      let s = '';
      for (let i = offset; i + 1 < end; i += 2)
        s += String.fromCharCode(((der[i] as number) << 8) | (der[i + 1] as number));
      return s;
    }
    case TAG.UNIVERSAL_STRING: {
      let s = '';
      for (let i = offset; i + 3 < end; i += 4) {
        const cp =
          (((der[i] as number) << 24) |
            ((der[i + 1] as number) << 16) |
            ((der[i + 2] as number) << 8) |
            (der[i + 3] as number)) >>>
          0;
        s += cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
      }
      return s;
    }
    default:
      return undefined;
  }
}

/**
 * Escapes as OpenSSL's `esc_2253,esc_ctrl` name options do: RFC 2253 specials get a backslash (plus a
 * leading `#` or space and a trailing space), control characters become `\XX` so a name can never
 * break a log line.
 */
function escapeValue(value: string): string {
  let out = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\\,+"<>;]/g, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029) {
      return `\\${code.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    return `\\${c}`;
  });
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/**
 * Formats the Name whose contents span `offset`..`end`: RDNs in encoded order joined by `, `,
 * multi-valued RDNs joined by ` + `. Throws InvalidCertificateError on malformed DER.
 */
export function formatDistinguishedName(der: Uint8Array, offset: number, end: number): string {
  let out = '';
  let pos = offset;
  while (pos < end) {
    const rdn = expectTlv(der, pos, end, TAG.SET, 'name');
    let inner = rdn.offset;
    let first = true;
    while (inner < rdn.end) {
      const atv = expectTlv(der, inner, rdn.end, TAG.SEQUENCE, 'name attribute');
      const oid = expectTlv(der, atv.offset, atv.end, TAG.OID, 'name attribute');
      const value = readTlv(der, oid.end, atv.end);
      const dotted = decodeOid(der, oid.offset, oid.end);
      const text = `${SHORT_NAMES[dotted] ?? dotted}=${formatValue(der, value.tag, value.start, value.offset, value.end)}`;
      out += first ? (out === '' ? text : `, ${text}`) : ` + ${text}`;
      first = false;
      inner = atv.end;
      if (out.length > MAX_NAME_LENGTH) return `${out.slice(0, MAX_NAME_LENGTH - 1)}…`;
    }
    pos = rdn.end;
  }
  return out;
}
