/** The English month abbreviations of C's `%b`, which OpenSSL, syslog and lunalogs dates all use. */

/** `Jan` … `Dec`, indexed by `Date#getUTCMonth()`. */
export const MONTH_NAMES = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;

/** `%b` of an instant in UTC: `Jan` … `Dec`. */
export function monthName(date: Date): string {
  return MONTH_NAMES[date.getUTCMonth()] as string;
}
