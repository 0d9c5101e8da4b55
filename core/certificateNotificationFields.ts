/**
 * The certificate fields a raising or problem notification carries, for an appliance's certificates and a
 * Luna client's alike (docs/design.md, Alert policy): none when no certificate was read. Pure.
 */
import type { Evaluation } from './types.ts';

/** The evaluated certificate's validity, fingerprint and days remaining, as a notification carries them. */
export function certificateNotificationFields(evaluation: Evaluation) {
  const cert = evaluation.certificate;
  return cert
    ? {
        notAfter: cert.notAfter.toISOString(),
        notBefore: cert.notBefore.toISOString(),
        fingerprintSha256: cert.fingerprintSha256,
        daysRemaining: evaluation.daysRemaining,
      }
    : {};
}
