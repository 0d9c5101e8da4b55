/** ASN.1 UTCTime / GeneralizedTime as used by X.509 validity (RFC 5280 §4.1.2.5). */
import { TAG } from './derReader.ts';
import { InvalidCertificateError } from './errors.ts';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(der: Uint8Array, pos: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) {
    const d = (der[pos + i] as number) - 0x30;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * Decodes the contents of a UTCTime (`YYMMDDHHMMSSZ`, YY ≥ 50 is 19YY) or GeneralizedTime
 * (`YYYYMMDDHHMMSSZ`, e.g. RFC 5280's "no expiry" `99991231235959Z`) to milliseconds since the epoch.
 * Only the forms RFC 5280 allows are accepted: seconds present, UTC `Z`, no fractions.
 *
 * Every GeneralizedTime year 0000–9999 is read as written, in the proleptic Gregorian calendar, as
 * OpenSSL reads it: RFC 5280 sets no lower bound, and Go tools write their zero time `00010101000000Z`
 * as notBefore. Year 0000 (a leap year) is accepted too, as OpenSSL accepts it.
 */
export function parseAsn1Time(der: Uint8Array, tag: number, offset: number, end: number, what: string): number {
  let year: number;
  let pos = offset;
  if (tag === TAG.UTC_TIME) {
    if (end - offset !== 13) throw new InvalidCertificateError(`unsupported ${what} time format`);
    const yy = digits(der, pos, 2);
    year = yy < 0 ? -1 : yy >= 50 ? 1900 + yy : 2000 + yy;
    pos += 2;
  } else if (tag === TAG.GENERALIZED_TIME) {
    if (end - offset !== 15) throw new InvalidCertificateError(`unsupported ${what} time format`);
    year = digits(der, pos, 4);
    pos += 4;
  } else {
    throw new InvalidCertificateError(`${what} is not a time`);
  }
  const month = digits(der, pos, 2);
  const day = digits(der, pos + 2, 2);
  const hour = digits(der, pos + 4, 2);
  const minute = digits(der, pos + 6, 2);
  const second = digits(der, pos + 8, 2);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays =
    month >= 1 && month <= 12 ? (DAYS_IN_MONTH[month - 1] as number) + (month === 2 && leap ? 1 : 0) : 0;
  if (
    year < 0 ||
    day < 1 ||
    day > monthDays ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59 ||
    der[pos + 10] !== 0x5a
  ) {
    throw new InvalidCertificateError(`invalid ${what} time`);
  }
  return utcMilliseconds(year, month, day, hour, minute, second);
}

/**
 * The instant of a UTC calendar date and time. Not `Date.UTC`: it takes years 0–99 as 1900–1999,
 * so the year is set with `setUTCFullYear`, which takes every year literally.
 */
function utcMilliseconds(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}
