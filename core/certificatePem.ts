/**
 * Only the certificates of a PEM file, re-encoded (docs/clients.md, Collecting a client's files): a
 * client's `ClientCertFile` often holds its private key too, and nothing but CERTIFICATE blocks may leave
 * the host. Each block is decoded and written again from its bytes, so no other text is ever copied.
 */
import { base64 } from './html.ts';
import { pemCertificates } from './pemCertificates.ts';

/** One certificate's DER as a PEM block, 64 characters a line. */
function pemBlock(der: Uint8Array): string {
  const text = base64(der);
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += 64) lines.push(text.slice(i, i + 64));
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** The CERTIFICATE blocks of `bytes` (any other block or text left out); throws InvalidCertificateError when there is none. */
export function certificatesOnly(bytes: Uint8Array): { readonly pem: Uint8Array; readonly count: number } {
  const ders = pemCertificates(bytes);
  return { pem: new TextEncoder().encode(ders.map(pemBlock).join('')), count: ders.length };
}
