/**
 * Builds the collector's destination named by a `CERTMONITOR_COLLECT_TO` location (README, Collecting
 * certificates). The AWS adapters are imported only when a location needs them.
 */
import { mkdir } from 'node:fs/promises';
import { ConfigError } from '../app/errors.ts';
import type { CertificateDestination } from '../app/ports.ts';
import { type AdapterDeps, parseLocation } from './adapterDeps.ts';
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
  const clientOptions = { env: deps.env, maxSockets: deps.maxSockets };
  if (spec.startsWith('dir:')) {
    const dir = spec.slice('dir:'.length);
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw new ConfigError(`${setting}: the directory cannot be created`, { cause: error });
    }
    return new DirDestination(dir);
  }
  if (spec.startsWith('s3://')) {
    const { parseS3Location } = await import('./s3/s3Location.ts');
    const location = parseLocation(spec, setting, parseS3Location);
    const [{ createS3Client }, { S3Destination }] = await Promise.all([
      import('./s3/s3Client.ts'),
      import('./s3/s3Destination.ts'),
    ]);
    return new S3Destination(createS3Client(clientOptions), location);
  }
  if (spec.startsWith('ssm:')) {
    const { parseSsmLocation } = await import('./ssm/ssmLocation.ts');
    const path = parseLocation(spec, setting, parseSsmLocation);
    const [{ createSsmClient }, { SsmDestination }] = await Promise.all([
      import('./ssm/ssmClient.ts'),
      import('./ssm/ssmDestination.ts'),
    ]);
    return new SsmDestination(createSsmClient(clientOptions), path);
  }
  throw new ConfigError(`${setting} must be dir:PATH, s3://bucket/prefix/ or ssm:/prefix/`);
}
