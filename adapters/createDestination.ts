/**
 * Builds the collector's destination named by a `CERTMONITOR_COLLECT_TO` location (docs/collector.md, Collecting
 * certificates). The AWS adapters are imported only when a location needs them.
 */
import { ConfigError } from '../app/errors.ts';
import type { CertificateDestination } from '../app/ports.ts';
import { type AdapterDeps, awsLocationAdapter, ensureDirectory } from './adapterDeps.ts';
import { DirDestination } from './dir/dirDestination.ts';

/**
 * The destination for `dir:PATH` (created when absent), `s3://bucket/prefix/` or `ssm:/prefix/`. Throws
 * {@link ConfigError} naming `setting` for a location that cannot be used.
 */
export async function createDestination(
  spec: string,
  deps: AdapterDeps = {},
  setting = 'CERTMONITOR_COLLECT_TO (--to)',
): Promise<CertificateDestination> {
  if (spec.startsWith('dir:')) {
    const dir = spec.slice('dir:'.length);
    await ensureDirectory(dir, setting);
    return new DirDestination(dir);
  }
  const aws = awsLocationAdapter<CertificateDestination>(spec, setting, deps, {
    s3: async () => (await import('./s3/s3Destination.ts')).S3Destination,
    ssm: async () => (await import('./ssm/ssmDestination.ts')).SsmDestination,
  });
  if (aws) return aws;
  throw new ConfigError(`${setting} must be dir:PATH, s3://bucket/prefix/ or ssm:/prefix/`);
}
