/**
 * Trap hosts are independent (docs/design.md, Alert policy): runs over a directory fleet and state with a
 * gateway stand-in that, like the real one, remembers per id which trap hosts acknowledged and sends a
 * repeated id only to the others. One host fails for two days, then comes back.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dirStateLocation } from '../../adapters/createStateStore.ts';
import { DirSource } from '../../adapters/dir/dirSource.ts';
import type { ApplianceOutcome, DeliveryResult, LogSink, NotificationForwarder } from '../../app/ports.ts';
import { runCheck } from '../../app/runCheck.ts';
import type { ApplianceState, LogEntry } from '../../core/types.ts';
import { type DemoKeys, makeCertificatePem, makeDemoKeys } from '../../examples/demoCertificate.ts';
import type { Notification } from '../../protocol/notification.ts';

const T0 = Date.parse('2026-11-24T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A gateway with three trap hosts and a journal per id and host; `down` hosts fail. */
class JournalGateway implements NotificationForwarder {
  readonly description = 'journal-gateway';
  readonly down = new Set<string>();
  readonly received: Record<string, string[]>;
  readonly requests: Notification[][] = [];
  private readonly journal = new Map<string, Map<string, boolean>>();

  constructor(readonly hosts: readonly string[]) {
    this.received = Object.fromEntries(hosts.map((h) => [h, []]));
  }

  async forward(batch: readonly Notification[]): Promise<DeliveryResult[]> {
    this.requests.push([...batch]);
    return batch.map((n) => {
      const duplicate = this.journal.has(n.id);
      const entry = this.journal.get(n.id) ?? new Map<string, boolean>();
      this.journal.set(n.id, entry);
      if (n.event === 'missing' || n.event === 'invalid') return { id: n.id, delivered: true, duplicate, traps: [] };
      for (const host of this.hosts) {
        if (entry.get(host)) continue;
        const ok = !this.down.has(host);
        entry.set(host, ok);
        if (ok) this.received[host]!.push(n.id);
      }
      const traps = this.hosts.map((host) => ({ host, ok: entry.get(host) === true }));
      // As the forwarder maps an answer: delivered when a duplicate or every host acknowledged.
      const delivered = duplicate || traps.every((t) => t.ok);
      return { id: n.id, delivered, duplicate, traps };
    });
  }
}

class Lines implements LogSink {
  readonly entries: LogEntry[] = [];
  write(entry: LogEntry) {
    this.entries.push(entry);
  }
}

describe('runCheck with one failing trap host among three', () => {
  let root: string;
  let keys: DemoKeys;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'certmonitor-traphosts-'));
    keys = makeDemoKeys();
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const writeCert = async (fleet: string, appliance: string, notAfterMs: number) => {
    await mkdir(path.join(fleet, appliance), { recursive: true });
    const pem = makeCertificatePem(keys, {
      commonName: appliance,
      notBefore: new Date(T0 - 300 * DAY),
      notAfter: new Date(notAfterMs),
    });
    await writeFile(path.join(fleet, appliance, 'server.pem'), pem);
  };

  /** One run at `hours` after T0 over `dir`; what was sent, logged and decided. */
  const checkAt = async (dir: string, gateway: JournalGateway, hours: number) => {
    const log = new Lines();
    const outcomes = new Map<string, ApplianceOutcome>();
    const before = gateway.requests.length;
    const summary = await runCheck({
      source: new DirSource(path.join(dir, 'fleet')),
      state: dirStateLocation(path.join(dir, 'state')),
      forwarder: gateway,
      log,
      settings: { thresholdDays: 30, repeatHours: 24 },
      now: new Date(T0 + hours * HOUR),
      onOutcome: (o) => outcomes.set(o.appliance, o),
    });
    const sent = gateway.requests.slice(before).flat();
    const lines = (appliance?: string) =>
      log.entries.filter((e) => e.appliance === appliance).map((e) => `${e.key} ${e.text}`);
    return { summary, sent, outcomes, lines };
  };

  const stateOf = async (dir: string, appliance: string): Promise<ApplianceState> =>
    JSON.parse(await readFile(path.join(dir, 'state', `${appliance}.json`), 'utf8'));

  test('healthy hosts get their repeat at H; the failing host gets only the latest, once back, and nobody twice', async () => {
    const dir = path.join(root, 'scenario');
    await writeCert(path.join(dir, 'fleet'), 'hsm-a', T0 + 10 * DAY);
    await writeCert(path.join(dir, 'fleet'), 'hsm-b', T0 + 400 * DAY);
    const gateway = new JournalGateway(['nms1', 'nms2', 'nms3']);
    gateway.down.add('nms3');

    const first = await checkAt(dir, gateway, 0);
    const x1 = first.sent[0]!;
    assert.deepEqual(
      first.sent.map((n) => n.id),
      [x1.id],
    );
    assert.equal(first.outcomes.get('hsm-a')?.action, 'trap-partial');
    assert.deepEqual(first.summary.notifications, { sent: 1, failed: 0 });
    assert.deepEqual(first.summary.trapHosts, { partial: 1, retried: 0, owed: 0, failing: 0 });
    const owed = (await stateOf(dir, 'hsm-a')).owed;
    assert.deepEqual(owed, [{ notification: x1, hosts: ['nms3'], since: new Date(T0).toISOString() }]);
    assert.equal((await stateOf(dir, 'hsm-a')).lastAlertAt, new Date(T0).toISOString());

    // An hour later: only the owed notification goes out, under its id, and only nms3 is tried (and fails).
    const hour1 = await checkAt(dir, gateway, 1);
    assert.deepEqual(hour1.sent, [x1]);
    assert.equal(hour1.outcomes.get('hsm-a')?.action, 'trap-owed');
    assert.deepEqual(hour1.summary.trapHosts, { partial: 0, retried: 0, owed: 1, failing: 0 });
    assert.deepEqual(hour1.lines('hsm-a'), [
      'willExpire NTLS certificate will be expire on Dec  4 12:00:00 2026 GMT',
      'trapFailed Failed to send NTLS certificate expiry SNMP trap to trap host nms3',
    ]);
    assert.deepEqual(hour1.summary.notifications, { sent: 0, failed: 0 });

    // At H the healthy hosts get their repeat; it replaces the owed one (no backlog for nms3).
    const day1 = await checkAt(dir, gateway, 24);
    const x2 = day1.sent[0]!;
    assert.deepEqual(
      day1.sent.map((n) => n.id),
      [x2.id],
    );
    assert.notEqual(x2.id, x1.id);
    assert.equal(day1.outcomes.get('hsm-a')?.action, 'trap-partial');
    assert.deepEqual(
      (await stateOf(dir, 'hsm-a')).owed?.map((o) => o.notification.id),
      [x2.id],
    );
    // nms3 has failed for H: one problem line, fleet-level, once per H.
    assert.deepEqual(day1.lines(undefined), [
      'trapHostFailing SNMP trap host nms3 has failed to receive NTLS certificate expiry traps since 2026-11-24T12:00:00.000Z',
    ]);
    assert.equal(day1.summary.trapHosts.failing, 1);
    const day1later = await checkAt(dir, gateway, 25);
    assert.deepEqual(day1later.lines(undefined), [], 'not again within H');
    assert.equal(day1later.summary.trapHosts.failing, 1, 'but counted every run it fails');

    const day2 = await checkAt(dir, gateway, 48);
    const x3 = day2.sent[0]!;
    assert.deepEqual(day2.lines(undefined).length, 1, 'again after H');

    // nms3 comes back: the next run delivers the owed (latest) notification to it, and only to it.
    gateway.down.delete('nms3');
    const back = await checkAt(dir, gateway, 49);
    assert.deepEqual(back.sent, [x3]);
    assert.equal(back.outcomes.get('hsm-a')?.action, 'trap-retried');
    assert.deepEqual(back.summary.trapHosts, { partial: 0, retried: 1, owed: 0, failing: 0 });
    assert.deepEqual(back.lines('hsm-a').slice(1), [
      'trapSent NTLS certificate expiry SNMP trap sent to trap host nms3',
    ]);
    assert.deepEqual(back.lines(undefined), [
      'trapHostRecovered SNMP trap host nms3 receives NTLS certificate expiry traps again',
    ]);
    assert.equal((await stateOf(dir, 'hsm-a')).owed, undefined);
    assert.deepEqual(JSON.parse(await readFile(path.join(dir, 'state', '_trapHosts.json'), 'utf8')), { hosts: {} });

    const quiet = await checkAt(dir, gateway, 50);
    assert.deepEqual(quiet.sent, []);
    assert.deepEqual(gateway.received, {
      nms1: [x1.id, x2.id, x3.id],
      nms2: [x1.id, x2.id, x3.id],
      nms3: [x3.id],
    });
    assert.ok(x1 && x3);
  });

  test('a renewal clears at once for the healthy hosts and drops the owed raise; host labels are made safe', async () => {
    const dir = path.join(root, 'renewal');
    await writeCert(path.join(dir, 'fleet'), 'hsm-r', T0 + 10 * DAY);
    const evil = 'nms3\n<evil>';
    const gateway = new JournalGateway(['nms1', evil]);
    gateway.down.add(evil);
    const first = await checkAt(dir, gateway, 0);
    assert.deepEqual((await stateOf(dir, 'hsm-r')).owed?.[0]?.hosts, ['nms3__evil_']);
    assert.ok(
      first
        .lines('hsm-r')
        .includes('trapFailed Failed to send NTLS certificate expiry SNMP trap to trap host nms3__evil_'),
    );

    await writeCert(path.join(dir, 'fleet'), 'hsm-r', T0 + 400 * DAY);
    const renewal = await checkAt(dir, gateway, 2);
    assert.deepEqual(
      renewal.sent.map((n) => n.event),
      ['renewed'],
      'the owed raise of the replaced certificate is not sent',
    );
    assert.equal(renewal.outcomes.get('hsm-r')?.action, 'clear-partial');
    const state = await stateOf(dir, 'hsm-r');
    assert.equal(state.pendingClear, undefined, 'the healthy host has its clear');
    assert.deepEqual(
      state.owed?.map((o) => o.notification.event),
      ['renewed'],
    );
    assert.deepEqual(gateway.received.nms1?.length, 2);
  });

  test('every host failing: not delivered, retried to every host, nothing owed (as before)', async () => {
    const dir = path.join(root, 'all-down');
    await writeCert(path.join(dir, 'fleet'), 'hsm-x', T0 + 10 * DAY);
    const gateway = new JournalGateway(['nms1', 'nms2']);
    gateway.down.add('nms1').add('nms2');
    const first = await checkAt(dir, gateway, 0);
    assert.equal(first.outcomes.get('hsm-x')?.action, 'trap-failed');
    assert.deepEqual(first.summary.notifications, { sent: 0, failed: 1 });
    assert.equal((await stateOf(dir, 'hsm-x')).owed, undefined);
    assert.equal((await stateOf(dir, 'hsm-x')).alertActive, false);
    gateway.down.clear();
    const second = await checkAt(dir, gateway, 1);
    assert.equal(second.sent[0]?.id, first.sent[0]?.id);
    assert.equal(second.outcomes.get('hsm-x')?.action, 'trap');
  });
});
