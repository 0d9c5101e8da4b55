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
 * The unplanned replacement `cert` makes of the stored certificate at `now`, or undefined when it is a
 * first sight, the same certificate, or a renewal (the stored one was within the threshold or expired).
 */
export function unplannedReplacement(
  previous: ApplianceState | undefined,
  cert: Certificate,
  settings: Settings,
  now: Date,
): PendingReplaced | undefined {
  if (previous?.fingerprint === undefined || previous.fingerprint === cert.fingerprintSha256) return undefined;
  if (previous.notAfter === undefined) return undefined;
  const thresholdAt = Date.parse(previous.notAfter) - windowMs(previous, settings);
  // Within the threshold is `notAfter − now ≤ window`: only a certificate strictly before it was replaced early.
  if (!(now.getTime() < thresholdAt)) return undefined;
  return {
    fingerprint: cert.fingerprintSha256,
    previous: previous.fingerprint,
    daysEarly: Math.floor((thresholdAt - now.getTime()) / MS_PER_DAY),
    detectedAt: now.toISOString(),
  };
}

/**
 * How long before its notAfter the stored certificate became due (docs/reference.md, Expiry policy): the
 * threshold days, or its percent of the lifetime when set and the stored view or cache still tells the
 * certificate's notBefore, whichever is longer (the critical level's too).
 */
function windowMs(previous: ApplianceState, settings: Settings): number {
  const sameView = previous.view?.fingerprintSha256 === previous.fingerprint ? previous.view?.notBefore : undefined;
  const sameCache =
    previous.certificate?.fingerprintSha256 === previous.fingerprint ? previous.certificate?.notBefore : undefined;
  const notAfter = new Date(previous.notAfter ?? 0);
  const notBefore = isUtcInstant(sameView)
    ? new Date(sameView)
    : isUtcInstant(sameCache)
      ? new Date(sameCache)
      : notAfter;
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
    ...(next.fingerprint === pending.fingerprint && next.notAfter ? { notAfter: next.notAfter } : {}),
    fingerprintSha256: pending.fingerprint,
    previousFingerprintSha256: pending.previous,
    daysEarly: pending.daysEarly,
  };
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
