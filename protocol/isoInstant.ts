/**
 * The one check of ISO 8601 instants, for every place that reads one: the wire protocol, stored state,
 * event times and `--now`. Strict: a calendar date that does not exist (Feb 30) is refused instead of
 * rolling over, and years 0000–9999 are read exactly (Go's zero time 0001-01-01 included).
 */

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** What a caller accepts besides a full UTC instant. */
export interface IsoInstantOptions {
  /** A zone other than `Z` (`+02:00`). Default true. */
  readonly offset?: boolean;
  /** A date alone (`2026-11-24`, midnight UTC). Default false. */
  readonly dateOnly?: boolean;
  /** Seconds may be left out (`2026-11-24T12:00Z`). Default true. */
  readonly withoutSeconds?: boolean;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Milliseconds since the epoch of an ISO 8601 instant, or undefined when `text` is not one. */
export function parseIsoInstant(text: string, options: IsoInstantOptions = {}): number | undefined {
  const m = INSTANT.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (h === undefined) {
    if (!options.dateOnly) return undefined;
    return utc(year, month, day, 0, 0, 0, 0);
  }
  if (s === undefined && options.withoutSeconds === false) return undefined;
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    if (options.offset === false) return undefined;
    const digits = (zone as string).replace(':', '');
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5));
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (digits.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Math.floor(Number(`0.${fraction ?? '0'}`) * 1000);
  return utc(year, month, day, hour, minute, second, ms) - offsetMinutes * 60_000;
}

/** Date.UTC without its mapping of years 0–99 to 1900–1999. */
function utc(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number) {
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

/** True when `text` is an ISO 8601 UTC instant as this project writes them (`2026-11-24T12:00:00.000Z`). */
export function isUtcInstant(text: unknown): text is string {
  return typeof text === 'string' && parseIsoInstant(text, { offset: false, withoutSeconds: false }) !== undefined;
}

/*
 * Outside years 0000-9999 `toISOString` writes six digits and a sign (`+010000-…`, `-000001-…`), which the
 * state, the certificate cache and the gateway refuse. Certificate times always lie inside (an ASN.1 time
 * has at most four year digits); the evaluation instant is checked where it enters (`--now`, a scheduled
 * event's `time`), so every instant stored, sent or put in a notification id has the four-digit form.
 */

/** 0000-01-01T00:00:00.000Z. */
export const EARLIEST_ISO_INSTANT_MS = -62_167_219_200_000;
/** 9999-12-31T23:59:59.999Z. */
export const LATEST_ISO_INSTANT_MS = 253_402_300_799_999;

/** True when `ms` is an instant whose `toISOString` has a four-digit year. */
export function hasFourDigitYear(ms: number): boolean {
  return ms >= EARLIEST_ISO_INSTANT_MS && ms <= LATEST_ISO_INSTANT_MS;
}
