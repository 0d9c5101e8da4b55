/**
 * The collector's inventory (docs/collector.md, Collecting certificates): a `fleet.json` file, or the `fleet.json`
 * of a fleet location (`dir:`, `s3://`, `ssm:`) read as the check reads it.
 * The bytes it was read from come with it: the collector publishes them beside the certificates.
 */
import { ConfigError } from '../app/errors.ts';
import type { AdapterDeps } from './adapterDeps.ts';
import { createLocationSource } from './createSource.ts';
import { readInventoryDocument } from './dir/inventoryFile.ts';
import type { InventoryDocument } from './parseInventory.ts';

/**
 * The inventory named by `spec`. A location without a `fleet.json`, or a file that does not exist, is a
 * {@link ConfigError} naming `setting`; an inventory that cannot be read throws `InventoryError` as the
 * sources do, and one that is invalid comes back with its problems.
 */
export async function readInventoryFrom(spec: string, deps: AdapterDeps, setting: string): Promise<InventoryDocument> {
  const source = await createLocationSource(spec, deps, setting);
  if (source) {
    const document = await source.readInventoryDocument();
    if (!document) throw new ConfigError(`${setting}: there is no fleet.json at ${source.description}`);
    return document;
  }
  const document = await readInventoryDocument(spec);
  if (!document) throw new ConfigError(`${setting}: the inventory file was not found`);
  return document;
}
