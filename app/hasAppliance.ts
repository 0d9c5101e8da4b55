/**
 * Whether a fleet has any appliance to check (docs/monitoring.md, Failure handling): an inventory entry, or
 * a first listed certificate. For the scheduled invocation that queues a fixed number of shards without
 * counting the fleet: none of the shards can tell an empty fleet from an empty shard, so it answers for
 * the fleet. It costs one inventory read and at most one listing request.
 */
import type { CertificateSource } from './ports.ts';

/** True when the inventory names an appliance or the listing yields one; throws what the source throws. */
export async function hasAppliance(source: CertificateSource): Promise<boolean> {
  const inventory = await source.readInventory();
  if (Object.keys(inventory?.appliances ?? {}).length > 0) return true;
  // Leaving the loop ends the listing: no further page is requested.
  for await (const _ of source.list()) return true;
  return false;
}
