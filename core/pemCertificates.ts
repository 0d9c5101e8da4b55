import { InvalidCertificateError } from './errors.ts';

/** Finds the certificates in PEM text (any other blocks or text around them ignored) and decodes them. */

/** Labels OpenSSL reads as a certificate. `TRUSTED CERTIFICATE` is the DER followed by OpenSSL's trust data. */
const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'TRUSTED CERTIFICATE', 'X509 CERTIFICATE']);

const BASE64 = new Int16Array(256).fill(-1);
for (let i = 0; i < 64; i++) {
  BASE64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
}
// Whitespace inside a block (line breaks, CRLF, indentation) is skipped.
const SKIP = -2;
for (const c of [0x20, 0x09, 0x0a, 0x0d]) BASE64[c] = SKIP;

function decodeBase64(text: Uint8Array, start: number, end: number, block: number): Uint8Array {
  const out = new Uint8Array(Math.floor(((end - start) * 3) / 4) + 3);
  let n = 0;
  let acc = 0;
  let bits = 0;
  let padding = 0;
  for (let i = start; i < end; i++) {
    const c = text[i] as number;
    const v = BASE64[c] as number;
    if (v >= 0 && padding === 0) {
      acc = ((acc << 6) | v) & 0xffffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[n++] = (acc >>> bits) & 0xff;
      }
    } else if (v === SKIP) {
      // whitespace
    } else if (c === 0x3d && padding < 2) {
      padding++;
    } else {
      throw new InvalidCertificateError(`invalid base64 in PEM certificate ${block}`);
    }
  }
  return out.subarray(0, n);
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0] as number;
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const BEGIN = ascii('-----BEGIN ');
const END = ascii('-----END ');
const DASHES = ascii('-----');
// END lines of the labels seen so far (a handful in practice), built once.
const END_LINES = new Map<string, Uint8Array>();

function endLine(label: string): Uint8Array {
  let line = END_LINES.get(label);
  if (line === undefined) {
    line = ascii(`-----END ${label}-----`);
    if (END_LINES.size < 64) END_LINES.set(label, line);
  }
  return line;
}

/** Why a PEM file held no certificate, without echoing anything from the file. */
function noCertificateReason(labels: readonly string[]): string {
  if (labels.length === 0) return 'not a PEM or DER certificate';
  if (labels.some((l) => l.includes('REQUEST'))) return 'no certificate found (certificate request only)';
  if (labels.some((l) => l.includes('KEY'))) return 'no certificate found (key only)';
  return 'no certificate found';
}

/**
 * The decoded contents of every certificate block in `text`, in file order. Throws
 * InvalidCertificateError when there is none, or when the first one cannot be decoded; a damaged later
 * block is skipped (the first certificate is the one monitored).
 */
export function pemCertificates(text: Uint8Array): Uint8Array[] {
  const found: Uint8Array[] = [];
  const otherLabels: string[] = [];
  let pos = 0;
  for (;;) {
    const begin = indexOf(text, BEGIN, pos);
    if (begin === -1) break;
    const labelStart = begin + BEGIN.length;
    const labelEnd = indexOf(text, DASHES, labelStart);
    // Labels are short uppercase words; anything else is not a PEM header.
    if (labelEnd === -1 || labelEnd - labelStart > 64) {
      pos = labelStart;
      continue;
    }
    let label = '';
    for (let i = labelStart; i < labelEnd; i++) label += String.fromCharCode(text[i] as number);
    if (!/^[A-Z0-9 ]+$/.test(label)) {
      pos = labelStart;
      continue;
    }
    const bodyStart = labelEnd + DASHES.length;
    const endMarker = endLine(label);
    const end = indexOf(text, endMarker, bodyStart);
    if (!CERTIFICATE_LABELS.has(label)) {
      otherLabels.push(label);
      pos = end === -1 ? bodyStart : end + endMarker.length;
      continue;
    }
    const block = found.length + 1;
    try {
      if (end === -1) throw new InvalidCertificateError(`truncated PEM certificate ${block} (no END line)`);
      found.push(decodeBase64(text, bodyStart, end, block));
    } catch (error) {
      if (found.length === 0) throw error;
    }
    if (end === -1) break;
    pos = end + endMarker.length;
  }
  if (found.length === 0) {
    throw new InvalidCertificateError(noCertificateReason(otherLabels));
  }
  return found;
}

/** True when `bytes` contains a PEM BEGIN line anywhere. */
export function looksLikePem(bytes: Uint8Array): boolean {
  return indexOf(bytes, BEGIN, 0) !== -1 || indexOf(bytes, END, 0) !== -1;
}
