/**
 * Unplanned replacements (docs/reference.md, Replaced certificates): a new fingerprint while the stored
 * certificate was, at the run's instant, neither within the threshold days nor expired. Every client that
 * registered the old certificate fails to connect until it registers the new one, so besides the "New NTLS
 * certificate detected" line a `replaced` notification is kept pending in the state until delivered, and
 * sent once. A renewal within the threshold is what certmonitord expects and stays as it was. Pure.
 */
import { isUtcInstant } from '../protocol/isoInstant.ts';
import { NOTIFICATION_ID_UNSAFE } from '../protocol/notification.ts';
import type { NotificationV2 } from '../protocol/notificationV2.ts';
import { expiringWindowMs } from './expiryLevels.ts';
import { logEntry } from './logEntry.ts';
import { shortFingerprint } from './notificationId.ts';
import type { ApplianceState, Certificate, LogEntry, PendingReplaced, Settings } from './types.ts';

const MS_PER_DAY = 86_400_000;

/** Who a replacement is about: the appliance and, for a named certificate, its name. */
export interface ReplacedSubject {
  readonly appliance: string;
  readonly address: string;
  /** Absent for the NTLS certificate. */
  readonly certificate?: string;
}

/**
 * The unplanned replacement `cert` (the NTLS certificate itself, never a chain certificate that decides
 * the status) makes of the stored one at `now`, or undefined when it is a first sight, the same
 * certificate, or a renewal (the stored one was within the threshold or expired).
 */
export function unplannedReplacement(
  previous: ApplianceState | undefined,
  cert: Certificate,
  settings: Settings,
  now: Date,
): PendingReplaced | undefined {
  const stored = previous && storedCertificate(previous);
  if (stored === undefined || stored.fingerprint === cert.fingerprintSha256) return undefined;
  if (stored.notAfter === undefined) return undefined;
  const thresholdAt = Date.parse(stored.notAfter) - windowMs(stored, settings);
  // Within the threshold is `notAfter − now ≤ window`: only a certificate strictly before it was replaced early.
  if (!(now.getTime() < thresholdAt)) return undefined;
  return {
    fingerprint: cert.fingerprintSha256,
    previous: stored.fingerprint,
    daysEarly: Math.floor((thresholdAt - now.getTime()) / MS_PER_DAY),
    detectedAt: now.toISOString(),
  };
}

/** What the state tells of the stored NTLS certificate: its fingerprint and, where known, its validity. */
interface StoredCertificate {
  readonly fingerprint: string;
  readonly notAfter?: string;
  readonly notBefore?: string;
}

/**
 * The stored NTLS certificate: while a chain certificate decided, the leaf's own fields (`leaf…`, else
 * the cache when it holds that leaf), since `fingerprint` and `notAfter` are then the chain certificate's;
 * otherwise `fingerprint` and `notAfter`, with the notBefore of the view or cache of that certificate.
 */
function storedCertificate(previous: ApplianceState): StoredCertificate | undefined {
  const fingerprint = previous.leafFingerprint ?? previous.fingerprint;
  if (fingerprint === undefined) return undefined;
  const cache = previous.certificate?.fingerprintSha256 === fingerprint ? previous.certificate : undefined;
  if (previous.leafFingerprint !== undefined) {
    const notAfter = previous.leafNotAfter ?? cache?.notAfter;
    const notBefore = previous.leafNotBefore ?? cache?.notBefore;
    return { fingerprint, ...(notAfter ? { notAfter } : {}), ...(notBefore ? { notBefore } : {}) };
  }
  const view = previous.view?.fingerprintSha256 === fingerprint ? previous.view?.notBefore : undefined;
  const notBefore = isUtcInstant(view) ? view : cache?.notBefore;
  return {
    fingerprint,
    ...(previous.notAfter ? { notAfter: previous.notAfter } : {}),
    ...(notBefore ? { notBefore } : {}),
  };
}

/**
 * How long before its notAfter the stored certificate became due (docs/reference.md, Expiry policy): the
 * threshold days, or its percent of the lifetime when set and its notBefore is known, whichever is longer
 * (the critical level's too).
 */
function windowMs(stored: StoredCertificate, settings: Settings): number {
  const notAfter = new Date(stored.notAfter ?? 0);
  const notBefore = isUtcInstant(stored.notBefore) ? new Date(stored.notBefore) : notAfter;
  const known = { notBefore, notAfter } as Certificate;
  return Math.max(settings.thresholdDays * MS_PER_DAY, expiringWindowMs(known, settings));
}

/** `{appliance}[:{name}]:{fp8}:replaced`: the same for every retry of one replacement, whatever the run. */
export function replacedId(subject: ReplacedSubject, fingerprint: string): string {
  const parts = [subject.appliance];
  if (subject.certificate !== undefined) parts.push(subject.certificate);
  parts.push(shortFingerprint(fingerprint), 'replaced');
  return parts.join(':').replace(NOTIFICATION_ID_UNSAFE, '_');
}

/** The `replaced` notification for a pending replacement; `next` supplies the new certificate's notAfter. */
export function replacedNotification(
  subject: ReplacedSubject,
  pending: PendingReplaced,
  next: ApplianceState,
  observedAt: string,
): NotificationV2 {
  return {
    id: replacedId(subject, pending.fingerprint),
    appliance: subject.appliance,
    address: subject.address,
    ...(subject.certificate !== undefined ? { certificate: subject.certificate } : {}),
    event: 'replaced',
    observedAt,
    ...(newNotAfter(next, pending) ? { notAfter: newNotAfter(next, pending) } : {}),
    fingerprintSha256: pending.fingerprint,
    previousFingerprintSha256: pending.previous,
    daysEarly: pending.daysEarly,
  };
}

/** The new certificate's notAfter: the leaf's own while a chain certificate decides. */
function newNotAfter(next: ApplianceState, pending: PendingReplaced): string | undefined {
  if (next.leafFingerprint !== undefined)
    return next.leafFingerprint === pending.fingerprint ? next.leafNotAfter : undefined;
  return next.fingerprint === pending.fingerprint ? next.notAfter : undefined;
}

/** The `replaced` catalogue line: how early, both fingerprints, and that clients must register the new one. */
export function replacedLogEntry(subject: ReplacedSubject, pending: PendingReplaced): LogEntry {
  const params = {
    certificate: subject.certificate ?? 'NTLS',
    appliance: subject.appliance,
    days: pending.daysEarly,
    previous: pending.previous,
    fingerprint: pending.fingerprint,
  };
  return logEntry('replaced', params, subject.appliance);
}

/** A stored pending replacement in canonical form, or undefined when absent or malformed (it is untrusted JSON). */
export function usablePendingReplaced(value: unknown): PendingReplaced | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const { fingerprint, previous, daysEarly, detectedAt } = v;
  if (typeof fingerprint !== 'string' || fingerprint.length > 200) return undefined;
  if (typeof previous !== 'string' || previous.length > 200) return undefined;
  if (typeof daysEarly !== 'number' || !Number.isSafeInteger(daysEarly) || daysEarly < 0) return undefined;
  if (!isUtcInstant(detectedAt)) return undefined;
  return { fingerprint, previous, daysEarly, detectedAt: detectedAt as string };
}
