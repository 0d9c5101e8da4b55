import { InvalidCertificateError } from './errors.ts';
/**
 * A lean, bounds-checked DER (X.690) reader over a Uint8Array. It reads one TLV header at a time and
 * never recurses, so hostile nesting or absurd lengths cannot exhaust the stack or memory: the
 * certificate reader only descends into the handful of fields it needs.
 */

/** ASN.1 universal and context tags the certificate reader uses. */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  NUMERIC_STRING: 0x12,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
  CONTEXT_0: 0xa0,
  CONTEXT_1: 0xa1,
  CONTEXT_2: 0xa2,
  CONTEXT_3: 0xa3,
} as const;

/** One TLV: `start` is where its header begins, `offset`..`end` its contents. */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly offset: number;
  readonly end: number;
}

/**
 * Reads the TLV starting at `pos`, which must end at or before `limit` (its container's end).
 * Multi-byte tags, indefinite lengths and lengths beyond the container are refused: DER has no use for
 * the first two, and the last is how truncation shows.
 */
export function readTlv(der: Uint8Array, pos: number, limit: number): Tlv {
  if (pos + 2 > limit) throw new InvalidCertificateError(`truncated DER at offset ${pos}`);
  const tag = der[pos] as number;
  if ((tag & 0x1f) === 0x1f) throw new InvalidCertificateError(`unsupported DER tag at offset ${pos}`);
  let len = der[pos + 1] as number;
  let offset = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new InvalidCertificateError(`indefinite DER length at offset ${pos}`);
    if (n > 4) throw new InvalidCertificateError(`DER length too large at offset ${pos}`);
    if (offset + n > limit) throw new InvalidCertificateError(`truncated DER at offset ${pos}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (der[offset + i] as number);
    offset += n;
  }
  const end = offset + len;
  if (end > limit) throw new InvalidCertificateError(`truncated DER at offset ${pos}`);
  return { tag, start: pos, offset, end };
}

/**
 * Like {@link readTlv}, and the tag must be `tag`; `what` names the field in the error. The tag is checked
 * before the length so that a wrong structure is reported as such rather than as truncation.
 */
export function expectTlv(der: Uint8Array, pos: number, limit: number, tag: number, what: string): Tlv {
  if (pos >= limit) throw new InvalidCertificateError(`missing ${what} at offset ${pos}`);
  if (der[pos] !== tag) throw new InvalidCertificateError(`unexpected DER tag for ${what} at offset ${pos}`);
  return readTlv(der, pos, limit);
}

/** Decodes an OBJECT IDENTIFIER's contents to dotted form (`1.2.840.10045.3.1.7`). */
export function decodeOid(der: Uint8Array, offset: number, end: number): string {
  if (offset >= end || end - offset > 64)
    throw new InvalidCertificateError(`bad object identifier at offset ${offset}`);
  const parts: number[] = [];
  let value = 0;
  for (let i = offset; i < end; i++) {
    const b = der[i] as number;
    value = value * 128 + (b & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 256)
      throw new InvalidCertificateError(`bad object identifier at offset ${offset}`);
    if (!(b & 0x80)) {
      if (parts.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        parts.push(first, value - first * 40);
      } else {
        parts.push(value);
      }
      value = 0;
    } else if (i === end - 1) {
      throw new InvalidCertificateError(`bad object identifier at offset ${offset}`);
    }
  }
  return parts.join('.');
}
