/**
 * Publishing one item of the fleet layout (a certificate, the inventory) the collector's way
 * (docs/design.md, The collector): compared byte for byte with what is stored, written only when it
 * differs, each step raced against the deadline. A failure writes nothing beyond the destination's own
 * atomic write.
 */
import { beforeDeadline } from './beforeDeadline.ts';
import { DestinationConflictError } from './errors.ts';
import type { StoredCertificate } from './ports.ts';

/** What publishing did: written, already stored, or differing and not written (a dry run). */
export type Publication = 'changed' | 'unchanged' | 'dryRun';

/** One stored item at a destination, read and written as a whole. */
export interface StoredItem {
  read(signal: AbortSignal): Promise<StoredCertificate>;
  write(bytes: Uint8Array, current: StoredCertificate, signal: AbortSignal): Promise<void>;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Writes `bytes` to `item` unless it holds them already or `dryRun`. A conditional write that lost a race
 * to another writer counts as unchanged when the winner stored the same bytes; otherwise the
 * `DestinationConflictError` is thrown, as is any other error of the destination or a `DeadlineError`.
 * `noun` names the item in the deadline's messages.
 */
export async function publishIfChanged(
  item: StoredItem,
  bytes: Uint8Array,
  options: { readonly dryRun: boolean; readonly signal: AbortSignal; readonly noun: string },
): Promise<Publication> {
  const { signal, noun } = options;
  const read = () => beforeDeadline(item.read(signal), signal, `reading the stored ${noun}`);
  const stored = await read();
  if (sameBytes(stored.bytes, bytes)) return 'unchanged';
  if (options.dryRun) return 'dryRun';
  try {
    await beforeDeadline(item.write(bytes, stored, signal), signal, `publishing the ${noun}`);
    return 'changed';
  } catch (error) {
    if (!(error instanceof DestinationConflictError)) throw error;
    // Another collector published first: fine if it published the same bytes.
    if (sameBytes((await read()).bytes, bytes)) return 'unchanged';
    throw error;
  }
}
