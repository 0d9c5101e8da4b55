/**
 * The collector's inventory (docs/collector.md, Collecting certificates): a `fleet.json` file, or the `fleet.json`
 * of a fleet location (`dir:`, `s3://`, `ssm:`) read as the check reads it.
 */
import { ConfigError } from '../app/errors.ts';
import type { Inventory } from '../app/ports.ts';
import type { AdapterDeps } from './adapterDeps.ts';
import { createSource } from './createSource.ts';
import { readInventoryFile } from './dir/inventoryFile.ts';

/**
 * The inventory named by `spec`. A location without a `fleet.json`, or a file that does not exist, is a
 * {@link ConfigError} naming `setting`; an inventory that cannot be read or is invalid throws
 * `InventoryError` as the sources do.
 */
export async function readInventoryFrom(spec: string, deps: AdapterDeps, setting: string): Promise<Inventory> {
  if (/^(dir:|s3:\/\/|ssm:)/.test(spec)) {
    const source = await createSource(spec, deps, setting);
    const inventory = await source.readInventory();
    if (!inventory) throw new ConfigError(`${setting}: there is no fleet.json at ${source.description}`);
    return inventory;
  }
  const inventory = await readInventoryFile(spec);
  if (!inventory) throw new ConfigError(`${setting}: the inventory file was not found`);
  return inventory;
}
