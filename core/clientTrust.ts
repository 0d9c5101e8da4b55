/**
 * Whether a Luna client trusts the certificate an appliance presents (docs/clients.md, How trust is
 * decided): the certificate itself is in the client's bundle (by SHA-256 fingerprint, as `vtl addServer`
 * registers it), or it was issued by a bundle certificate: the issuer DN equals that certificate's
 * subject and the signature verifies with its key, or the chain the appliance presents with it leads
 * there: each link verified up to a chain certificate that is in the bundle or issued by one. When no
 * candidate verifies and one could not be checked at all (an algorithm the runtime lacks), trust cannot
 * be verified: never reported untrusted.
 */

import type { SignatureVerdict, SignatureVerifier } from './signatureVerifier.ts';
import { type SignedCertificate, signedCertificate } from './signedCertificate.ts';
import type { BundleCertificate } from './trustBundle.ts';
import type { Certificate } from './types.ts';

/** The answer for one client and one appliance's certificate. */
export type TrustVerdict =
  | { readonly kind: 'trusted'; readonly by: 'fingerprint' | 'issuer' | 'chain' }
  | { readonly kind: 'untrusted' }
  | { readonly kind: 'unverifiable'; readonly reason: string };

/** How far up a presented chain trust is looked for (a server.pem holds a handful at most). */
const MAX_CHAIN = 8;

/** The signature algorithm's name for a "cannot be verified" line. */
function algorithmName(signed: SignedCertificate): string {
  const { algorithm } = signed;
  if (algorithm.kind === 'unsupported') return algorithm.name;
  return 'hash' in algorithm ? `${algorithm.kind} ${algorithm.hash}` : algorithm.kind;
}

const unverifiable = (signed: SignedCertificate): TrustVerdict => ({
  kind: 'unverifiable',
  reason: `signature algorithm ${algorithmName(signed)} cannot be verified here`,
});

const inBundle = (certificate: Certificate, bundle: readonly BundleCertificate[]) =>
  bundle.some((b) => b.certificate.fingerprintSha256 === certificate.fingerprintSha256);

function signedOf(certificate: Certificate): SignedCertificate | undefined {
  try {
    return signedCertificate(certificate.der);
  } catch {
    return undefined;
  }
}

/** Whether a bundle certificate named as `certificate`'s issuer signed it. */
async function issuedByBundle(
  certificate: Certificate,
  signed: SignedCertificate,
  bundle: readonly BundleCertificate[],
  verify: SignatureVerifier,
): Promise<SignatureVerdict> {
  let verdict: SignatureVerdict = 'invalid';
  for (const issuer of bundle) {
    if (!issuer.signed || issuer.certificate.subject !== certificate.issuer) continue;
    const one = await verify(signed, issuer.signed.publicKey);
    if (one === 'valid') return 'valid';
    if (one === 'unsupported') verdict = 'unsupported';
  }
  return verdict;
}

/** The presented chain certificate named as `current`'s issuer whose key verifies its signature. */
async function parentIn(
  current: { readonly certificate: Certificate; readonly signed: SignedCertificate },
  chain: readonly Certificate[],
  used: ReadonlySet<Certificate>,
  verify: SignatureVerifier,
): Promise<{ parent?: { certificate: Certificate; signed: SignedCertificate }; unsupported: boolean }> {
  let unsupported = false;
  for (const candidate of chain) {
    if (used.has(candidate) || candidate.subject !== current.certificate.issuer) continue;
    const signed = signedOf(candidate);
    if (!signed) continue;
    const verdict = await verify(current.signed, signed.publicKey);
    if (verdict === 'valid') return { parent: { certificate: candidate, signed }, unsupported };
    if (verdict === 'unsupported') unsupported = true;
  }
  return { unsupported };
}

/**
 * Walks the chain the appliance presents, up from its certificate, each link verified: trusted once a
 * chain certificate is in the bundle or issued by a bundle certificate (the client's bundle holds the
 * root, the appliance presents the intermediate). Resolves to the verdict, with the certificate whose
 * signature could not be checked when that stopped the walk.
 */
async function chainTrust(
  leaf: { readonly certificate: Certificate; readonly signed: SignedCertificate },
  chain: readonly Certificate[],
  bundle: readonly BundleCertificate[],
  verify: SignatureVerifier,
): Promise<SignatureVerdict | SignedCertificate> {
  let current = leaf;
  const used = new Set<Certificate>();
  for (let depth = 0; depth < Math.min(chain.length, MAX_CHAIN); depth++) {
    const { parent, unsupported } = await parentIn(current, chain, used, verify);
    if (!parent) return unsupported ? current.signed : 'invalid';
    used.add(parent.certificate);
    if (inBundle(parent.certificate, bundle)) return 'valid';
    const anchored = await issuedByBundle(parent.certificate, parent.signed, bundle, verify);
    if (anchored === 'valid') return 'valid';
    if (anchored === 'unsupported') return parent.signed;
    current = parent;
  }
  return 'invalid';
}

/**
 * Decides trust in `presented` for a client holding `bundle`; `chain` is what the appliance presents with
 * its certificate (the rest of its server.pem). Never throws.
 */
export async function trustOf(
  presented: Certificate,
  bundle: readonly BundleCertificate[],
  verify: SignatureVerifier,
  chain: readonly Certificate[] = [],
): Promise<TrustVerdict> {
  if (inBundle(presented, bundle)) return { kind: 'trusted', by: 'fingerprint' };
  const signed = signedOf(presented);
  if (!signed) return { kind: 'untrusted' };
  const direct = await issuedByBundle(presented, signed, bundle, verify);
  if (direct === 'valid') return { kind: 'trusted', by: 'issuer' };
  const walked = await chainTrust({ certificate: presented, signed }, chain, bundle, verify);
  if (walked === 'valid') return { kind: 'trusted', by: 'chain' };
  if (direct === 'unsupported') return unverifiable(signed);
  return typeof walked === 'object' ? unverifiable(walked) : { kind: 'untrusted' };
}
