/** Whether a run notifies an appliance's unplanned replacements (docs/reference.md, Replaced certificates). */
import { listedByClients } from './listedByClients.ts';
import type { Inventory } from './ports.ts';

/** What decides it: the run's setting, the inventory's `policy.replaced`, and the appliances clients list. */
export interface ReplacedSettings {
  readonly replaced?: boolean;
  readonly inventory: Inventory | undefined;
}

/** The appliances the inventory's clients list, computed once per inventory (a run reads one). */
const listedCache = new WeakMap<Inventory, ReadonlySet<string>>();

function listedIn(inventory: Inventory | undefined): ReadonlySet<string> | undefined {
  if (inventory?.clients === undefined) return undefined;
  let listed = listedCache.get(inventory);
  if (!listed) {
    listed = listedByClients(inventory);
    listedCache.set(inventory, listed);
  }
  return listed;
}

/**
 * True when the run's flag or the inventory turns it on, or a Luna client lists the appliance (docs/clients.md,
 * The whole story): a replacement locks those clients out whatever the setting.
 */
export function replacedFor(appliance: string, run: ReplacedSettings): boolean {
  if (run.replaced === true || run.inventory?.replaced === true) return true;
  return listedIn(run.inventory)?.has(appliance) === true;
}
