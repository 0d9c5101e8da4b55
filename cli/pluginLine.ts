/**
 * `inspect --plugin`: the one line a monitoring agent (Nagios, Icinga, Zabbix, Sensu) shows, in the
 * monitoring-plugin format `CERTMONITOR STATE - text | days=N;WARN:;CRIT:;;` (docs/monitoring.md, `inspect` as a monitoring
 * plugin), and the plugin exit status that goes with it.
 */
import { sanitizeLogValue } from '../core/catalogue.ts';
import { formatOpensslDate } from '../core/opensslDate.ts';
import type { Evaluation, Status } from '../core/types.ts';

/** Monitoring-plugin states by exit status. */
const STATE_NAMES = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;

/** Plugin exit statuses by certificate status: OK, WARNING, CRITICAL, UNKNOWN. */
const EXIT_BY_STATUS: Readonly<Record<Status, number>> = {
  valid: 0,
  expiring: 1,
  expired: 2,
  not_yet_valid: 2,
  missing: 3,
  invalid: 3,
  unavailable: 3,
};

/** Exit status for a usage error of `inspect`: UNKNOWN, as the plugin guidelines ask. */
export const EXIT_PLUGIN_UNKNOWN = 3;

/** The thresholds of one `inspect` run, in days. */
export interface PluginThresholds {
  /** `--days`: WARNING from this many days before notAfter. */
  readonly warningDays: number;
  /** `--critical`: CRITICAL from this many days before notAfter; absent = only once expired. */
  readonly criticalDays?: number;
  /** `--percent`: WARNING also within this percent of the lifetime (docs/reference.md, Expiry policy). */
  readonly warningPercent?: number;
  /** `--critical-percent`: CRITICAL also within this percent of the lifetime. */
  readonly criticalPercent?: number;
}

/**
 * The exit status: 0 valid, 1 expiring, 2 expired / not yet valid, 3 missing / invalid. With a critical
 * threshold an expiring certificate within it is 2 as well, by the same rule as the warning threshold
 * (notAfter − now ≤ D days), and so is one the evaluation found critical (within `--critical-percent`).
 */
export function pluginExitCode(evaluation: Evaluation, thresholds: PluginThresholds): number {
  const { criticalDays } = thresholds;
  if (evaluation.status === 'expiring' && evaluation.severity === 'critical') return 2;
  if (
    evaluation.status === 'expiring' &&
    criticalDays !== undefined &&
    evaluation.secondsRemaining !== undefined &&
    evaluation.secondsRemaining <= criticalDays * 86_400
  ) {
    return 2;
  }
  return EXIT_BY_STATUS[evaluation.status];
}

/** The certificate's subject CN, else `fallback`, bounded and without control characters. */
function labelOf(evaluation: Evaluation, fallback: string): string {
  const subject = evaluation.certificate?.subject ?? '';
  const cn = /(?:^|, )CN=((?:\\.|[^,\\])+)/.exec(subject)?.[1];
  return sanitizeLogValue(cn ?? fallback, 64);
}

/** `N day(s)` for a whole number of days. */
function days(n: number): string {
  return `${n} day${n === 1 ? '' : 's'}`;
}

/** What the line says about the certificate. */
function describe(evaluation: Evaluation, label: string): string {
  const cert = evaluation.certificate;
  const remaining = evaluation.daysRemaining ?? 0;
  switch (evaluation.status) {
    case 'valid':
    case 'expiring':
      return `${label} certificate expires in ${days(remaining)} (${formatOpensslDate(cert!.notAfter)})`;
    case 'expired': {
      const ago = Math.floor(-(evaluation.secondsRemaining ?? 0) / 86_400);
      const when = ago === 0 ? 'less than a day' : days(ago);
      return `${label} certificate expired ${when} ago (${formatOpensslDate(cert!.notAfter)})`;
    }
    case 'not_yet_valid':
      return `${label} certificate is not valid before ${formatOpensslDate(cert!.notBefore)}`;
    case 'missing':
      return `${label}: certificate file is missing`;
    case 'invalid':
      return `${label}: certificate is invalid: ${evaluation.error ?? 'unreadable'}`;
    case 'unavailable':
      return `${label}: certificate could not be read: ${evaluation.error ?? 'unavailable'}`;
  }
}

/**
 * The plugin's line, ending in a newline. Performance data (`days`, the whole days remaining, with the
 * thresholds as ranges: `30:` alerts below 30) is given whenever a certificate was read.
 * `fallbackLabel` names the certificate when its subject has no CN (the file name, or `stdin`).
 */
export function pluginLine(evaluation: Evaluation, thresholds: PluginThresholds, fallbackLabel: string): string {
  const state = STATE_NAMES[pluginExitCode(evaluation, thresholds)];
  // A '|' would start the performance data early: names and reasons come from the certificate.
  const text = describe(evaluation, labelOf(evaluation, fallbackLabel)).replaceAll('|', '/');
  if (evaluation.daysRemaining === undefined) return `CERTMONITOR ${state} - ${text}\n`;
  const critical = thresholds.criticalDays === undefined ? '' : `${thresholds.criticalDays}:`;
  const perfdata = `days=${perfDays(evaluation)};${thresholds.warningDays}:;${critical};;${notYetValidPerfdata(evaluation)}`;
  const lifetime = lifetimeLeft(evaluation, thresholds);
  if (lifetime === undefined) return `CERTMONITOR ${state} - ${text} | ${perfdata}\n`;
  return `CERTMONITOR ${state} - ${text}, ${lifetime.text} | ${perfdata}${lifetime.perfdata}\n`;
}

/**
 * Only with `--percent` or `--critical-percent` (docs/reference.md, Expiry policy): the share of the
 * lifetime left, in the text (`12.3 % of its lifetime left`) and as performance data with the percent
 * thresholds as ranges (`lifetime_left=12.3%;33:;10:;0;100`). None for a lifetime that is not positive.
 */
function lifetimeLeft(
  evaluation: Evaluation,
  thresholds: PluginThresholds,
): { readonly text: string; readonly perfdata: string } | undefined {
  const { warningPercent, criticalPercent } = thresholds;
  const cert = evaluation.certificate;
  if ((warningPercent === undefined && criticalPercent === undefined) || cert === undefined) return undefined;
  if (evaluation.status === 'not_yet_valid') return undefined;
  const lifetimeMs = cert.notAfter.getTime() - cert.notBefore.getTime();
  if (!(lifetimeMs > 0) || evaluation.secondsRemaining === undefined) return undefined;
  // One decimal, rounded down, so the figure shown is never above the threshold it is compared with.
  const left = Math.floor((evaluation.secondsRemaining * 1000 * 1000) / lifetimeMs) / 10;
  const warn = warningPercent === undefined ? '' : `${warningPercent}:`;
  const crit = criticalPercent === undefined ? '' : `${criticalPercent}:`;
  return { text: `${left} % of its lifetime left`, perfdata: ` lifetime_left=${left}%;${warn};${crit};0;100` };
}

/**
 * Whole days remaining, counted as the text counts them: an expired certificate's days are the days since
 * it expired, negated, so "expired 705 days ago" goes with `days=-705` (the floor would say -706).
 */
function perfDays(evaluation: Evaluation): number {
  const seconds = evaluation.secondsRemaining ?? 0;
  if (evaluation.status === 'expired') return -Math.floor(-seconds / 86_400);
  return evaluation.daysRemaining ?? 0;
}

/**
 * A certificate that is not valid yet is CRITICAL whatever its days remaining: `days_until_valid` with the
 * critical range `0` (anything above zero alerts) lets a graphing agent see the same state as the line.
 */
function notYetValidPerfdata(evaluation: Evaluation): string {
  if (evaluation.status !== 'not_yet_valid' || evaluation.certificate === undefined) return '';
  const { notBefore, notAfter } = evaluation.certificate;
  // The evaluation instant, as the evaluation saw it: notAfter less the seconds remaining.
  const now = notAfter.getTime() - (evaluation.secondsRemaining ?? 0) * 1000;
  return ` days_until_valid=${Math.ceil((notBefore.getTime() - now) / 86_400_000)};;0;;`;
}

/** The line for a usage error: UNKNOWN with the message (which names the bad value). */
export function pluginUsageLine(message: string): string {
  return `CERTMONITOR UNKNOWN - ${sanitizeLogValue(message, 300).replaceAll('|', '/')}\n`;
}
