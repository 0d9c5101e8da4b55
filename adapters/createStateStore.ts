/** Builds the state store named by a `CERTMONITOR_STATE` location (README, Configuration). */
import { mkdir } from 'node:fs/promises';
import { ConfigError } from '../app/errors.ts';
import type { StateStore } from '../app/ports.ts';
import { type AdapterDeps, parseLocation } from './adapterDeps.ts';
import { DirStateStore } from './dir/dirStateStore.ts';

/**
 * The store for `dir:PATH` (created when absent, unless `readOnly`: a what-if run creates nothing) or
 * `s3://bucket/prefix/`. Throws {@link ConfigError} naming `CERTMONITOR_STATE` for a location that cannot
 * be used.
 */
export async function createStateStore(
  spec: string,
  deps: AdapterDeps & { readonly readOnly?: boolean } = {},
): Promise<StateStore> {
  const setting = 'CERTMONITOR_STATE (--state)';
  if (spec.startsWith('dir:')) {
    const dir = spec.slice('dir:'.length);
    if (deps.readOnly) return new DirStateStore(dir);
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw new ConfigError(`${setting}: the directory cannot be created`, { cause: error });
    }
    return new DirStateStore(dir);
  }
  if (spec.startsWith('s3://')) {
    const { parseS3Location } = await import('./s3/s3Location.ts');
    const location = parseLocation(spec, setting, parseS3Location);
    // Loaded on demand: the AWS SDK costs about a second to import.
    const [{ createS3Client }, { S3StateStore }] = await Promise.all([
      import('./s3/s3Client.ts'),
      import('./s3/s3StateStore.ts'),
    ]);
    return new S3StateStore(createS3Client({ env: deps.env, maxSockets: deps.maxSockets }), location);
  }
  throw new ConfigError(`${setting} must be dir:PATH or s3://bucket/prefix/`);
}
