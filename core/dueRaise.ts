/**
 * When an expiry alert is raised (docs/design.md, Alert policy), for an appliance's certificates and a
 * Luna client's alike: the first raise of a certificate at once, then once per H; only with a critical
 * level (docs/reference.md, Expiry policy) entering `critical` after a lower alert is due at once (an
 * escalation, even inside H) and while critical the repeat interval is `critical.repeatHours`. Pure.
 */
import type { AlertSeverity } from '../protocol/notificationV2.ts';
import { criticalWindowMs, expiringWindowMs } from './expiryLevels.ts';
import type { Certificate, Settings } from './types.ts';

const MS_PER_HOUR = 3_600_000;

/** What the stored state remembers of a certificate's alerts. */
export interface RaiseHistory {
  /** The evaluation instant of the last delivered raise of this certificate; absent while none was. */
  readonly lastAlertAt?: string | undefined;
  /** That raise's severity (only with a critical level). */
  readonly lastAlertSeverity?: AlertSeverity | undefined;
  /** Since when this certificate has been seen. */
  readonly fingerprintSince?: string | undefined;
}

/** Everything the raise depends on. */
export interface RaiseInput {
  readonly status: 'expiring' | 'expired';
  readonly cert: Certificate;
  /** The evaluation's severity: undefined unless a critical level is configured. */
  readonly severity: AlertSeverity | undefined;
  readonly history: RaiseHistory;
  readonly settings: Settings;
  readonly now: Date;
}

/** A raise that is due: the instant it became due (ids derive from it) and the suffix its id takes. */
export interface DueRaise {
  readonly dueAt: number;
  /** `:critical` for a critical raise, so an escalation never shares an id with the warning before it. */
  readonly idSuffix: '' | ':critical';
}

/** The raise due now, if any. */
export function dueRaise(input: RaiseInput): DueRaise | undefined {
  const { severity, history, now } = input;
  const last = history.lastAlertAt === undefined ? undefined : Date.parse(history.lastAlertAt);
  const escalation = severity === 'critical' && last !== undefined && history.lastAlertSeverity !== 'critical';
  const repeatMs = repeatHours(input.settings, severity, history.lastAlertSeverity) * MS_PER_HOUR;
  if (!(last === undefined || escalation || now.getTime() - last >= repeatMs)) return undefined;
  return { dueAt: raiseDueAt(input, last, repeatMs, escalation), idSuffix: severity === 'critical' ? ':critical' : '' };
}

/** The repeat interval: `critical.repeatHours` while the certificate and the last raise are critical, else H. */
function repeatHours(
  settings: Settings,
  severity: AlertSeverity | undefined,
  lastSeverity: AlertSeverity | undefined,
): number {
  const critical = settings.critical;
  return critical && severity === 'critical' && lastSeverity === 'critical'
    ? critical.repeatHours
    : settings.repeatHours;
}

/**
 * The instant a raise became due, from the stored state and the certificate only (so a retry keeps it):
 * the last raise + the repeat interval; for an escalation the instant the certificate entered the critical
 * level (not before it was seen nor before the last raise); for a first raise the instant it entered the
 * expiring (or critical) window or expired, not before it was seen.
 */
function raiseDueAt(input: RaiseInput, last: number | undefined, repeatMs: number, escalation: boolean): number {
  const { settings, status, cert, severity } = input;
  const seenSince = Date.parse(input.history.fingerprintSince ?? input.now.toISOString());
  const notAfter = cert.notAfter.getTime();
  const critical = settings.critical;
  const enteredCritical =
    status === 'expired' || critical === undefined ? notAfter : notAfter - criticalWindowMs(cert, critical);
  if (escalation) return Math.max(enteredCritical, seenSince, last ?? seenSince);
  if (last !== undefined) return last + repeatMs;
  if (status === 'expired') return Math.max(notAfter, seenSince);
  const entered = severity === 'critical' ? enteredCritical : notAfter - expiringWindowMs(cert, settings);
  return Math.max(entered, seenSince);
}
