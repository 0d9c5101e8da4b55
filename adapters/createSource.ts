/** Builds the certificate source named by a `CERTMONITOR_SOURCE` location (README, Configuration). */
import { stat } from 'node:fs/promises';
import { ConfigError } from '../app/checkConfig.ts';
import type { CertificateSource, LogSink } from '../app/ports.ts';
import { DirSource } from './dir/dirSource.ts';
import type { S3Location } from './s3/s3Location.ts';

/** What the factories may need besides the location. */
export interface AdapterDeps {
  /** Where adapters report skipped entries. */
  readonly log?: LogSink;
  /** The environment for endpoint overrides (defaults to the process's). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Sockets per AWS client: at least the pipeline's concurrency. */
  readonly maxSockets?: number;
}

/** Re-raises a location parser's error as a {@link ConfigError} naming the setting. */
function locationError(setting: string, error: unknown): ConfigError {
  const reason = error instanceof Error ? error.message : 'invalid location';
  return new ConfigError(`${setting}: ${reason}`, { cause: error });
}

/** Parses an `s3://bucket/prefix/` setting; a bad one is a {@link ConfigError} naming `setting`. */
export async function s3LocationFor(spec: string, setting: string): Promise<S3Location> {
  const { parseS3Location } = await import('./s3/s3Location.ts');
  try {
    return parseS3Location(spec);
  } catch (error) {
    throw locationError(setting, error);
  }
}

/**
 * The AWS adapters are imported only when a location needs them: loading the SDK costs about a second,
 * which a `dir:` run (and every CLI start) should not pay.
 *
 * The source for `dir:PATH` (which must be an existing directory), `s3://bucket/prefix/` or `ssm:/prefix/`.
 * Throws {@link ConfigError} naming `CERTMONITOR_SOURCE` for a location that cannot be used.
 */
export async function createSource(spec: string, deps: AdapterDeps = {}): Promise<CertificateSource> {
  const setting = 'CERTMONITOR_SOURCE (--source)';
  if (spec.startsWith('dir:')) {
    const dir = spec.slice('dir:'.length);
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) throw new ConfigError(`${setting}: directory not found`);
    return new DirSource(dir, deps.log);
  }
  if (spec.startsWith('s3://')) {
    const location = await s3LocationFor(spec, setting);
    const [{ createS3Client }, { S3Source }] = await Promise.all([
      import('./aws/awsClients.ts'),
      import('./s3/s3Source.ts'),
    ]);
    return new S3Source(createS3Client({ env: deps.env, maxSockets: deps.maxSockets }), location);
  }
  if (spec.startsWith('ssm:')) {
    const [{ createSsmClient }, { parseSsmLocation, SsmSource }] = await Promise.all([
      import('./aws/awsClients.ts'),
      import('./ssm/ssmSource.ts'),
    ]);
    let path: string;
    try {
      path = parseSsmLocation(spec);
    } catch (error) {
      throw locationError(setting, error);
    }
    return new SsmSource(createSsmClient({ env: deps.env, maxSockets: deps.maxSockets }), path);
  }
  throw new ConfigError(`${setting} must be dir:PATH, s3://bucket/prefix/ or ssm:/prefix/`);
}
