import { SsmLocationError } from '../errors.ts';
/** Parsing of `ssm:/prefix/` locations (docs/reference.md, Configuration). */

/** Parses `ssm:/prefix/` into a parameter path that starts and ends with `/`. */
export function parseSsmLocation(url: string): string {
  const match = /^ssm:(\/[A-Za-z0-9_.\-/]*)$/.exec(url);
  if (!match?.[1]) throw new SsmLocationError('expected ssm:/path/ (letters, digits, _ . - /)');
  return match[1].endsWith('/') ? match[1] : `${match[1]}/`;
}
