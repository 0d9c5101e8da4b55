/** Date formats operators already know from OpenSSL and from the appliance's lunalogs view. */
import { monthName } from './monthNames.ts';

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `%e`: day of month padded with a space, as C's strftime does. */
function spaceDay(n: number): string {
  return n < 10 ? ` ${n}` : String(n);
}

function clock(d: Date): string {
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** OpenSSL's `%b %e %H:%M:%S %Y GMT` in UTC: `Jul 26 16:32:48 2023 GMT`, `Jul  6 05:04:03 2027 GMT`. */
export function formatOpensslDate(d: Date): string {
  return `${monthName(d)} ${spaceDay(d.getUTCDate())} ${clock(d)} ${d.getUTCFullYear()} GMT`;
}

/** The lunalogs timestamp `%Y %b %e %H:%M:%S` in UTC: `2012 Feb 29 12:05:01`, `2027 Jul  6 05:04:03`. */
export function formatLunaTimestamp(d: Date): string {
  return `${d.getUTCFullYear()} ${monthName(d)} ${spaceDay(d.getUTCDate())} ${clock(d)}`;
}
