/**
 * Syslog line formats the gateway writes (docs/design.md, Syslog): RFC 3164 (the default on the network), RFC 5424 (an
 * option) and the appliance's "lunalogs" file view. Pure: the clock, host name and PID are parameters.
 */

import type { Level, Severity } from './catalogue.ts';
import { monthName } from './monthNames.ts';
import { formatLunaTimestamp } from './opensslDate.ts';

/** Syslog facility local5 (21), as the appliance's certmonitord uses. */
export const FACILITY_LOCAL5 = 21;

/** The tag (APP-NAME) of every line. */
export const SYSLOG_TAG = 'certmonitord';

const SEVERITY_CODE: Readonly<Record<Severity, number>> = { crit: 2, err: 3, warn: 4, info: 6 };

/** Everything one syslog line carries. */
export interface SyslogRecord {
  readonly sev: Severity;
  readonly level: Level;
  /** The rendered catalogue text (already sanitized by formatMessage). */
  readonly text: string;
  /** The appliance the line is about, or the gateway's own host name for lifecycle lines. */
  readonly hostname: string;
  readonly pid: number;
  readonly now: Date;
}

/** PRI = facility × 8 + severity code. */
export function syslogPri(sev: Severity, facility = FACILITY_LOCAL5): number {
  return facility * 8 + SEVERITY_CODE[sev];
}

/** The message body shared by every format: `{level} : 0 : {text}`. */
export function syslogBody(level: Level, text: string): string {
  return `${level} : 0 : ${text}`;
}

/**
 * A HOSTNAME field must be one token of printable ASCII; anything else would let a name split the
 * header, so it is replaced (appliance names are validated before they get here; this guards the rest).
 */
export function syslogHostname(name: string): string {
  const cleaned = name.replace(/[^\x21-\x7e]/g, '-').slice(0, 255);
  return cleaned === '' ? '-' : cleaned;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** RFC 3164 `Mmm dd hh:mm:ss` in UTC, the day padded with a space (`Feb  5`). */
export function rfc3164Timestamp(d: Date): string {
  const day = d.getUTCDate();
  return `${monthName(d)} ${day < 10 ? ` ${day}` : day} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** `<PRI>Mmm dd hh:mm:ss HOSTNAME certmonitord[PID]: {level} : 0 : {text}` (no trailing newline). */
export function formatRfc3164(r: SyslogRecord): string {
  return `<${syslogPri(r.sev)}>${rfc3164Timestamp(r.now)} ${syslogHostname(r.hostname)} ${SYSLOG_TAG}[${r.pid}]: ${syslogBody(r.level, r.text)}`;
}

/** `<PRI>1 TIMESTAMP HOSTNAME certmonitord PID - - {level} : 0 : {text}` (RFC 5424, no structured data). */
export function formatRfc5424(r: SyslogRecord): string {
  return `<${syslogPri(r.sev)}>1 ${r.now.toISOString()} ${syslogHostname(r.hostname)} ${SYSLOG_TAG} ${r.pid} - - ${syslogBody(r.level, r.text)}`;
}

/**
 * The lunalogs file line:
 * `2012 Feb 29 12:05:01 myLuna  local5 info  certmonitord[1234]: info : 0 : text`
 * (two spaces after the host and after the severity word, as the appliance writes them).
 */
export function formatLunalogsLine(r: SyslogRecord): string {
  return `${formatLunaTimestamp(r.now)} ${syslogHostname(r.hostname)}  local5 ${r.sev}  ${SYSLOG_TAG}[${r.pid}]: ${syslogBody(r.level, r.text)}`;
}
