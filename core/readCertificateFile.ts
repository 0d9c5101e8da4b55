/** Reads a certificate file (PEM or DER) into its server certificate and chain (docs/design.md, Certificate evaluation). */

import { InvalidCertificateError } from './errors.ts';
import { parseCertificate } from './parseCertificate.ts';
import { looksLikePem, pemCertificates } from './pemCertificates.ts';
import type { Certificate, CertificateFile } from './types.ts';

/** Largest input read: anything bigger is refused before it is looked at. */
export const MAX_CERTIFICATE_FILE_BYTES = 1024 * 1024;

/** Parses certificate `index` (1-based), prefixing the reason so an operator knows which one failed. */
function parseNumbered(der: Uint8Array, index: number, total: number): Certificate {
  try {
    return parseCertificate(der);
  } catch (error) {
    if (error instanceof InvalidCertificateError && total > 1) {
      throw new InvalidCertificateError(`certificate ${index}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** Splits raw DER holding one or more concatenated certificates. */
function derCertificates(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [bytes];
  let pos = 0;
  // Later certificates are optional: stop at the first thing that is not one.
  for (;;) {
    let len = 0;
    let header = 2;
    const b1 = bytes[pos + 1];
    if (b1 === undefined) break;
    if (b1 & 0x80) {
      const n = b1 & 0x7f;
      if (n === 0 || n > 4) break;
      for (let i = 0; i < n; i++) len = len * 256 + (bytes[pos + 2 + i] ?? 0);
      header += n;
    } else {
      len = b1;
    }
    const next = pos + header + len;
    if (next >= bytes.length || bytes[next] !== 0x30) break;
    out.push(bytes.subarray(next));
    pos = next;
  }
  return out;
}

/**
 * Reads the bytes of one certificate file: PEM with one or more `CERTIFICATE` / `TRUSTED CERTIFICATE`
 * blocks among any other text, or raw DER. The first certificate is the NTLS server certificate, the
 * others its chain (a damaged chain certificate is left out rather than hiding the server certificate).
 * Throws {@link InvalidCertificateError} with a short reason that never echoes the file's content.
 */
export function readCertificateFile(bytes: Uint8Array): CertificateFile {
  if (bytes.length === 0) throw new InvalidCertificateError('empty input');
  if (bytes.length > MAX_CERTIFICATE_FILE_BYTES) throw new InvalidCertificateError('input over 1 MiB');
  let ders: Uint8Array[];
  let certificate: Certificate;
  if (bytes[0] === 0x30) {
    ders = derCertificates(bytes);
    try {
      certificate = parseNumbered(ders[0] as Uint8Array, 1, ders.length);
    } catch (error) {
      // A text file may start with the character '0' (0x30, a DER SEQUENCE tag): read it as PEM then.
      if (!(error instanceof InvalidCertificateError) || !looksLikePem(bytes)) throw error;
      ders = pemCertificates(bytes);
      certificate = parseNumbered(ders[0] as Uint8Array, 1, ders.length);
    }
  } else {
    ders = pemCertificates(bytes);
    certificate = parseNumbered(ders[0] as Uint8Array, 1, ders.length);
  }
  const chain: Certificate[] = [];
  for (let i = 1; i < ders.length; i++) {
    try {
      chain.push(parseCertificate(ders[i] as Uint8Array));
    } catch (error) {
      if (!(error instanceof InvalidCertificateError)) throw error;
    }
  }
  return { certificate, chain };
}
