/** The named certificates in an appliance's outcome (`check --json`; docs/reference.md, Named certificates). */
import type { DeliveryOutcome } from '../core/policy.ts';
import { type ActionMode, describeAction } from './describeAction.ts';
import type { NamedDecided } from './namedCertificates.ts';

/**
 * `{certificates: [{certificate, …fields, action}]}` in name order, or nothing when the appliance has no
 * named certificate, so an outcome without them is what it always was.
 */
export function namedOutcomes(
  named: readonly NamedDecided[] | undefined,
  delivered: ReadonlyMap<string, DeliveryOutcome>,
  mode: ActionMode,
): { certificates?: readonly Record<string, unknown>[] } {
  if (named === undefined || named.length === 0) return {};
  const certificates = named.map((n) => {
    const action = describeAction(n.decision, delivered, mode);
    if (mode !== 'dry-run') return { certificate: n.name, ...n.fields, action };
    const due = [...n.decision.notifications, ...n.decision.retries].map((x) => ({ id: x.id, event: x.event }));
    return { certificate: n.name, ...n.fields, action, notifications: due };
  });
  return { certificates };
}
