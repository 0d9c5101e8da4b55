/**
 * Where the fleet report lives in a state location (docs/monitoring.md, Fleet report), the same for every state
 * store: `{state}_report/fleet-status.json`, `{state}_report/index.html`, and the parts a sharded run is
 * assembled from under `{state}_report/parts/`. An appliance name cannot start with `_`, so the folder
 * never meets a record, and listing the records skips it.
 */
import { StateStoreError } from '../app/errors.ts';
import { isApplianceName } from '../protocol/notification.ts';

/** The report folder's name inside a state location. */
export const REPORT_FOLDER = '_report';
/** Largest report file read back (a shard's part of a very large fleet is tens of megabytes). */
export const MAX_REPORT_FILE_BYTES = 256 * 1024 * 1024;

const REPORT_NAME = /^(?:parts\/)?[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** `name` if it is a report file name (`index.html`, `parts/0-of-4.json`), else a {@link StateStoreError}. */
export function reportFileName(name: string): string {
  if (!REPORT_NAME.test(name) || name.includes('..')) throw new StateStoreError('invalid report file name');
  return name;
}

/** The appliance whose record a file or key name (`hsm01.json`) is, or undefined for anything else. */
export function recordAppliance(fileName: string): string | undefined {
  if (!fileName.endsWith('.json')) return undefined;
  const name = fileName.slice(0, -'.json'.length);
  return isApplianceName(name) ? name : undefined;
}
