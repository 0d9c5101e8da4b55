/** Builds the state store named by a `CERTMONITOR_STATE` location (SPEC §8). */
import { mkdir } from 'node:fs/promises';
import { ConfigError } from '../app/checkConfig.ts';
import type { StateStore } from '../app/ports.ts';
import { createS3Client } from './awsClients.ts';
import { type AdapterDeps, locationError } from './createSource.ts';
import { DirStateStore } from './dirStateStore.ts';
import { parseS3Location } from './s3Location.ts';
import { S3StateStore } from './s3StateStore.ts';

/**
 * The store for `dir:PATH` (created when absent) or `s3://bucket/prefix/`. Throws {@link ConfigError}
 * naming `CERTMONITOR_STATE` for a location that cannot be used.
 */
export async function createStateStore(spec: string, deps: AdapterDeps = {}): Promise<StateStore> {
  const setting = 'CERTMONITOR_STATE (--state)';
  if (spec.startsWith('dir:')) {
    const dir = spec.slice('dir:'.length);
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw new ConfigError(`${setting}: the directory cannot be created`, { cause: error });
    }
    return new DirStateStore(dir);
  }
  if (spec.startsWith('s3://')) {
    let location: ReturnType<typeof parseS3Location>;
    try {
      location = parseS3Location(spec);
    } catch (error) {
      throw locationError(setting, error);
    }
    return new S3StateStore(createS3Client({ env: deps.env, maxSockets: deps.maxSockets }), location);
  }
  throw new ConfigError(`${setting} must be dir:PATH or s3://bucket/prefix/`);
}
