import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { dirStateLocation } from '../../adapters/createStateStore.ts';
import { DirSource } from '../../adapters/dir/dirSource.ts';
import { checkFleet } from '../../app/checkFleet.ts';
import type { CertificateSource, DeliveryResult, NotificationForwarder } from '../../app/ports.ts';
import type { LogEntry } from '../../core/types.ts';
import type { AnyNotification } from '../../protocol/notificationV2.ts';
import { opensslChain } from '../helpers/opensslChain.ts';

const root = mkdtempSync(join(tmpdir(), 'certmonitor-shard-clients-'));
const fleet = join(root, 'fleet');
const pki = opensslChain();
after(() => {
  pki.remove();
  rmSync(root, { recursive: true, force: true });
});

function put(relative: string, text: string) {
  mkdirSync(join(fleet, relative, '..'), { recursive: true });
  writeFileSync(join(fleet, relative), text);
}

describe('clients in a sharded run', () => {
  it('are checked once, by the shard that assembles the report, and are in the assembled report', async () => {
    put('hsm01/server.pem', pki.selfSigned('hsm01'));
    put('hsm02/server.pem', pki.selfSigned('hsm02'));
    put('_clients/app01/client.pem', pki.selfSigned('app01'));
    put('_clients/app01/trust.pem', pki.selfSigned('other'));
    put(
      'fleet.json',
      JSON.stringify({ appliances: { hsm01: {}, hsm02: {} }, clients: { app01: { appliances: ['hsm01'] } } }),
    );
    const sent: AnyNotification[] = [];
    const forwarder: NotificationForwarder = {
      description: 'recorder',
      forward: async (batch): Promise<DeliveryResult[]> => {
        sent.push(...batch);
        return batch.map((n) => ({ id: n.id, delivered: true, traps: [] }));
      },
    };
    const now = new Date();
    const run = (shard: number) =>
      checkFleet({
        source: new DirSource(fleet),
        state: dirStateLocation(join(root, 'state')),
        forwarder,
        log: { write: () => undefined },
        settings: { thresholdDays: 30, repeatHours: 24 },
        now,
        announce: false,
        shard: { shard, shards: 2 },
      });
    const first = await run(0);
    assert.deepEqual(first.report, {
      kind: 'part',
      location: first.report.kind === 'part' ? first.report.location : '',
      shards: 2,
      assembled: false,
    });
    assert.equal(sent.filter((n) => 'client' in n).length, 0, 'no shard checks clients on its own');
    const last = await run(1);
    assert.equal(last.report.kind === 'part' && last.report.assembled, true);
    assert.deepEqual(
      sent.filter((n) => 'client' in n).map((n) => n.event),
      ['untrusted'],
    );
    const status = JSON.parse(readFileSync(join(root, 'state', '_report', 'fleet-status.json'), 'utf8'));
    assert.deepEqual(
      status.clients.map((c: { client: string; untrusted: string[] }) => [c.client, c.untrusted]),
      [['app01', ['hsm01']]],
    );
    assert.equal(status.appliances.length, 2);
  });

  it('the assembling shard counts its clients in its summary', async () => {
    const state = dirStateLocation(join(root, 'state-counts'));
    const refusing: NotificationForwarder = {
      description: 'refusing',
      forward: async (batch): Promise<DeliveryResult[]> =>
        batch.map((n) => ({ id: n.id, delivered: false, traps: [], error: 'connection refused' })),
    };
    const now = new Date();
    const run = (shard: number) =>
      checkFleet({
        ...{ source: new DirSource(fleet), state, forwarder: refusing, log: { write: () => undefined } },
        ...{ settings: { thresholdDays: 30, repeatHours: 24 }, now, announce: false, shard: { shard, shards: 2 } },
      });
    const first = await run(0);
    assert.equal(first.summary.notifications.failed, 0);
    const last = await run(1);
    assert.equal(last.report.kind === 'part' && last.report.assembled, true);
    assert.equal(last.summary.notifications.failed, 1, 'the untrusted notification the gateway refused');
    assert.match(String(last.verdict.incomplete), /not delivered/);
  });

  it('a failing clients step still writes the report, without clients, and the run is incomplete', async () => {
    const stateDir = join(root, 'state-failing');
    const lines: LogEntry[] = [];
    const now = new Date();
    const run = (shard: number) => {
      const dir = new DirSource(fleet);
      let reads = 0;
      // The inventory reads once for the appliances, then fails when the clients' step reads it again.
      const source: CertificateSource = Object.assign(Object.create(dir) as DirSource, {
        readInventory: () => (++reads > 1 ? Promise.reject(new Error('inventory gone')) : dir.readInventory()),
      });
      return checkFleet({
        ...{ source, state: dirStateLocation(stateDir), log: { write: (e: LogEntry) => void lines.push(e) } },
        ...{ settings: { thresholdDays: 30, repeatHours: 24 }, now, announce: false, shard: { shard, shards: 2 } },
      });
    };
    await run(0);
    const last = await run(1);
    assert.equal(last.report.kind === 'part' && last.report.assembled, true);
    const status = JSON.parse(readFileSync(join(stateDir, '_report', 'fleet-status.json'), 'utf8'));
    assert.equal(status.appliances.length, 2);
    assert.equal(status.clients, undefined);
    assert.equal(last.summary.errors, 0);
    assert.equal(last.summary.clientErrors, 1);
    assert.match(last.verdict.incomplete ?? '', /1 Luna client\(s\) could not be checked/);
    assert.ok(last.verdict.incomplete, 'the run must not look complete');
    const failed = lines.filter((l) => l.key === 'checkFailed');
    assert.equal(failed.length, 1);
    assert.match(failed[0]?.text ?? '', /the Luna clients could not be checked: /);
  });
});
