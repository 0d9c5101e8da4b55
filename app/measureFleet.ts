/**
 * Sizes the fleet for the scheduled invocation (docs/design.md, The scheduled Lambda): does it fit one invocation (at most `shardSize`
 * appliances), or must it be split into shards?
 *
 * Cost. The size is the number of appliances a run would check: the listed names plus the inventory names
 * the listing lacks (those become `missing`). Counting costs one listing pass (one ListObjectsV2 request
 * per 1,000 names on S3) and one inventory read, against one state read (and, for a changed certificate,
 * one fetch) per appliance for the run itself. To keep a small fleet from paying that pass twice (count,
 * then the run's own listing), the listed entries are held while the count is still within the shard
 * size: when the listing ends within it, the run is fed from what was held, with the inventory already
 * read, and nothing is listed again. As soon as the count exceeds the shard size the held entries are
 * dropped and the rest of the listing is only counted (the shard count needs the whole size), so the
 * memory held is bounded by the shard size (about 100 bytes per entry) whatever the fleet's size, and the
 * set of inventory names, which the run holds anyway. A large fleet pays one listing pass here, which is
 * small beside the shards' work; the shard invocations list on their own, in parallel.
 */

import type { SourceResult } from '../core/types.ts';
import type { CertificateSource, Inventory, ListedAppliance, SkippedKeys } from './ports.ts';

/** The fleet fits one invocation: `source` replays the listing and inventory already read (use it once). */
export interface FleetFits {
  readonly fits: true;
  readonly appliances: number;
  readonly source: CertificateSource;
}

/** The fleet is larger than the shard size: only its size is known. */
export interface FleetTooLarge {
  readonly fits: false;
  readonly appliances: number;
}

/** A source that replays a listing and inventory already read; fetches go to the real source. */
class ReplayedSource implements CertificateSource {
  readonly description: string;

  constructor(
    private readonly inner: CertificateSource,
    private readonly inventory: Inventory | undefined,
    private readonly listed: readonly ListedAppliance[],
  ) {
    this.description = inner.description;
  }

  async readInventory(): Promise<Inventory | undefined> {
    return this.inventory;
  }

  async *list(): AsyncIterable<ListedAppliance> {
    yield* this.listed;
  }

  fetch(appliance: string, certificate?: string): Promise<SourceResult> {
    return certificate === undefined ? this.inner.fetch(appliance) : this.inner.fetch(appliance, certificate);
  }

  /** What the listing that was replayed skipped. */
  skippedKeys(): SkippedKeys {
    return this.inner.skippedKeys?.() ?? { count: 0, examples: [] };
  }
}

/**
 * Counts the fleet of `source` in one listing pass and says whether it fits `shardSize` (a positive
 * integer). `signal` abandons the count (it then rejects with the abort reason). Throws what the source throws (an unreadable inventory or listing fails the invocation, as it
 * would fail the run).
 */
export async function measureFleet(
  source: CertificateSource,
  shardSize: number,
  signal?: AbortSignal,
): Promise<FleetFits | FleetTooLarge> {
  if (!Number.isInteger(shardSize) || shardSize < 1) throw new RangeError('measureFleet: shardSize must be >= 1');
  const inventory = await source.readInventory();
  const unlisted = new Set(Object.keys(inventory?.appliances ?? {}));
  // listed + unlisted.size never decreases (a listed inventory name moves from one term to the other) and
  // ends as the fleet's size: once it exceeds the shard size, the fleet cannot fit.
  let held: ListedAppliance[] | undefined = unlisted.size > shardSize ? undefined : [];
  let listed = 0;
  for await (const entry of source.list()) {
    // Leaving the loop ends the listing: no further page is requested.
    signal?.throwIfAborted();
    listed++;
    unlisted.delete(entry.name);
    if (held && listed + unlisted.size > shardSize) held = undefined;
    held?.push(entry);
  }
  const appliances = listed + unlisted.size;
  if (held && appliances <= shardSize) {
    return { fits: true, appliances, source: new ReplayedSource(source, inventory, held) };
  }
  return { fits: false, appliances };
}
