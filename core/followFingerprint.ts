/**
 * The renewal transition of a certificate's stored history, for an appliance's certificates and a Luna
 * client's alike (docs/design.md, Alert policy): a different fingerprint starts afresh (no alert yet,
 * seen since now) and, when the replaced one had an active alert, remembers the clear it is owed. Pure.
 */
import type { Mutable } from './mutable.ts';
import type { CertificateHistory } from './types.ts';

/** The part of a stored state the transition changes, writable while a decision builds the next state. */
type FingerprintHistory = Mutable<CertificateHistory>;

/** Moves `next` on to `fingerprint` seen at `observedAt`; nothing changes when it is the one already kept. */
export function followFingerprint(next: FingerprintHistory, fingerprint: string, observedAt: string): void {
  if (next.fingerprint === fingerprint) return;
  // One clear lowers the alert; an older clear still pending already covers it.
  if (next.fingerprint !== undefined && next.alertActive && !next.pendingClear) {
    next.pendingClear = { fingerprint: next.fingerprint, detectedAt: observedAt };
  }
  next.fingerprint = fingerprint;
  next.fingerprintSince = observedAt;
  next.alertActive = false;
  next.lastAlertAt = undefined;
  next.lastAlertSeverity = undefined;
}
