/** Reading a `fleet.json` inventory from a local file, for the directory source, `tls:` sources and the collector. */
import path from 'node:path';
import { InventoryError } from '../../app/errors.ts';
import type { Inventory } from '../../app/ports.ts';
import { INVENTORY_FILE, MAX_INVENTORY_BYTES } from '../fleetLayout.ts';
import { parseInventory } from '../parseInventory.ts';
import { isAbsent, readFileCapped } from './dirFiles.ts';

/**
 * The inventory in `file`, or undefined when there is no such file. Throws {@link InventoryError}: with
 * `invalidContent` when it says something wrong (or is too large), without when it cannot be read.
 */
export async function readInventoryFile(file: string): Promise<Inventory | undefined> {
  const name = path.basename(file) === INVENTORY_FILE ? INVENTORY_FILE : 'the inventory file';
  const read = await readFileCapped(file, MAX_INVENTORY_BYTES);
  if (read.kind === 'failed') {
    if (isAbsent(read.error)) return undefined;
    throw new InventoryError(`${name} could not be read (${read.code})`, { cause: read.error });
  }
  if (read.kind === 'tooLarge') {
    throw new InventoryError(`${name} is larger than ${MAX_INVENTORY_BYTES} bytes`, { invalidContent: true });
  }
  // Not a regular file: read as empty, which is not a valid inventory.
  return parseInventory(read.kind === 'read' ? new TextDecoder().decode(read.bytes) : '');
}
