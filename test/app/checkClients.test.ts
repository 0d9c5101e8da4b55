import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { dirStateLocation } from '../../adapters/createStateStore.ts';
import { DirSource } from '../../adapters/dir/dirSource.ts';
import type { CertificateSource, DeliveryResult, LogSink, NotificationForwarder } from '../../app/ports.ts';
import { runCheck } from '../../app/runCheck.ts';
import { storedClientViews } from '../../app/storedClientViews.ts';
import type { ClientView } from '../../core/clientState.ts';
import type { LogEntry } from '../../core/types.ts';
import type { NotificationV2 } from '../../protocol/notificationV2.ts';
import { opensslChain } from '../helpers/opensslChain.ts';

// A minute ahead: the certificates are made during the tests, valid from the second they are made.
const T0 = new Date(Date.now() + 60_000);
const HOUR = 3_600_000;
const root = mkdtempSync(join(tmpdir(), 'certmonitor-clients-'));
const fleet = join(root, 'fleet');
const pki = opensslChain();
after(() => {
  pki.remove();
  rmSync(root, { recursive: true, force: true });
});

/** A recording forwarder and log: every notification delivered, every line kept. */
class Recorder implements NotificationForwarder, LogSink {
  readonly description = 'recorder';
  readonly sent: NotificationV2[] = [];
  readonly lines: string[] = [];
  async forward(batch: readonly NotificationV2[]): Promise<DeliveryResult[]> {
    this.sent.push(...batch);
    return batch.map((n) => ({ id: n.id, delivered: true, traps: [] }));
  }
  write(entry: LogEntry) {
    this.lines.push(`${entry.key}: ${entry.text}`);
  }
}

function put(relative: string, text: string) {
  mkdirSync(join(fleet, relative, '..'), { recursive: true });
  writeFileSync(join(fleet, relative), text);
}

async function checkAt(hours: number, source: CertificateSource = new DirSource(fleet)) {
  const recorder = new Recorder();
  const clients = new Map<string, ClientView>();
  await runCheck({
    source,
    state: dirStateLocation(join(root, 'state')),
    forwarder: recorder as unknown as NotificationForwarder,
    log: recorder,
    settings: { thresholdDays: 30, repeatHours: 24 },
    now: new Date(T0.getTime() + hours * HOUR),
    onClient: (name, view) => void clients.set(name, view),
  });
  const events = recorder.sent
    .filter((n) => n.client !== undefined)
    .map((n) => `${n.client}/${n.appliance ?? '-'}:${n.event}${n.assert === false ? ':clear' : ''}`);
  return { events, lines: recorder.lines, clients, sent: recorder.sent };
}

describe('clients: their certificates and their trust, over a real fleet directory', () => {
  const hsm01 = pki.selfSigned('hsm01');
  const ca = pki.ca('fleet-ca', 'ec-p384');
  put('hsm01/server.pem', hsm01);
  put('hsm02/server.pem', pki.issue('fleet-ca', 'hsm02'));
  put('_clients/app01/client.pem', pki.selfSigned('app01'));
  put('_clients/app01/trust.pem', `${hsm01}${ca}`);
  put('_clients/app02/trust.pem', 'not a bundle');
  const inventory = {
    appliances: { hsm01: { address: '10.0.0.1' }, hsm02: {} },
    clients: {
      app01: { appliances: ['hsm01', 'hsm02'] },
      app02: { appliances: ['hsm01'] },
      app03: { appliances: ['hsm02'] },
    },
  };
  put('fleet.json', JSON.stringify(inventory));

  it('trusts a registered self-signed certificate and a CA-issued one; missing and invalid clients are said, never trusted', async () => {
    const run = await checkAt(0);
    assert.deepEqual(run.clients.get('app01')?.trust, { hsm01: 'trusted', hsm02: 'trusted' });
    assert.equal(run.clients.get('app02')?.bundle, 'invalid');
    assert.deepEqual(run.clients.get('app02')?.trust, { hsm01: 'unknown' });
    assert.equal(run.clients.get('app03')?.status, 'missing');
    assert.deepEqual(run.events.sort(), ['app02/-:invalid', 'app02/-:missing', 'app03/-:missing']);
    assert.ok(run.lines.includes('clientMissing: Client certificate of app03 is missing'));
    assert.ok(
      run.lines.some((l) =>
        l.startsWith('clientInvalid: Client certificate of app02 is invalid: trust bundle is not PEM'),
      ),
    );
    assert.ok(!run.lines.some((l) => l.startsWith('untrusted')));
  });

  it('a regenerated certificate is untrusted once per H, and cleared once the bundle is updated', async () => {
    const regenerated = pki.selfSigned('hsm01');
    put('hsm01/server.pem', regenerated);
    const first = await checkAt(1);
    assert.deepEqual(
      first.events.filter((e) => e.startsWith('app01')),
      ['app01/hsm01:untrusted'],
    );
    const untrusted = first.sent.find((n) => n.event === 'untrusted');
    assert.equal(untrusted?.address, '10.0.0.1');
    assert.match(String(untrusted?.fingerprintSha256), /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.ok(
      first.lines.some((l) =>
        l.startsWith('untrusted: Client app01 does not trust the NTLS certificate that hsm01 presents'),
      ),
    );
    const state = JSON.parse(readFileSync(join(root, 'state', '_clients', 'app01.json'), 'utf8'));
    assert.ok(state.untrusted.hsm01.lastAlertAt);

    const quiet = await checkAt(2);
    assert.deepEqual(
      quiet.events.filter((e) => e.startsWith('app01')),
      [],
    );
    assert.ok(
      quiet.lines.some((l) => l.startsWith('untrusted: Client app01')),
      'the line is said every run',
    );
    const repeat = await checkAt(25);
    assert.deepEqual(
      repeat.events.filter((e) => e.startsWith('app01')),
      ['app01/hsm01:untrusted'],
    );
    assert.notEqual(repeat.sent.find((n) => n.event === 'untrusted')?.id, untrusted?.id);

    put('_clients/app01/trust.pem', `${regenerated}${ca}`);
    const cleared = await checkAt(26);
    assert.deepEqual(
      cleared.events.filter((e) => e.startsWith('app01')),
      ['app01/hsm01:untrusted:clear'],
    );
    assert.ok(
      cleared.lines.some((l) => l.startsWith('trusted: Client app01 trusts the NTLS certificate that hsm01 presents')),
    );
    const after = await checkAt(27);
    assert.deepEqual(
      after.events.filter((e) => e.startsWith('app01')),
      [],
    );
    // `certmonitor report` rebuilds the Clients from the records alone.
    const stored = await storedClientViews(dirStateLocation(join(root, 'state')));
    assert.deepEqual([...stored.keys()].sort(), ['app01', 'app02', 'app03']);
    assert.deepEqual(stored.get('app01')?.trust, { hsm01: 'trusted', hsm02: 'trusted' });
  });

  it('refuses an inventory with clients over a source that holds none (tls:)', async () => {
    const dirSource = new DirSource(fleet);
    const tlsLike: CertificateSource = {
      description: 'tls:fleet.json',
      readInventory: () => dirSource.readInventory(),
      list: () => dirSource.list(),
      fetch: (a) => dirSource.fetch(a),
    };
    await assert.rejects(checkAt(30, tlsLike), /the inventory names clients, but tls:fleet.json holds no client files/);
  });
});

describe('clients: an appliance presenting its intermediate, the root in the bundle', () => {
  it('trusts it (the chain of server.pem is walked), and not once the intermediate is swapped', async () => {
    const dir = join(root, 'chained');
    const write = (relative: string, text: string) => {
      mkdirSync(join(dir, 'fleet', relative, '..'), { recursive: true });
      writeFileSync(join(dir, 'fleet', relative), text);
    };
    const ca = pki.ca('presented-root', 'ec-p256');
    const intermediate = pki.issue('presented-root', 'presented-inter');
    write('hsm01/server.pem', `${pki.issue('presented-inter', 'hsm01-chained')}${intermediate}`);
    write('_clients/app01/client.pem', pki.selfSigned('app01-chained'));
    write('_clients/app01/trust.pem', ca);
    write('fleet.json', JSON.stringify({ appliances: { hsm01: {} }, clients: { app01: { appliances: ['hsm01'] } } }));
    const run = async () => {
      const views = new Map<string, ClientView>();
      await runCheck({
        source: new DirSource(join(dir, 'fleet')),
        state: dirStateLocation(join(dir, 'state')),
        log: { write: () => undefined },
        settings: { thresholdDays: 30, repeatHours: 24 },
        now: T0,
        onClient: (name, view) => void views.set(name, view),
      });
      return views.get('app01')?.trust;
    };
    assert.deepEqual(await run(), { hsm01: 'trusted' });
    // The intermediate re-keyed under the same name: the leaf's link no longer verifies.
    write(
      'hsm01/server.pem',
      `${readFileSync(join(pki.dir, 'hsm01-chained.pem'), 'utf8')}${pki.issue('presented-root', 'presented-inter')}`,
    );
    assert.deepEqual(await run(), { hsm01: 'untrusted' });
  });
});
