/**
 * A Luna client's trust bundle (its `ServerCAFile`, published as `_clients/NAME/trust.pem`): the
 * certificates it registered (docs/clients.md, How trust is decided). Only PEM is a bundle; empty,
 * non-PEM and oversize input is refused with a reason, so a broken bundle never reads as "trusts
 * everything" nor crashes the run.
 */
import { InvalidCertificateError } from './errors.ts';
import { parseCertificate } from './parseCertificate.ts';
import { looksLikePem, pemCertificates } from './pemCertificates.ts';
import { type SignedCertificate, signedCertificate } from './signedCertificate.ts';
import type { Certificate } from './types.ts';

/** Largest bundle read (1 MiB), and most certificates in one. */
const MAX_BUNDLE_BYTES = 1024 * 1024;
export const MAX_BUNDLE_CERTIFICATES = 1000;

/** One registered certificate, with its key when it could be read (a CA's signature check needs it). */
export interface BundleCertificate {
  readonly certificate: Certificate;
  readonly signed?: SignedCertificate;
}

/** The bundle read, or why it is not one. */
export type TrustBundle =
  | { readonly kind: 'bundle'; readonly certificates: readonly BundleCertificate[] }
  | { readonly kind: 'invalid'; readonly reason: string };

/** One block as a bundle certificate, or undefined when it is not a certificate at all. */
function bundleCertificate(der: Uint8Array): BundleCertificate | undefined {
  let certificate: Certificate;
  try {
    certificate = parseCertificate(der);
  } catch {
    return undefined;
  }
  try {
    return { certificate, signed: signedCertificate(certificate.der) };
  } catch {
    return { certificate };
  }
}

/** Reads a bundle's bytes; never throws. */
export function readTrustBundle(bytes: Uint8Array): TrustBundle {
  if (bytes.length === 0) return { kind: 'invalid', reason: 'trust bundle is empty' };
  if (bytes.length > MAX_BUNDLE_BYTES) return { kind: 'invalid', reason: 'trust bundle is over 1 MiB' };
  if (!looksLikePem(bytes)) return { kind: 'invalid', reason: 'trust bundle is not PEM' };
  let blocks: Uint8Array[];
  try {
    blocks = pemCertificates(bytes);
  } catch (error) {
    const reason = error instanceof InvalidCertificateError ? error.message : 'unreadable';
    return { kind: 'invalid', reason: `trust bundle: ${reason}` };
  }
  if (blocks.length > MAX_BUNDLE_CERTIFICATES) {
    return { kind: 'invalid', reason: `trust bundle has over ${MAX_BUNDLE_CERTIFICATES} certificates` };
  }
  const certificates = blocks.map(bundleCertificate).filter((c): c is BundleCertificate => c !== undefined);
  if (certificates.length === 0) return { kind: 'invalid', reason: 'trust bundle holds no readable certificate' };
  return { kind: 'bundle', certificates };
}
