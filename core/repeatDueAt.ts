/**
 * The once-per-H rule of a Luna client's reports (docs/clients.md, What certmonitor tells you): the first
 * is due at once, each next one H after the last delivered. Pure.
 */

const MS_PER_HOUR = 3_600_000;

/**
 * The instant a report is due at (its id derives from it): `first` while none was delivered (`last`
 * undefined), else `last` + H; undefined while the last delivered one is younger than H.
 */
export function repeatDueAt(
  last: number | undefined,
  first: number,
  repeatHours: number,
  now: Date,
): number | undefined {
  const repeatMs = repeatHours * MS_PER_HOUR;
  if (last !== undefined && now.getTime() - last < repeatMs) return undefined;
  return last === undefined ? first : last + repeatMs;
}
