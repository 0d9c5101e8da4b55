/**
 * The expiry levels of a certificate (docs/reference.md, Expiry policy): the warning level (within D days
 * or, when set, P % of the certificate's lifetime, whichever comes first) and the optional critical level
 * (its own days and percent). Each level is a window before notAfter; a certificate inside the larger of
 * the two is `expiring`, and, only when a critical level is configured, its severity says which level it
 * is in. Pure and runtime-neutral.
 */
import type { AlertSeverity } from '../protocol/notificationV2.ts';
import type { Certificate, CriticalLevel, Settings } from './types.ts';

const MS_PER_DAY = 86_400_000;

/** What of {@link Settings} the levels depend on beyond the threshold days. */
export type ExpiryLevels = Pick<Settings, 'thresholdPercent' | 'critical'>;

/**
 * True when `remainingMs` is at most `percent` % of the certificate's lifetime. A certificate whose
 * lifetime is not positive (notBefore at or after notAfter) has no percent window: a share of nothing
 * (or of a negative span) is no threshold, and the days still apply.
 */
function withinPercent(cert: Certificate, remainingMs: number, percent: number | undefined): boolean {
  if (percent === undefined) return false;
  const lifetimeMs = cert.notAfter.getTime() - cert.notBefore.getTime();
  if (!(lifetimeMs > 0)) return false;
  // Multiplied out, so the boundary (exactly P %) is decided without a division's rounding.
  return remainingMs * 100 <= lifetimeMs * percent;
}

/**
 * The length of a level's window before notAfter, in ms: the larger of its days and its percent of the
 * lifetime (0 for a part that is unset or a lifetime that is not positive). Rounded up to the ms, so the
 * instant `notAfter − window` is already inside the level.
 */
export function levelWindowMs(cert: Certificate, days: number | undefined, percent: number | undefined): number {
  const lifetimeMs = cert.notAfter.getTime() - cert.notBefore.getTime();
  const byPercent = percent !== undefined && lifetimeMs > 0 ? Math.ceil((lifetimeMs * percent) / 100) : 0;
  return Math.max(days === undefined ? 0 : days * MS_PER_DAY, byPercent);
}

/** True when `remainingMs` (≥ 0) is inside the critical level (`critical` configured). */
function withinCritical(cert: Certificate, remainingMs: number, critical: CriticalLevel): boolean {
  if (critical.days !== undefined && remainingMs <= critical.days * MS_PER_DAY) return true;
  return withinPercent(cert, remainingMs, critical.percent);
}

/**
 * True when a certificate not yet expired with `remainingMs` left is `expiring`: within the threshold days,
 * or the threshold percent of its lifetime, or its critical level (a critical certificate is always at
 * least expiring, whatever the warning level says).
 */
export function isExpiring(
  cert: Certificate,
  remainingMs: number,
  thresholdDays: number,
  levels: ExpiryLevels,
): boolean {
  if (remainingMs <= thresholdDays * MS_PER_DAY) return true;
  if (withinPercent(cert, remainingMs, levels.thresholdPercent)) return true;
  return levels.critical !== undefined && withinCritical(cert, remainingMs, levels.critical);
}

/**
 * The severity of an expiring (`remainingMs` ≥ 0) or expired (`remainingMs` < 0) certificate: undefined
 * unless a critical level is configured; then `critical` once expired or inside the critical level, else
 * `warning`.
 */
export function expirySeverity(
  cert: Certificate,
  remainingMs: number,
  levels: ExpiryLevels,
): AlertSeverity | undefined {
  const { critical } = levels;
  if (critical === undefined) return undefined;
  return remainingMs < 0 || withinCritical(cert, remainingMs, critical) ? 'critical' : 'warning';
}

/** The window before notAfter from which a certificate is expiring (the warning level and, if any, the critical). */
export function expiringWindowMs(cert: Certificate, settings: Settings): number {
  const warning = levelWindowMs(cert, settings.thresholdDays, settings.thresholdPercent);
  const { critical } = settings;
  return critical === undefined ? warning : Math.max(warning, levelWindowMs(cert, critical.days, critical.percent));
}

/** The window before notAfter from which a certificate is critical (a critical level must be configured). */
export function criticalWindowMs(cert: Certificate, critical: CriticalLevel): number {
  return levelWindowMs(cert, critical.days, critical.percent);
}

/** The levels as flat values (a stored view's, `inspect`'s flags), only those set. */
export interface FlatLevels {
  readonly thresholdPercent?: number | undefined;
  readonly criticalDays?: number | undefined;
  readonly criticalPercent?: number | undefined;
}

/**
 * The {@link ExpiryLevels} of flat values: a critical level when its days or percent is set. Its repeat
 * interval is `repeatHours`, which a single evaluation does not use.
 */
export function expiryLevelsOf(flat: FlatLevels, repeatHours: number): ExpiryLevels {
  const { thresholdPercent, criticalDays, criticalPercent } = flat;
  const critical =
    criticalDays === undefined && criticalPercent === undefined
      ? undefined
      : {
          ...(criticalDays === undefined ? {} : { days: criticalDays }),
          ...(criticalPercent === undefined ? {} : { percent: criticalPercent }),
          repeatHours,
        };
  return {
    ...(thresholdPercent === undefined ? {} : { thresholdPercent }),
    ...(critical === undefined ? {} : { critical }),
  };
}
