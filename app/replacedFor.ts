/** Whether a run notifies an appliance's unplanned replacements (docs/reference.md, Replaced certificates). */
import type { Inventory } from './ports.ts';

/** What decides it: the run's setting, the inventory's `policy.replaced`, and the appliances clients list. */
export interface ReplacedSettings {
  readonly replaced?: boolean;
  readonly replacedAppliances?: ReadonlySet<string>;
  readonly inventory: Inventory | undefined;
}

/** True when the run's flag or the inventory turns it on, or a Luna client lists the appliance. */
export function replacedFor(appliance: string, run: ReplacedSettings): boolean {
  return run.replaced === true || run.inventory?.replaced === true || run.replacedAppliances?.has(appliance) === true;
}
