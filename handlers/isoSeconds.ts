/** The time format of the Lambda's own JSON lines (the catalogue lines use the same). */

/** ISO 8601 to the second, like the catalogue lines. */
export function isoSeconds(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}
