/**
 * The renewal transition of a certificate's stored history, for an appliance's certificates and a Luna
 * client's alike (docs/design.md, Alert policy): a different fingerprint starts afresh (no alert yet,
 * seen since now) and, when the replaced one had an active alert, remembers the clear it is owed. Pure.
 */
import type { AlertSeverity } from '../protocol/notificationV2.ts';

/** The part of a stored state the transition changes (ApplianceState and ClientState both have it). */
export interface FingerprintHistory {
  fingerprint?: string | undefined;
  fingerprintSince?: string | undefined;
  alertActive: boolean;
  lastAlertAt?: string | undefined;
  lastAlertSeverity?: AlertSeverity | undefined;
  pendingClear?: { readonly fingerprint: string; readonly detectedAt: string } | undefined;
}

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
