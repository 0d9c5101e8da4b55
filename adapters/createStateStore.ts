/** Builds the state store named by a `CERTMONITOR_STATE` location (docs/reference.md, Configuration). */
import { ConfigError } from '../app/errors.ts';
import type { ReportStore, StateStore } from '../app/ports.ts';
import { type AdapterDeps, awsAdapter, ensureDirectory, S3_BACKEND } from './adapterDeps.ts';
import { DirStateStore } from './dir/dirStateStore.ts';

/** A state location: the per-appliance records and the fleet report's folder. */
export type StateLocation = StateStore & ReportStore;

/**
 * The store for `dir:PATH` (created when absent, unless `readOnly`: a what-if run creates nothing) or
 * `s3://bucket/prefix/`. Throws {@link ConfigError} naming `CERTMONITOR_STATE` for a location that cannot
 * be used.
 */
export async function createStateStore(
  spec: string,
  deps: AdapterDeps & { readonly readOnly?: boolean } = {},
): Promise<StateLocation> {
  const setting = 'CERTMONITOR_STATE (--state)';
  if (spec.startsWith('dir:')) {
    const dir = spec.slice('dir:'.length);
    if (!deps.readOnly) await ensureDirectory(dir, setting);
    return new DirStateStore(dir);
  }
  if (spec.startsWith('s3://')) {
    const adapter = async () => (await import('./s3/s3StateStore.ts')).S3StateStore;
    return awsAdapter(spec, setting, deps, S3_BACKEND, adapter);
  }
  throw new ConfigError(`${setting} must be dir:PATH or s3://bucket/prefix/`);
}
