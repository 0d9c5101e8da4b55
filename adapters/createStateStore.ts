/** Builds the state location named by a `CERTMONITOR_STATE` location (docs/reference.md, Configuration). */
import path from 'node:path';
import { ConfigError } from '../app/errors.ts';
import type { RecordStore } from '../app/ports.ts';
import { ReportFolder } from '../app/reportFolder.ts';
import { type RecordFormat, StateRepository } from '../app/stateRepository.ts';
import { type AdapterDeps, awsAdapter, ensureDirectory, S3_BACKEND } from './adapterDeps.ts';
import { DirRecordStore } from './dir/dirRecordStore.ts';

/** A state location: the per-appliance records, the fleet's records and the fleet report's folder. */
export type StateLocation = StateRepository;

/** Records in a directory are text files an operator opens; each backend keeps the words it always had. */
const DIR_RECORD_FORMAT: RecordFormat = {
  newline: true,
  wording: { tooLarge: 'record is too large', notJson: 'record is not JSON' },
};

/** S3 objects hold the JSON alone. */
const S3_RECORD_FORMAT: RecordFormat = {
  newline: false,
  wording: { tooLarge: 'record too large', notJson: 'not valid JSON' },
};

/** The state location of a directory (which need not exist yet). */
export function dirStateLocation(dir: string): StateLocation {
  return new StateRepository(new DirRecordStore(dir), DIR_RECORD_FORMAT);
}

/** The state location over S3 records (or any backend that stores records the way S3 does). */
export function s3StateLocation(records: RecordStore): StateLocation {
  return new StateRepository(records, S3_RECORD_FORMAT);
}

/** A folder of report files only (`certmonitor report --out DIR`), named by its absolute path. */
export function dirReportFolder(dir: string): ReportFolder {
  return new ReportFolder(new DirRecordStore(dir), '', `${path.resolve(dir)}${path.sep}`);
}

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
    return dirStateLocation(dir);
  }
  if (spec.startsWith('s3://')) {
    const adapter = async () => (await import('./s3/s3RecordStore.ts')).S3RecordStore;
    return s3StateLocation(await awsAdapter(spec, setting, deps, S3_BACKEND, adapter));
  }
  throw new ConfigError(`${setting} must be dir:PATH or s3://bucket/prefix/`);
}
