import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { measureFleet } from '../../app/measureFleet.ts';
import type { CertificateSource, Inventory, ListedAppliance } from '../../app/ports.ts';
import type { SourceResult } from '../../core/types.ts';

/** An in-memory source that counts how often it is listed and its inventory read. */
class CountingSource implements CertificateSource {
  readonly description = 'memory';
  listings = 0;
  inventoryReads = 0;
  /** How many entries the listings produced. */
  consumed = 0;

  constructor(
    private readonly listed: readonly ListedAppliance[],
    private readonly inventory?: Inventory,
  ) {}

  async readInventory(): Promise<Inventory | undefined> {
    this.inventoryReads++;
    return this.inventory;
  }

  async *list(): AsyncIterable<ListedAppliance> {
    this.listings++;
    for (const entry of this.listed) {
      this.consumed++;
      yield entry;
    }
  }

  async fetch(appliance: string): Promise<SourceResult> {
    return { kind: 'unavailable', reason: `not here: ${appliance}` };
  }
}

const fleet = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ name: `hsm${String(i).padStart(3, '0')}`, version: `"etag${i}"` }));

async function collect<T>(items: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('measureFleet', () => {
  it('a fleet within the shard size is listed once; the run replays that listing and inventory', async () => {
    const inventory = { appliances: { hsm001: { address: '10.0.0.1' }, ghost: {} } };
    const source = new CountingSource(fleet(9), inventory);
    const measured = await measureFleet(source, 10);
    assert.equal(measured.fits, true);
    assert.equal(measured.appliances, 10, 'nine listed plus one inventory-only name');
    assert.ok(measured.fits);
    assert.deepEqual(await collect(measured.source.list()), fleet(9));
    assert.deepEqual(
      (await collect(measured.source.list())).map((e) => e.name),
      fleet(9).map((e) => e.name),
    );
    assert.equal(await measured.source.readInventory(), inventory);
    assert.equal(source.listings, 1, 'no second listing pass');
    assert.equal(source.inventoryReads, 1);
    assert.equal(measured.source.description, 'memory');
  });

  it('counts the whole fleet past the shard size, inventory-only names included', async () => {
    const source = new CountingSource(fleet(25), { appliances: { ghost1: {}, ghost2: {}, hsm003: {} } });
    const measured = await measureFleet(source, 10);
    assert.deepEqual(measured, { fits: false, appliances: 27 });
    assert.equal(source.consumed, 25);
  });

  it('exactly the shard size fits; one inventory-only name more does not', async () => {
    assert.equal((await measureFleet(new CountingSource(fleet(10)), 10)).fits, true);
    const over = await measureFleet(new CountingSource(fleet(10), { appliances: { ghost: {} } }), 10);
    assert.deepEqual(over, { fits: false, appliances: 11 });
  });

  it('an inventory larger than the shard size does not fit even when nothing is listed', async () => {
    const appliances = Object.fromEntries(fleet(12).map((e) => [e.name, {}]));
    assert.deepEqual(await measureFleet(new CountingSource([], { appliances }), 10), {
      fits: false,
      appliances: 12,
    });
  });

  it('uses the names-only listing of a source without versions', async () => {
    const inner = new CountingSource(fleet(3));
    const namesOnly: CertificateSource = {
      description: 'names',
      readInventory: () => inner.readInventory(),
      async *list() {
        for await (const { name } of inner.list()) yield { name };
      },
      fetch: (a) => inner.fetch(a),
    };
    const measured = await measureFleet(namesOnly, 5);
    assert.ok(measured.fits);
    assert.deepEqual(
      await collect(measured.source.list()),
      fleet(3).map(({ name }) => ({ name })),
    );
  });

  it('refuses a shard size below 1', async () => {
    await assert.rejects(measureFleet(new CountingSource([]), 0), RangeError);
  });
});

test('an aborted count stops listing: no further page is requested', async () => {
  let pulled = 0;
  const controller = new AbortController();
  const source = {
    description: 'endless',
    readInventory: async () => undefined,
    async *list() {
      for (let i = 0; ; i++) {
        pulled++;
        if (i === 5) controller.abort();
        yield { name: `hsm${i}` };
      }
    },
    fetch: async () => ({ kind: 'missing' as const }),
  };
  await assert.rejects(measureFleet(source, 1, controller.signal));
  assert.ok(pulled <= 7, `pulled ${pulled}`);
});
