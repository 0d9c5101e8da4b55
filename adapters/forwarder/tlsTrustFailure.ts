/**
 * TLS failures that mean "this gateway's certificate is not one the check trusts" (docs/monitoring.md,
 * Failure handling): an unknown or self-signed issuer, a name the certificate does not carry, a certificate
 * out of its validity. Retrying cannot cure them and the operator's fix is a CA to trust (`--ca-file`), so
 * the forwarder tells them apart from network errors by the OpenSSL/Node code the connection failed with.
 */

/** The codes Node reports (on the fetch error's `cause`) for a peer certificate it does not trust. */
const TRUST_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The trust code of a failed request (the error or its `cause`), or undefined when it failed otherwise. */
export function tlsTrustFailure(error: unknown): string | undefined {
  for (const candidate of [error, (error as { cause?: unknown } | undefined)?.cause]) {
    const code = (candidate as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && TRUST_CODES.has(code)) return code;
  }
  return undefined;
}
