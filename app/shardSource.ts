/**
 * A fleet split into N fixed shards by a stable hash of the appliance name, so a fleet too large for one
 * invocation is checked by N invocations (docs/design.md, The scheduled Lambda), each seeing only its own appliances. The hash does not
 * depend on the listing order or on which appliances exist, so an appliance stays in its shard (and its
 * state is never touched by two shards) as the fleet grows.
 */

import type { SourceResult } from '../core/types.ts';
import type { CertificateSource, Inventory, ListedAppliance, SkippedKeys } from './ports.ts';

const NONE_SKIPPED: SkippedKeys = { count: 0, examples: [] };

/** FNV-1a (32-bit) of the name's UTF-16 code units: cheap, stable, well spread for short names. */
export function shardOf(appliance: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < appliance.length; i++) {
    hash ^= appliance.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** The appliances of shard `shard` (0-based) of `shards`, from an underlying source. */
export class ShardSource implements CertificateSource {
  readonly description: string;

  constructor(
    private readonly inner: CertificateSource,
    readonly shard: number,
    readonly shards: number,
  ) {
    if (!Number.isInteger(shards) || shards < 1 || !Number.isInteger(shard) || shard < 0 || shard >= shards) {
      throw new RangeError('ShardSource: shard must be an integer in [0, shards)');
    }
    this.description = `${inner.description} (shard ${shard + 1} of ${shards})`;
  }

  private mine(appliance: string): boolean {
    return shardOf(appliance, this.shards) === this.shard;
  }

  /** The inventory restricted to this shard's appliances; its problems are the whole file's. */
  async readInventory(): Promise<Inventory | undefined> {
    const inventory = await this.inner.readInventory();
    if (!inventory) return undefined;
    const appliances = Object.fromEntries(Object.entries(inventory.appliances).filter(([name]) => this.mine(name)));
    return inventory.problems ? { appliances, problems: inventory.problems } : { appliances };
  }

  /** The listing's skipped keys, told by the first shard only: every shard lists the whole location. */
  skippedKeys(): SkippedKeys {
    return this.shard === 0 ? (this.inner.skippedKeys?.() ?? NONE_SKIPPED) : NONE_SKIPPED;
  }

  /** The listing, filtered to this shard while it streams. */
  async *list(): AsyncIterable<ListedAppliance> {
    for await (const listed of this.inner.list()) if (this.mine(listed.name)) yield listed;
  }

  fetch(appliance: string, certificate?: string): Promise<SourceResult> {
    return certificate === undefined ? this.inner.fetch(appliance) : this.inner.fetch(appliance, certificate);
  }
}
