/**
 * The appliances a Luna client lists (docs/clients.md, The whole story): an unplanned replacement of
 * their certificate locks those clients out, so the replaced-certificate notification is always on for
 * them, whatever the run's setting.
 */
import type { Inventory } from './ports.ts';

/** Every appliance some client of the inventory lists. */
export function listedByClients(inventory: Inventory | undefined): ReadonlySet<string> {
  const listed = new Set<string>();
  for (const entry of Object.values(inventory?.clients ?? {}))
    for (const appliance of entry.appliances) listed.add(appliance);
  return listed;
}
