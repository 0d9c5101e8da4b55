import { S3LocationError } from '../errors.ts';
/** Parsing of `s3://bucket/prefix/` locations (docs/reference.md, Configuration). */

/** A bucket and a key prefix that is empty or ends with `/`. */
export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

// Bucket naming rules of S3 (3–63 characters, lowercase, digits, dots, hyphens).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses `s3://bucket/prefix/`; a prefix without a trailing slash gets one, so `{prefix}{appliance}` is a folder. */
export function parseS3Location(url: string): S3Location {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  if (!match) throw new S3LocationError('expected s3://bucket/prefix/');
  const bucket = match[1] ?? '';
  if (!BUCKET.test(bucket)) throw new S3LocationError('invalid S3 bucket name');
  let prefix = match[2] ?? '';
  if (prefix.startsWith('/')) throw new S3LocationError('S3 prefix must not start with /');
  if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
  return { bucket, prefix };
}
