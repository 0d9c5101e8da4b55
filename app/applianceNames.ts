/** The appliances one run checks: what the source lists and what the inventory names, each once. */
import type { Inventory, ListedAppliance } from './ports.ts';

/**
 * Listed appliances first (they carry versions), then inventory appliances the listing did not show
 * (those become `missing`): each appliance exactly once. Only inventory names are remembered, so the
 * memory held for the whole run is bounded by the inventory, not the listing.
 */
export async function* applianceNames(
  inventory: Inventory | undefined,
  listed: AsyncIterable<ListedAppliance>,
): AsyncIterable<ListedAppliance> {
  const unlisted = new Set(Object.keys(inventory?.appliances ?? {}));
  for await (const entry of listed) {
    unlisted.delete(entry.name);
    yield entry;
  }
  for (const name of [...unlisted].sort()) yield { name };
}
