/** The keys of a `RecordStore` (`app/ports.ts`): what every backend accepts before it touches storage. */
import { StateStoreError } from './errors.ts';

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * `key` if it is `/`-separated segments that each start with a letter, digit or `_` (so never `..`, never
 * absolute, never a backend's own hidden temporary file); else a {@link StateStoreError}.
 */
export function recordKey(key: string): string {
  const segments = key.split('/');
  if (segments.length > 4 || !segments.every((s) => SEGMENT.test(s))) throw new StateStoreError('invalid record key');
  return key;
}

/** `folder` if it is `''` or a {@link recordKey} followed by `/`; else a {@link StateStoreError}. */
export function recordFolder(folder: string): string {
  if (folder !== '' && !(folder.endsWith('/') && recordKey(folder.slice(0, -1)))) {
    throw new StateStoreError('invalid record folder');
  }
  return folder;
}
