/**
 * The collector publishes the inventory it read beside the certificates (docs/design.md, The collector),
 * so a check on the destination knows every appliance of the fleet: one that could not be collected is
 * `missing` (never collected) or keeps its last certificate, instead of vanishing from the check.
 * Published like a certificate: only when its bytes differ, atomically, never deleting or truncating
 * what is stored. One line per run tells the outcome.
 */
import { logEntry } from '../core/logEntry.ts';
import { startDeadline } from './deadline.ts';
import { failureReason } from './failureReason.ts';
import type { CertificateDestination, LogSink } from './ports.ts';
import { publishIfChanged, type StoredItem } from './publishIfChanged.ts';

/**
 * What to publish: the inventory's bytes as read (the operator's file, comments and all), or why it
 * cannot be (it was too large, not a file or not an inventory at all: the destination keeps what it has).
 */
export type InventoryToPublish = { readonly bytes: Uint8Array } | { readonly unusable: string };

/** What became of the inventory at the destination: `dryRun` means it differs and was not written. */
export type InventoryPublication = 'published' | 'unchanged' | 'dryRun' | 'failed';

/** Inputs of {@link publishInventory}. */
export interface PublishInventoryOptions {
  readonly inventory: InventoryToPublish;
  readonly destination: CertificateDestination;
  readonly log: LogSink;
  readonly dryRun: boolean;
  /** The most time reading and writing may take together. */
  readonly timeoutMs: number;
}

/** Publishes the inventory as the destination's `fleet.json` and logs one line; never throws. */
export async function publishInventory(options: PublishInventoryOptions): Promise<InventoryPublication> {
  const { inventory, destination, log } = options;
  const params = { destination: destination.description };
  const failed = (reason: string): InventoryPublication => {
    log.write(logEntry('inventoryPublishFailed', { ...params, reason }), { result: 'failed' });
    return 'failed';
  };
  if ('unusable' in inventory) return failed(`${inventory.unusable}; the inventory stored there is kept`);
  const deadline = startDeadline(options.timeoutMs);
  try {
    const item: StoredItem = {
      read: (signal) => destination.readInventory(signal),
      write: (bytes, current, signal) => destination.writeInventory(bytes, current, signal),
    };
    const signal = deadline.signal;
    const outcome = await publishIfChanged(item, inventory.bytes, {
      dryRun: options.dryRun,
      signal,
      noun: 'inventory',
    });
    const key = { changed: 'inventoryPublished', unchanged: 'inventoryUnchanged', dryRun: 'inventoryDryRun' } as const;
    log.write(logEntry(key[outcome], params), { result: outcome === 'dryRun' ? 'changed' : outcome });
    return outcome === 'changed' ? 'published' : outcome;
  } catch (error) {
    return failed(failureReason(error));
  } finally {
    deadline.clear();
  }
}
