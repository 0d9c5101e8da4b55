/** What a gateway's result for one notification means for the policy (docs/design.md, Delivery guarantees). */
import type { DeliveryOutcome } from '../core/policy.ts';
import type { DeliveryResult } from './ports.ts';

/**
 * Undefined when the gateway did not take the notification or no trap host acknowledged it, else the trap
 * hosts that failed.
 */
export function deliveryOutcome(result: DeliveryResult): DeliveryOutcome | undefined {
  // A forwarder's own failure carries no trap results; the gateway's answer lists every host it tried.
  if (!result.delivered && result.traps.length === 0) return undefined;
  const failedHosts = result.traps.filter((t) => !t.ok).map((t) => t.host);
  if (result.traps.length > 0 && failedHosts.length === result.traps.length) return undefined;
  return { failedHosts };
}
