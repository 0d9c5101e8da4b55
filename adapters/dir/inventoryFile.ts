/** Reading a `fleet.json` inventory from a local file, for the directory source, `tls:` sources and the collector. */
import { InventoryError } from '../../app/errors.ts';
import type { Inventory } from '../../app/ports.ts';
import { INVENTORY_FILE, MAX_INVENTORY_BYTES } from '../fleetLayout.ts';
import { type InventoryDocument, parseInventoryDocument, unusableInventory } from '../parseInventory.ts';
import { isAbsent, readFileCapped } from './dirFiles.ts';

/**
 * The inventory in `file`, or undefined when there is no such file. What the file says wrong comes back
 * as the inventory's `problems` (docs/monitoring.md, Failure handling); a file that cannot be read throws
 * {@link InventoryError}.
 */
export async function readInventoryFile(file: string): Promise<Inventory | undefined> {
  return (await readInventoryDocument(file))?.inventory;
}

/** {@link readInventoryFile}, with the file's bytes when it is an inventory at all. */
export async function readInventoryDocument(file: string): Promise<InventoryDocument | undefined> {
  const read = await readFileCapped(file, MAX_INVENTORY_BYTES);
  switch (read.kind) {
    case 'failed':
      if (isAbsent(read.error)) return undefined;
      throw new InventoryError(`${INVENTORY_FILE} could not be read (${read.code})`, { cause: read.error });
    case 'tooLarge':
      return { inventory: unusableInventory(`larger than ${MAX_INVENTORY_BYTES} bytes`) };
    case 'notFile':
      return { inventory: unusableInventory('not a regular file') };
    case 'read':
      return parseInventoryDocument(read.bytes);
  }
}
