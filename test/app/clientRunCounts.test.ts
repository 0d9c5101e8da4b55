import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { dirStateLocation } from '../../adapters/createStateStore.ts';
import { DirSource } from '../../adapters/dir/dirSource.ts';
import { checkFleet } from '../../app/checkFleet.ts';
import type { DeliveryResult, NotificationForwarder } from '../../app/ports.ts';
import type { LogEntry } from '../../core/types.ts';
import { type AnyNotification, fitsV1 } from '../../protocol/notificationV2.ts';
import { opensslChain } from '../helpers/opensslChain.ts';

// A minute ahead: the certificates are made during the tests, valid from the second they are made.
const T0 = new Date(Date.now() + 60_000);
const root = mkdtempSync(join(tmpdir(), 'certmonitor-client-counts-'));
const pki = opensslChain();
after(() => {
  pki.remove();
  rmSync(root, { recursive: true, force: true });
});

/** A fleet of one appliance and one client that does not trust it; returns its directory. */
function fleetDir(name: string): string {
  const fleet = join(root, name, 'fleet');
  const put = (relative: string, text: string) => {
    mkdirSync(join(fleet, relative, '..'), { recursive: true });
    writeFileSync(join(fleet, relative), text);
  };
  put('hsm01/server.pem', pki.selfSigned('hsm01'));
  put('_clients/app01/client.pem', pki.selfSigned('app01'));
  put('_clients/app01/trust.pem', pki.selfSigned('other'));
  put('fleet.json', JSON.stringify({ appliances: { hsm01: {} }, clients: { app01: { appliances: ['hsm01'] } } }));
  return fleet;
}

function check(name: string, forwarder?: NotificationForwarder, dryRun = false) {
  const lines: LogEntry[] = [];
  const result = checkFleet({
    source: new DirSource(fleetDir(name)),
    state: dirStateLocation(join(root, name, 'state')),
    forwarder,
    log: { write: (e) => void lines.push(e) },
    settings: { thresholdDays: 30, repeatHours: 24 },
    now: T0,
    announce: false,
    dryRun,
  });
  return result.then((r) => ({ ...r, lines }));
}

const refusing: NotificationForwarder = {
  description: 'http://127.0.0.1:9/',
  forward: async (batch): Promise<DeliveryResult[]> =>
    batch.map((n) => ({ id: n.id, delivered: false, traps: [], error: 'connection refused' })),
};

describe('the clients in the run summary and verdict', () => {
  it('an untrusted notification that cannot be delivered is counted failed and leaves the run incomplete', async () => {
    const run = await check('refused', refusing);
    assert.deepEqual(
      run.lines.filter((l) => l.key === 'untrusted' || l.key === 'gatewayFailed').map((l) => l.key),
      ['untrusted', 'gatewayFailed'],
    );
    assert.deepEqual(run.summary.notifications, { sent: 0, failed: 1 });
    assert.match(String(run.verdict.incomplete), /1 due notification\(s\) not delivered/);
  });

  it('without a gateway, counts it as not forwarded; in a what-if run, as would be sent', async () => {
    const bare = await check('bare');
    assert.equal(bare.summary.notForwarded, 1);
    assert.deepEqual(bare.summary.notifications, { sent: 0, failed: 0 });
    const whatIf = await check('what-if', refusing, true);
    assert.equal(whatIf.summary.wouldSend, 1);
    assert.deepEqual(whatIf.summary.notifications, { sent: 0, failed: 0 });
  });

  it('a delivered one is counted sent, with the gateway that delivered it', async () => {
    const delivering: NotificationForwarder = {
      description: 'gw',
      forward: async (batch): Promise<DeliveryResult[]> =>
        batch.map((n) => ({ id: n.id, delivered: true, traps: [], gateway: 'gw-a' })),
    };
    const run = await check('delivered', delivering);
    assert.deepEqual(run.summary.notifications, { sent: 1, failed: 0 });
    assert.deepEqual(run.summary.deliveredBy, { 'gw-a': 1 });
    assert.equal(run.verdict.incomplete, undefined);
  });

  it('says gatewayTooOld once per gateway and run, the appliances’ and the clients’ refusals together', async () => {
    const sent: AnyNotification[] = [];
    const oldGateway: NotificationForwarder = {
      description: 'gw-old',
      forward: async (batch): Promise<DeliveryResult[]> =>
        batch.map((n) => {
          sent.push(n);
          return fitsV1(n)
            ? { id: n.id, delivered: true, traps: [], gateway: 'gw-old' }
            : { id: n.id, delivered: false, traps: [], gateway: 'gw-old', gatewayTooOld: true, error: 'HTTP 404' };
        }),
    };
    const fleet = fleetDir('too-old');
    const state = dirStateLocation(join(root, 'too-old', 'state'));
    const lines: LogEntry[] = [];
    const run = (at: number) =>
      checkFleet({
        ...{ source: new DirSource(fleet), state, forwarder: oldGateway, log: { write: (e) => void lines.push(e) } },
        ...{ settings: { thresholdDays: 30, repeatHours: 24 }, now: new Date(T0.getTime() + at), announce: false },
        replaced: true,
      });
    await run(0);
    lines.length = 0;
    sent.length = 0;
    // The appliance's certificate is regenerated: a replaced notification (the appliance's) and an untrusted
    // one (the client's), both of the newer kinds, both refused by the old gateway.
    writeFileSync(join(fleet, 'hsm01', 'server.pem'), pki.selfSigned('hsm01'));
    const second = await run(3_600_000);
    assert.deepEqual(sent.map((n) => n.event).sort(), ['replaced', 'untrusted']);
    const tooOld = lines.filter((l) => l.key === 'gatewayTooOld');
    assert.equal(tooOld.length, 1, JSON.stringify(tooOld));
    assert.match(tooOld[0]?.text ?? '', /does not accept 2 certificate notification\(s\)/);
    assert.equal(second.summary.notifications.failed, 2);
  });
  it('names a gateway without /v2 once, also when a standby delivered the clients’ notifications', async () => {
    const standby: NotificationForwarder = {
      description: 'gw-old,gw-new',
      forward: async (batch): Promise<DeliveryResult[]> =>
        batch.map((n) =>
          fitsV1(n)
            ? { id: n.id, delivered: true, traps: [], gateway: 'gw-old' }
            : { id: n.id, delivered: true, traps: [], gateway: 'gw-new', gatewaysWithoutV2: ['gw-old'] },
        ),
    };
    const lines: LogEntry[] = [];
    const run = await checkFleet({
      ...{ source: new DirSource(fleetDir('standby')), state: dirStateLocation(join(root, 'standby', 'state')) },
      ...{ forwarder: standby, log: { write: (e: LogEntry) => void lines.push(e) } },
      ...{ settings: { thresholdDays: 30, repeatHours: 24 }, now: T0, announce: false },
    });
    const tooOld = lines.filter((l) => l.key === 'gatewayTooOld');
    assert.equal(tooOld.length, 1, JSON.stringify(tooOld));
    assert.match(tooOld[0]?.text ?? '', /gw-old does not accept 1 certificate notification\(s\)/);
    assert.equal(run.summary.notifications.failed, 0);
  });
});
