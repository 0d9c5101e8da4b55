/** The action an appliance's outcome reports (README, Command line), from its decision and deliveries. */
import { actionKind } from '../core/actionKind.ts';
import type { Decision, DeliveryOutcome } from '../core/policy.ts';
import type { ActionStep, ApplianceAction } from './ports.ts';

/** How the run handled due notifications: forwarded them, had no gateway to, or only said them. */
export type ActionMode = 'forward' | 'skip' | 'dry-run';

/**
 * The outcome's action: each due kind, suffixed `-partial` when some trap hosts did not acknowledge it
 * (they are owed it), `-failed` when undelivered, `-skipped` without a gateway, `-dry-run` in a what-if
 * run; then each owed delivery sent again, `{kind}-retried` once every host has it, else `{kind}-owed`.
 * `outcomes` holds the delivered notifications by id.
 */
export function describeAction(
  decision: Decision,
  outcomes: ReadonlyMap<string, DeliveryOutcome>,
  mode: ActionMode,
): ApplianceAction {
  const due = decision.notifications.map((n): ActionStep => {
    const kind = actionKind(n.event);
    if (mode === 'skip') return `${kind}-skipped`;
    if (mode === 'dry-run') return `${kind}-dry-run`;
    const outcome = outcomes.get(n.id);
    if (!outcome) return `${kind}-failed`;
    return outcome.failedHosts.length > 0 ? `${kind}-partial` : kind;
  });
  const retried = decision.retries.map((n): ActionStep => {
    const kind = actionKind(n.event);
    if (mode === 'dry-run') return `${kind}-retry-dry-run`;
    return outcomes.get(n.id)?.failedHosts.length === 0 ? `${kind}-retried` : `${kind}-owed`;
  });
  const [first, ...rest] = [...due, ...retried];
  if (first === undefined) return 'none';
  return rest.length === 0 ? first : `${first}+${rest.join('+')}`;
}
