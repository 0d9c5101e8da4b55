/**
 * Gives the soak's gateway a journal as a gateway that has run for a day would have one: ids it handled
 * almost `retentionDays` ago, written by the gateway's own journal code. They pass the retention period
 * during the run, so the run shows them dropped by compaction (the retention cannot be set below one day).
 */
import { DeliveryJournal } from '../../gateway/delivery/deliveryJournal.ts';
import type { Notification } from '../../protocol/notification.ts';

/** Appliance names (and so ids) of the seeded notifications begin with this; no receiver may see them. */
export const SEED_PREFIX = 'seed-';

/**
 * Writes `count` completed ids (every trap host acknowledged) accepted so long ago that they pass the
 * retention period `expiresInMs` from now; returns their notifications (the load may send them again
 * as duplicates while they are still remembered).
 */
export function seedJournal(
  stateDir: string,
  retentionMs: number,
  expiresInMs: number,
  hosts: readonly string[],
  count: number,
): Notification[] {
  const acceptedAt = Date.now() - retentionMs + expiresInMs;
  const journal = DeliveryJournal.open(stateDir, retentionMs, acceptedAt);
  const notifications: Notification[] = Array.from({ length: count }, (_, i) => ({
    id: `${SEED_PREFIX}${i}:8B3B5CD9:expiring:seed`,
    appliance: `${SEED_PREFIX}${i}`,
    address: '10.0.0.5',
    event: 'expiring',
    notAfter: '2027-07-06T05:04:03Z',
    observedAt: new Date(acceptedAt).toISOString(),
  }));
  journal.accept(notifications, acceptedAt);
  for (const n of notifications) {
    for (const host of hosts) journal.recordHost(n.id, host, { ok: true });
    journal.complete(n.id, 'ok');
  }
  journal.close();
  return notifications;
}
