/**
 * Whether a Luna client trusts the certificate an appliance presents (docs/clients.md, How trust is
 * decided): the certificate itself is in the client's bundle (by SHA-256 fingerprint, as `vtl addServer`
 * registers it), or it was issued by a bundle certificate: the issuer DN equals that certificate's
 * subject and the signature verifies with its key. When no candidate verifies and one could not be
 * checked at all (an algorithm the runtime lacks), trust cannot be verified: never reported untrusted.
 */

import type { SignatureVerifier } from './signatureVerifier.ts';
import { type SignedCertificate, signedCertificate } from './signedCertificate.ts';
import type { BundleCertificate } from './trustBundle.ts';
import type { Certificate } from './types.ts';

/** The answer for one client and one appliance's certificate. */
export type TrustVerdict =
  | { readonly kind: 'trusted'; readonly by: 'fingerprint' | 'issuer' }
  | { readonly kind: 'untrusted' }
  | { readonly kind: 'unverifiable'; readonly reason: string };

/** The signature algorithm's name for a "cannot be verified" line. */
function algorithmName(signed: SignedCertificate): string {
  const { algorithm } = signed;
  if (algorithm.kind === 'unsupported') return algorithm.name;
  return 'hash' in algorithm ? `${algorithm.kind} ${algorithm.hash}` : algorithm.kind;
}

/** Decides trust in `presented` for a client holding `bundle`. Never throws. */
export async function trustOf(
  presented: Certificate,
  bundle: readonly BundleCertificate[],
  verify: SignatureVerifier,
): Promise<TrustVerdict> {
  if (bundle.some((b) => b.certificate.fingerprintSha256 === presented.fingerprintSha256)) {
    return { kind: 'trusted', by: 'fingerprint' };
  }
  const issuers = bundle.filter((b) => b.signed && b.certificate.subject === presented.issuer);
  if (issuers.length === 0) return { kind: 'untrusted' };
  let signed: SignedCertificate;
  try {
    signed = signedCertificate(presented.der);
  } catch {
    return { kind: 'untrusted' };
  }
  let unsupported = false;
  for (const issuer of issuers) {
    const verdict = await verify(signed, (issuer.signed as SignedCertificate).publicKey);
    if (verdict === 'valid') return { kind: 'trusted', by: 'issuer' };
    if (verdict === 'unsupported') unsupported = true;
  }
  if (unsupported) {
    return { kind: 'unverifiable', reason: `signature algorithm ${algorithmName(signed)} cannot be verified here` };
  }
  return { kind: 'untrusted' };
}
