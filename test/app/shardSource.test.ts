import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CertificateSource } from '../../app/ports.ts';
import { ShardSource, shardOf } from '../../app/shardSource.ts';

const names = Array.from({ length: 1000 }, (_, i) => `hsm${i}`);

const fake: CertificateSource = {
  description: 'memory',
  readInventory: async () => ({ appliances: Object.fromEntries(names.slice(0, 100).map((n) => [n, {}])) }),
  async *list() {
    for (const name of names) yield { name };
  },
  fetch: async () => ({ kind: 'missing' }),
};

describe('ShardSource', () => {
  it('puts every appliance in exactly one shard, with every shard used', async () => {
    const seen = new Map<string, number>();
    const inventoried = new Set<string>();
    for (let shard = 0; shard < 4; shard++) {
      const source = new ShardSource(fake, shard, 4);
      let count = 0;
      for await (const { name } of source.list()) {
        assert.equal(seen.has(name), false);
        seen.set(name, shard);
        count++;
      }
      assert.ok(count > 0, `shard ${shard} is empty`);
      for (const name of Object.keys((await source.readInventory())?.appliances ?? {})) {
        assert.equal(seen.get(name), shard);
        inventoried.add(name);
      }
    }
    assert.equal(seen.size, names.length);
    assert.equal(inventoried.size, 100);
  });

  it('is stable: the shard depends only on the name and the shard count', () => {
    assert.equal(shardOf('hsm01', 7), shardOf('hsm01', 7));
    assert.equal(shardOf('anything', 1), 0);
    assert.throws(() => new ShardSource(fake, 4, 4), RangeError);
  });
});
