import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { StateConflictError } from '../../app/errors.ts';
import type {
  ApplianceOutcome,
  CertificateSource,
  DeliveryResult,
  Inventory,
  ListedAppliance,
  LoadedInventoryReport,
  LoadedState,
  LoadedTrapHostReport,
  LogSink,
  NotificationForwarder,
  SkippedKeys,
  StateStore,
} from '../../app/ports.ts';
import { type RunCheckOptions, runCheck } from '../../app/runCheck.ts';
import type { InventoryReport } from '../../core/inventoryReport.ts';
import { type TrapHostReport, trapHostReportOf } from '../../core/trapHostReport.ts';
import type { ApplianceState, ApplianceView, LogEntry, SourceResult } from '../../core/types.ts';
import { type DemoKeys, makeCertificatePem, makeDemoKeys } from '../../examples/demoCertificate.ts';
import type { Notification } from '../../protocol/notification.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = new Date('2026-11-24T12:00:00Z');
const SETTINGS = { thresholdDays: 30, repeatHours: 24 };

let keys: DemoKeys;
before(() => {
  keys = makeDemoKeys();
});

/** PEM bytes of a certificate expiring `days` after T0. */
function pem(name: string, days: number): Uint8Array {
  return new TextEncoder().encode(
    makeCertificatePem(keys, {
      commonName: name,
      notBefore: new Date(T0.getTime() - 400 * DAY),
      notAfter: new Date(T0.getTime() + days * DAY),
    }),
  );
}

type Entry = Uint8Array | 'unavailable' | 'throw';

class MemorySource implements CertificateSource {
  readonly description = 'memory';
  skippedKeys?: () => SkippedKeys;
  fetches = 0;
  inFlight = 0;
  maxInFlight = 0;
  constructor(
    readonly files: Map<string, Entry>,
    readonly inventory?: Inventory,
  ) {}
  async readInventory() {
    return this.inventory;
  }
  async *list(): AsyncIterable<ListedAppliance> {
    for (const name of this.files.keys()) yield { name };
  }
  async fetch(appliance: string): Promise<SourceResult> {
    this.fetches++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    this.inFlight--;
    const entry = this.files.get(appliance);
    if (entry === undefined) return { kind: 'missing' };
    if (entry === 'unavailable') return { kind: 'unavailable', reason: 'throttled' };
    if (entry === 'throw') throw new Error('adapter bug with secret text');
    return { kind: 'found', bytes: entry };
  }
}

class MemoryStateStore implements StateStore {
  readonly description = 'memory';
  readonly records = new Map<string, { state: ApplianceState; version: number }>();
  inventoryRecord: { report: InventoryReport | undefined; version: number } | undefined;
  saves = 0;
  async loadInventoryReport(): Promise<LoadedInventoryReport> {
    const record = this.inventoryRecord;
    if (!record) return {};
    return record.report
      ? { report: record.report, version: String(record.version) }
      : { version: String(record.version) };
  }
  async saveInventoryReport(report: InventoryReport | undefined, expected: string | undefined): Promise<void> {
    const current = this.inventoryRecord;
    if ((current === undefined ? undefined : String(current.version)) !== expected)
      throw new StateConflictError('_inventory');
    this.saves++;
    this.inventoryRecord = { report, version: (current?.version ?? 0) + 1 };
  }
  trapHostRecord: { report: TrapHostReport; version: number } | undefined;
  async loadTrapHostReport(): Promise<LoadedTrapHostReport> {
    const record = this.trapHostRecord;
    return record
      ? { report: structuredClone(record.report), version: String(record.version) }
      : { report: trapHostReportOf(undefined) };
  }
  async saveTrapHostReport(report: TrapHostReport, expected: string | undefined): Promise<void> {
    const current = this.trapHostRecord;
    if ((current === undefined ? undefined : String(current.version)) !== expected)
      throw new StateConflictError('_trapHosts');
    this.trapHostRecord = { report: structuredClone(report), version: (current?.version ?? 0) + 1 };
  }
  failLoad = new Set<string>();
  /** Called just before a save compares versions: lets a test play another run writing first. */
  beforeSave?: (appliance: string) => void;

  async load(appliance: string): Promise<LoadedState> {
    if (this.failLoad.has(appliance)) throw new Error('disk on fire');
    const record = this.records.get(appliance);
    return record ? { state: structuredClone(record.state), version: String(record.version) } : {};
  }
  async save(appliance: string, state: ApplianceState, expected: string | undefined): Promise<void> {
    this.beforeSave?.(appliance);
    const current = this.records.get(appliance);
    if ((current === undefined ? undefined : String(current.version)) !== expected) {
      throw new StateConflictError(appliance);
    }
    this.saves++;
    this.records.set(appliance, { state: structuredClone(state), version: (current?.version ?? 0) + 1 });
  }
  async *list(): AsyncIterable<string> {
    yield* this.records.keys();
  }
}

/** A gateway stand-in: fails the first `failures` requests as unreachable, then traps to one host. */
class FakeForwarder implements NotificationForwarder {
  readonly description = 'fake-gateway';
  readonly requests: Notification[][] = [];
  readonly delivered = new Map<string, number>();
  inFlight = 0;
  maxInFlight = 0;
  constructor(public failures = 0) {}
  async forward(batch: readonly Notification[]): Promise<DeliveryResult[]> {
    this.requests.push([...batch]);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    this.inFlight--;
    if (this.failures > 0) {
      this.failures--;
      return batch.map((n) => ({ id: n.id, delivered: false, traps: [], error: 'connect ECONNREFUSED' }));
    }
    return batch.map((n) => {
      const duplicate = this.delivered.has(n.id);
      this.delivered.set(n.id, (this.delivered.get(n.id) ?? 0) + 1);
      const traps = n.event === 'missing' || n.event === 'invalid' ? [] : [{ host: '192.0.2.1:162', ok: true }];
      return { id: n.id, delivered: true, duplicate, traps, syslog: 'ok' as const };
    });
  }
}

class MemoryLog implements LogSink {
  readonly entries: LogEntry[] = [];
  write(entry: LogEntry) {
    this.entries.push(entry);
  }
  lines(appliance?: string) {
    return this.entries.filter((e) => appliance === undefined || e.appliance === appliance).map((e) => e.key);
  }
}

async function run(overrides: Partial<RunCheckOptions> & Pick<RunCheckOptions, 'source' | 'state'>, now = T0) {
  const log = new MemoryLog();
  const outcomes: ApplianceOutcome[] = [];
  const summary = await runCheck({
    log,
    settings: SETTINGS,
    now,
    onOutcome: (o) => outcomes.push(o),
    ...overrides,
  });
  const byName = new Map(outcomes.map((o) => [o.appliance, o]));
  return { summary, log, outcomes, byName };
}

describe('runCheck', () => {
  let fleet: Map<string, Entry>;
  before(() => {
    fleet = new Map<string, Entry>([
      ['hsm-valid', pem('hsm-valid', 200)],
      ['hsm-expiring', pem('hsm-expiring', 10)],
      ['hsm-expired', pem('hsm-expired', -2)],
      ['hsm-invalid', new TextEncoder().encode('garbage')],
    ]);
  });

  test('a fleet run: statuses, notifications, catalogue lines, outcomes and inventory merge', async () => {
    const inventory: Inventory = {
      appliances: { 'hsm-expiring': { address: '10.0.0.7' }, 'hsm-gone': { address: '10.0.0.9' } },
    };
    const source = new MemorySource(fleet, inventory);
    const forwarder = new FakeForwarder();
    const { summary, log, byName } = await run({ source, state: new MemoryStateStore(), forwarder });
    assert.equal(summary.appliances, 5);
    assert.deepEqual(summary.byStatus, {
      valid: 1,
      expiring: 1,
      expired: 1,
      not_yet_valid: 0,
      invalid: 1,
      missing: 1,
      unavailable: 0,
    });
    assert.deepEqual(summary.notifications, { sent: 4, failed: 0 });
    assert.equal(summary.errors, 0);
    assert.equal(source.fetches, 5, 'each appliance fetched once, the inventory-only one included');
    const sent = forwarder.requests.flat();
    assert.deepEqual(sent.map((n) => `${n.appliance}/${n.event}`).sort(), [
      'hsm-expired/expired',
      'hsm-expiring/expiring',
      'hsm-gone/missing',
      'hsm-invalid/invalid',
    ]);
    assert.equal(sent.find((n) => n.appliance === 'hsm-expiring')?.address, '10.0.0.7');
    assert.equal(sent.find((n) => n.appliance === 'hsm-expired')?.address, '0.0.0.0');
    assert.deepEqual(log.lines('hsm-expiring'), ['willExpire', 'trapSent']);
    assert.deepEqual(log.lines('hsm-expired'), ['expired', 'trapSent']);
    assert.deepEqual(log.lines('hsm-gone'), ['missing']);
    assert.deepEqual(log.lines('hsm-invalid'), ['invalid']);
    assert.equal(
      log.entries.find((e) => e.key === 'trapSent')?.text,
      'NTLS certificate expiry SNMP trap sent to trap host 192.0.2.1:162',
    );
    assert.equal(byName.get('hsm-expiring')?.action, 'trap');
    assert.equal(byName.get('hsm-valid')?.action, 'none');
    assert.equal(byName.get('hsm-gone')?.action, 'report');
    assert.equal(byName.get('hsm-expiring')?.daysRemaining, 10);
    assert.equal(byName.get('hsm-invalid')?.status, 'invalid');
    assert.equal(typeof byName.get('hsm-invalid')?.error, 'string');
  });

  test('a gateway that fails then recovers: no lost alert, the retry reuses the ids, no repeat afterwards', async () => {
    const source = new MemorySource(fleet);
    const state = new MemoryStateStore();
    const forwarder = new FakeForwarder(1);
    const first = await run({ source, state, forwarder });
    assert.deepEqual(first.summary.notifications, { sent: 0, failed: 3 });
    assert.equal(first.byName.get('hsm-expiring')?.action, 'trap-failed');
    assert.deepEqual(
      first.log.entries.filter((e) => e.key === 'gatewayFailed').map((e) => e.text),
      ['Failed to deliver NTLS certificate expiry notification to SNMP gateway fake-gateway: connect ECONNREFUSED'],
    );
    const ids = forwarder.requests[0]?.map((n) => n.id).sort();
    assert.equal(state.records.get('hsm-expiring')?.state.alertActive, false);

    const retry = await run({ source, state, forwarder }, new Date(T0.getTime() + HOUR));
    assert.deepEqual(retry.summary.notifications, { sent: 3, failed: 0 });
    assert.deepEqual(forwarder.requests[1]?.map((n) => n.id).sort(), ids);
    assert.equal(state.records.get('hsm-expiring')?.state.alertActive, true);

    const quiet = await run({ source, state, forwarder }, new Date(T0.getTime() + 2 * HOUR));
    assert.deepEqual(quiet.summary.notifications, { sent: 0, failed: 0 });
    assert.equal(forwarder.requests.length, 2);

    const repeat = await run({ source, state, forwarder }, new Date(T0.getTime() + 25 * HOUR));
    assert.deepEqual(repeat.summary.notifications, { sent: 3, failed: 0 });
    const repeatIds = forwarder.requests[2]?.map((n) => n.id) ?? [];
    assert.ok(
      repeatIds.every((id) => !ids?.includes(id)),
      'the next repeat is a new decision with new ids',
    );
    assert.ok([...forwarder.delivered.values()].every((count) => count === 1));
  });

  test('without a forwarder: evaluated, logged and recorded, but no trap is recorded as sent', async () => {
    const state = new MemoryStateStore();
    const { summary, byName } = await run({ source: new MemorySource(fleet), state });
    assert.deepEqual(summary.notifications, { sent: 0, failed: 0 });
    assert.equal(byName.get('hsm-expiring')?.action, 'trap-skipped');
    const record = state.records.get('hsm-expiring')?.state;
    assert.equal(record?.alertActive, false);
    assert.equal(record?.lastAlertAt, undefined);
    assert.match(record?.fingerprint ?? '', /^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/);
    // A later run with a gateway still sends the trap.
    const forwarder = new FakeForwarder();
    const later = await run({ source: new MemorySource(fleet), state, forwarder }, new Date(T0.getTime() + HOUR));
    assert.equal(later.byName.get('hsm-expiring')?.action, 'trap');
  });

  test('unchanged state is not written again', async () => {
    const state = new MemoryStateStore();
    const source = new MemorySource(new Map([['hsm-valid', fleet.get('hsm-valid')!]]));
    await run({ source, state });
    assert.equal(state.saves, 1);
    await run({ source, state }, new Date(T0.getTime() + HOUR));
    assert.equal(state.saves, 1);
  });

  test('one appliance failing never stops the others; the failure is logged and counted', async () => {
    const files = new Map(fleet);
    files.set('hsm-broken', 'throw');
    files.set('hsm-flaky', 'unavailable');
    const state = new MemoryStateStore();
    state.failLoad.add('hsm-valid');
    const forwarder = new FakeForwarder();
    const { summary, log, byName } = await run({ source: new MemorySource(files), state, forwarder });
    assert.equal(summary.appliances, 6);
    assert.equal(summary.errors, 1);
    assert.equal(summary.byStatus.unavailable, 2);
    assert.equal(byName.get('hsm-valid')?.action, 'error');
    assert.deepEqual(log.lines('hsm-valid'), ['checkFailed']);
    assert.equal(log.entries.find((e) => e.key === 'checkFailed')?.text, 'NTLS certificate check failed: Error');
    assert.ok(!log.entries.some((e) => e.text.includes('secret') || e.text.includes('fire')));
    assert.deepEqual(log.lines('hsm-broken'), ['unavailable']);
    assert.deepEqual(log.lines('hsm-flaky'), ['unavailable']);
    assert.equal(byName.get('hsm-expiring')?.action, 'trap');
    assert.ok(!forwarder.requests.flat().some((n) => n.appliance === 'hsm-flaky'), 'unavailable is never reported');
  });

  test('per-appliance threshold, repeat interval and address from the inventory', async () => {
    const files = new Map<string, Entry>([['hsm-a', pem('hsm-a', 40)]]);
    const inventory: Inventory = {
      appliances: { 'hsm-a': { address: '10.1.1.1', thresholdDays: 45, repeatHours: 6 } },
    };
    const state = new MemoryStateStore();
    const forwarder = new FakeForwarder();
    const first = await run({ source: new MemorySource(files, inventory), state, forwarder });
    assert.equal(first.byName.get('hsm-a')?.status, 'expiring');
    assert.equal(forwarder.requests[0]?.[0]?.address, '10.1.1.1');
    const second = await run(
      { source: new MemorySource(files, inventory), state, forwarder },
      new Date(T0.getTime() + 6 * HOUR),
    );
    assert.equal(second.byName.get('hsm-a')?.action, 'trap');
    const plain = await run({ source: new MemorySource(files), state: new MemoryStateStore(), forwarder });
    assert.equal(plain.byName.get('hsm-a')?.status, 'valid');
  });

  test('a lost state race is re-decided against the fresh record and never overwrites it', async () => {
    const files = new Map<string, Entry>([['hsm-x', pem('hsm-x', 10)]]);
    const state = new MemoryStateStore();
    const forwarder = new FakeForwarder();
    // Another run delivers the same alert and saves first, carrying a field this run does not know.
    state.beforeSave = (appliance) => {
      state.beforeSave = undefined;
      state.records.set(appliance, {
        version: 7,
        state: {
          version: 1,
          alertActive: true,
          fingerprint: 'FF:FF',
          lastAlertAt: T0.toISOString(),
          lastProblem: { event: 'missing', at: '2026-11-01T00:00:00.000Z' },
        },
      });
    };
    const { summary, log } = await run({ source: new MemorySource(files), state, forwarder });
    assert.equal(summary.errors, 0);
    const record = state.records.get('hsm-x');
    assert.equal(record?.version, 8, 'saved once more, on top of the other run');
    assert.deepEqual(record?.state.lastProblem, { event: 'missing', at: '2026-11-01T00:00:00.000Z' });
    assert.ok(!log.lines().includes('stateConflict'));
  });

  test('a second lost race drops this run’s update with a warning instead of overwriting', async () => {
    const files = new Map<string, Entry>([['hsm-x', pem('hsm-x', 10)]]);
    const state = new MemoryStateStore();
    let writes = 0;
    state.beforeSave = (appliance) => {
      writes++;
      state.records.set(appliance, { version: 100 + writes, state: { version: 1, alertActive: false } });
    };
    const { summary, log } = await run({ source: new MemorySource(files), state, forwarder: new FakeForwarder() });
    assert.equal(summary.errors, 0);
    assert.deepEqual(log.lines('hsm-x'), ['willExpire', 'trapSent', 'stateConflict']);
    assert.deepEqual(state.records.get('hsm-x')?.state, { version: 1, alertActive: false });
  });

  test('notifications are batched across appliances, at most maxBatch per request, bounded in flight', async () => {
    const bytes = pem('same', 5);
    const files = new Map<string, Entry>();
    for (let i = 0; i < 2500; i++) files.set(`hsm${String(i).padStart(5, '0')}`, bytes);
    const source = new MemorySource(files);
    const forwarder = new FakeForwarder();
    const { summary, outcomes } = await run({
      source,
      state: new MemoryStateStore(),
      forwarder,
      concurrency: 8,
      batch: { maxBatch: 1000, maxInFlight: 2 },
    });
    assert.equal(summary.appliances, 2500);
    assert.deepEqual(summary.notifications, { sent: 2500, failed: 0 });
    assert.equal(outcomes.length, 2500);
    assert.ok(forwarder.requests.every((r) => r.length <= 1000));
    assert.equal(forwarder.requests.length, 3);
    assert.ok(forwarder.maxInFlight <= 2);
    assert.ok(source.maxInFlight <= 8, `at most 8 fetches at once, saw ${source.maxInFlight}`);
    assert.equal(new Set(forwarder.requests.flat().map((n) => n.id)).size, 2500);
  });

  test('names are pulled from the listing as workers free up, not buffered', async () => {
    let yielded = 0;
    let done = 0;
    let maxAhead = 0;
    const source: CertificateSource = {
      description: 'lazy',
      readInventory: async () => undefined,
      async *list() {
        for (let i = 0; i < 3000; i++) {
          yielded++;
          maxAhead = Math.max(maxAhead, yielded - done);
          yield { name: `hsm${i}` };
        }
      },
      fetch: async () => {
        await new Promise((resolve) => setImmediate(resolve));
        done++;
        return { kind: 'missing' };
      },
    };
    const { summary } = await run({ source, state: new MemoryStateStore(), concurrency: 4 });
    assert.equal(summary.appliances, 3000);
    assert.ok(maxAhead <= 5, `listing ran ${maxAhead} ahead of processing`);
  });

  test('shouldStop ends the run early and still settles what was started', async () => {
    let calls = 0;
    const { summary } = await run({
      source: new MemorySource(fleet),
      state: new MemoryStateStore(),
      concurrency: 1,
      shouldStop: () => ++calls > 2,
    });
    assert.equal(summary.appliances, 2);
    assert.equal(summary.stopped, true);
  });

  test('a corrupt state record is reported, reset and rewritten', async () => {
    const files = new Map<string, Entry>([['hsm-x', pem('hsm-x', 100)]]);
    const saved: ApplianceState[] = [];
    const fleet = new MemoryStateStore();
    const state: StateStore = {
      description: 'corrupt',
      load: async () => ({ corrupt: 'record is not JSON', version: 'v1' }),
      save: async (_a, s, expected) => {
        assert.equal(expected, 'v1');
        saved.push(s);
      },
      list: async function* () {},
      // The fleet records are not what this test is about.
      loadInventoryReport: () => fleet.loadInventoryReport(),
      saveInventoryReport: (report, version) => fleet.saveInventoryReport(report, version),
      loadTrapHostReport: () => fleet.loadTrapHostReport(),
      saveTrapHostReport: (report, version) => fleet.saveTrapHostReport(report, version),
    };
    const { log } = await run({ source: new MemorySource(files), state });
    assert.deepEqual(log.lines('hsm-x'), ['stateReset', 'valid']);
    assert.equal(saved.length, 1);
  });
});

describe('runCheck delivery results', () => {
  test('a duplicate answer that still reports a failed trap host is not recorded as delivered', async () => {
    const keysLocal = makeDemoKeys();
    const bytes = new TextEncoder().encode(
      makeCertificatePem(keysLocal, {
        commonName: 'hsm-x',
        notBefore: new Date(T0.getTime() - DAY),
        notAfter: new Date(T0.getTime() + 5 * DAY),
      }),
    );
    const state = new MemoryStateStore();
    const answers: DeliveryResult['traps'][] = [
      [{ host: 'a:162', ok: false, error: 'timeout' }],
      [{ host: 'a:162', ok: true }],
    ];
    const ids: string[] = [];
    const forwarder: NotificationForwarder = {
      description: 'dup',
      forward: async (batch) =>
        batch.map((n) => {
          ids.push(n.id);
          const traps = answers.shift() ?? [];
          return { id: n.id, delivered: true, duplicate: ids.length > 1, traps };
        }),
    };
    const first = await run({ source: new MemorySource(new Map([['hsm-x', bytes]])), state, forwarder });
    assert.deepEqual(first.summary.notifications, { sent: 0, failed: 1 });
    assert.deepEqual(first.log.lines('hsm-x'), ['willExpire', 'trapFailed']);
    const second = await run(
      { source: new MemorySource(new Map([['hsm-x', bytes]])), state, forwarder },
      new Date(T0.getTime() + HOUR),
    );
    assert.deepEqual(second.summary.notifications, { sent: 1, failed: 0 });
    assert.equal(ids[0], ids[1]);
    assert.equal(state.records.get('hsm-x')?.state.alertActive, true);
    // The duplicate answer is told as one: this run sent no trap of its own.
    assert.deepEqual(second.log.lines('hsm-x'), ['willExpire', 'trapDuplicate']);
    assert.equal(
      second.log.entries.find((e) => e.key === 'trapDuplicate')?.text,
      'Duplicate NTLS certificate expiry notification: the SNMP gateway reports the trap to trap host a:162 as sent',
    );
  });

  test('results are matched to notifications by id, whatever order the gateway answers in', async () => {
    const fleet = new Map<string, Entry>([
      ['hsm-a', pem('hsm-a', 5)],
      ['hsm-b', pem('hsm-b', 6)],
      ['hsm-c', pem('hsm-c', 7)],
    ]);
    const state = new MemoryStateStore();
    // hsm-b's trap host fails; the answer lists the batch backwards.
    const forwarder: NotificationForwarder = {
      description: 'reversed',
      forward: async (batch) =>
        batch
          .map((n) => ({ id: n.id, delivered: true, traps: [{ host: 'nms:162', ok: n.appliance !== 'hsm-b' }] }))
          .reverse(),
    };
    const result = await run({ source: new MemorySource(fleet), state, forwarder, batch: { maxBatch: 10 } });
    assert.deepEqual(result.summary.notifications, { sent: 2, failed: 1 });
    assert.equal(result.byName.get('hsm-a')?.action, 'trap');
    assert.equal(result.byName.get('hsm-b')?.action, 'trap-failed');
    assert.equal(result.byName.get('hsm-c')?.action, 'trap');
    assert.deepEqual(result.log.lines('hsm-b'), ['willExpire', 'trapFailed']);
    assert.equal(state.records.get('hsm-a')?.state.alertActive, true);
    assert.equal(state.records.get('hsm-b')?.state.alertActive, false);
  });

  test('a duplicate clearing notification is told as a duplicate, not as a clearing trap sent', async () => {
    const old = pem('hsm-r', 5);
    const renewed = pem('hsm-r', 300);
    const state = new MemoryStateStore();
    const forwarder = new FakeForwarder();
    await run({ source: new MemorySource(new Map([['hsm-r', old]])), state, forwarder });
    const alerted = structuredClone(state.records.get('hsm-r'));
    const renewal = () =>
      run({ source: new MemorySource(new Map([['hsm-r', renewed]])), state, forwarder }, new Date(T0.getTime() + HOUR));
    const first = await renewal();
    const traps = (lines: string[]) => lines.filter((key) => key.startsWith('trap'));
    assert.deepEqual(traps(first.log.lines('hsm-r')), ['trapCleared']);
    // The run's answer was lost before its state was saved: the next run sends the same clearing id again.
    if (alerted) state.records.set('hsm-r', alerted);
    const again = await renewal();
    assert.deepEqual(traps(again.log.lines('hsm-r')), ['trapClearedDuplicate']);
  });
});

describe('runCheck --dry-run (what-if)', () => {
  const files = () =>
    new Map<string, Entry>([
      ['hsm-expiring', pem('hsm-expiring', 10)],
      ['hsm-valid', pem('hsm-valid', 200)],
    ]);

  test('decides and says what is due, forwards nothing, writes no state; a real run later still alerts', async () => {
    const state = new MemoryStateStore();
    const forwarder = new FakeForwarder();
    const ahead = new Date(T0.getTime() + 3 * DAY);
    const whatIf = await run({ source: new MemorySource(files()), state, forwarder, dryRun: true }, ahead);
    assert.equal(forwarder.requests.length, 0);
    assert.equal(state.saves, 0);
    assert.equal(state.records.size, 0);
    assert.deepEqual(whatIf.summary.notifications, { sent: 0, failed: 0 });
    assert.equal(whatIf.summary.wouldSend, 1);
    const outcome = whatIf.byName.get('hsm-expiring');
    assert.equal(outcome?.action, 'trap-dry-run');
    assert.deepEqual(outcome?.notifications, [
      {
        id: `hsm-expiring:${String(outcome?.fingerprintSha256).replaceAll(':', '').slice(0, 8)}:expiring:2026-11-27T12:00`,
        event: 'expiring',
      },
    ]);
    assert.equal(whatIf.byName.get('hsm-valid')?.action, 'none');
    assert.deepEqual(whatIf.log.lines('hsm-expiring'), ['willExpire', 'notificationDue']);
    assert.match(
      whatIf.log.entries.find((e) => e.key === 'notificationDue')?.text ?? '',
      /^NTLS certificate expiry expiring notification is due and was not sent \(dry run\): hsm-expiring:[0-9A-F]{8}:expiring:/,
    );

    const real = await run({ source: new MemorySource(files()), state, forwarder });
    assert.deepEqual(real.summary.notifications, { sent: 1, failed: 0 });
    assert.equal(real.summary.wouldSend, undefined);
  });

  test('hands over no view, not even for an appliance that failed: a what-if run has no report to build', async () => {
    const state = new MemoryStateStore();
    state.failLoad.add('hsm-valid');
    const views: string[] = [];
    const whatIf = await run({
      source: new MemorySource(files()),
      state,
      dryRun: true,
      onView: (appliance) => views.push(appliance),
    });
    assert.equal(whatIf.summary.errors, 1);
    assert.equal(whatIf.byName.get('hsm-valid')?.action, 'error');
    assert.deepEqual(views, []);
  });
});

describe('runCheck with an inventory that has problems', () => {
  const problem = 'fleet.json: appliances.hsm-b.address: expected an IPv4 or IPv6 address';
  const source = (problems: readonly string[]) =>
    new MemorySource(new Map([['hsm-a', pem('hsm-a', 200)]]), {
      appliances: { 'hsm-a': { address: '10.0.0.1' }, 'hsm-b': {} },
      problems,
    });
  const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);

  test('the run goes on with what can be trusted; the problem is counted every run and logged once per H', async () => {
    const state = new MemoryStateStore();
    const first = await run({ source: source([problem]), state });
    assert.equal(first.summary.inventoryProblems, 1);
    assert.equal(first.summary.appliances, 2, 'the listing and the valid entries are checked');
    assert.equal(first.byName.get('hsm-b')?.status, 'missing');
    assert.deepEqual(
      first.log.entries.filter((e) => e.key === 'inventoryProblems').map((e) => e.text),
      [`NTLS certificate expiry monitor inventory is not valid and is used in part: ${problem}`],
    );
    const quiet = await run({ source: source([problem]), state }, at(1));
    assert.equal(quiet.summary.inventoryProblems, 1);
    assert.equal(quiet.log.lines().filter((k) => k === 'inventoryProblems').length, 0);
    const changed = await run({ source: source([problem, 'fleet.json: (top level): unknown key(s) x']), state }, at(2));
    assert.equal(changed.log.lines().filter((k) => k === 'inventoryProblems').length, 2, 'a change is logged at once');
    const repeated = await run(
      { source: source([problem, 'fleet.json: (top level): unknown key(s) x']), state },
      at(26),
    );
    assert.equal(repeated.log.lines().filter((k) => k === 'inventoryProblems').length, 2, 'again after H');
    const fixed = await run({ source: source([]), state }, at(27));
    assert.equal(fixed.summary.inventoryProblems, 0);
    assert.equal(state.inventoryRecord?.report, undefined, 'the record is emptied once the file is right');
    const back = await run({ source: source([problem]), state }, at(28));
    assert.equal(back.log.lines().filter((k) => k === 'inventoryProblems').length, 1, 'a problem that comes back');
  });

  test('a what-if run always logs the problem and records nothing', async () => {
    const state = new MemoryStateStore();
    for (const hours of [0, 1]) {
      const whatIf = await run({ source: source([problem]), state, dryRun: true }, at(hours));
      assert.equal(whatIf.log.lines().filter((k) => k === 'inventoryProblems').length, 1);
    }
    assert.equal(state.inventoryRecord, undefined);
  });

  test('another run that recorded the report first logs it; a record that cannot be read still logs', async () => {
    const raced = new MemoryStateStore();
    raced.saveInventoryReport = async () => {
      throw new StateConflictError('_inventory');
    };
    const quiet = await run({ source: source([problem]), state: raced });
    assert.equal(quiet.log.lines().filter((k) => k === 'inventoryProblems').length, 0);
    const broken = new MemoryStateStore();
    broken.loadInventoryReport = async () => {
      throw new Error('disk on fire');
    };
    const loud = await run({ source: source([problem]), state: broken });
    assert.equal(loud.log.lines().filter((k) => k === 'inventoryProblems').length, 1);
  });
});

test('certificates the listing skipped are named in one warning per run', async () => {
  const source = new MemorySource(new Map([['hsm-a', pem('hsm-a', 200)]]));
  source.skippedKeys = () => ({ count: 12, examples: ['hsm01/server.crt', 'hsm 02/server.pem'] });
  const { log } = await run({ source, state: new MemoryStateStore() });
  const warnings = log.entries.filter((e) => e.key === 'layoutSkipped');
  assert.equal(warnings.length, 1);
  assert.equal(
    warnings[0]?.text,
    'Skipped 12 certificate file(s) that do not fit the fleet layout APPLIANCE/server.pem: hsm01/server.crt, hsm 02/server.pem, …',
  );
  const clean = await run({ source: new MemorySource(new Map()), state: new MemoryStateStore() });
  assert.equal(clean.log.lines().length, 0);
});

/** A source whose listing carries versions, as S3's ETags do: the version changes with the bytes. */
class VersionedSource extends MemorySource {
  readonly versions = new Map<string, number>();
  setFile(name: string, entry: Entry) {
    this.files.set(name, entry);
    this.versions.set(name, (this.versions.get(name) ?? 0) + 1);
  }
  override async *list() {
    for (const name of this.files.keys()) yield { name, version: `"v${this.versions.get(name) ?? 0}"` };
  }
  override async fetch(appliance: string): Promise<SourceResult> {
    const result = await super.fetch(appliance);
    return result.kind === 'found' ? { ...result, version: `"v${this.versions.get(appliance) ?? 0}"` } : result;
  }
}

describe('runCheck with a versioned listing (unchanged certificates are not fetched again)', () => {
  test('a steady run reads no certificate, yet evaluates, alerts and reports exactly as a fresh read', async () => {
    const source = new VersionedSource(new Map());
    source.setFile('hsm-ok', pem('hsm-ok', 200));
    source.setFile('hsm-soon', pem('hsm-soon', 10));
    const state = new MemoryStateStore();
    const forwarder = new FakeForwarder();
    const first = await run({ source, state, forwarder });
    assert.equal(source.fetches, 2);
    assert.equal(state.records.get('hsm-soon')?.state.certificate?.sourceVersion, '"v1"');

    // 25 hours later: nothing fetched, the expiring certificate's repeat trap is still due and sent.
    const later = new Date(T0.getTime() + 25 * HOUR);
    const second = await run({ source, state, forwarder }, later);
    assert.equal(source.fetches, 2, 'no certificate was fetched on the steady run');
    assert.equal(second.summary.notifications.sent, 1);
    const pick = (o: ApplianceOutcome) => [
      o.appliance,
      o.status,
      o.fingerprintSha256,
      o.subject,
      o.notAfter,
      o.keyType,
    ];
    assert.deepEqual(
      second.outcomes.map(pick).sort(),
      first.outcomes.map(pick).sort(),
      'cached evaluation reports the same certificate fields',
    );
    const soon = second.outcomes.find((o) => o.appliance === 'hsm-soon');
    assert.equal(soon?.daysRemaining, 8);
  });

  test('a changed version is fetched again and seen as a new certificate', async () => {
    const source = new VersionedSource(new Map());
    source.setFile('hsm-a', pem('hsm-a', 10));
    source.setFile('hsm-b', pem('hsm-b', 200));
    const state = new MemoryStateStore();
    const forwarder = new FakeForwarder();
    await run({ source, state, forwarder });
    source.setFile('hsm-a', pem('hsm-a-renewed', 300));
    const again = await run({ source, state, forwarder }, new Date(T0.getTime() + HOUR));
    assert.equal(source.fetches, 3, 'only the changed object was fetched');
    assert.ok(again.log.lines('hsm-a').includes('newCertificate'));
    assert.equal(state.records.get('hsm-a')?.state.certificate?.sourceVersion, '"v2"');
  });

  test('a certificate too large to cache is fetched every run, and still traps only every H hours', async () => {
    const source = new VersionedSource(new Map());
    const longSerial = new TextEncoder().encode(
      makeCertificatePem(keys, {
        commonName: 'hsm-long',
        notBefore: new Date(T0.getTime() - 400 * DAY),
        notAfter: new Date(T0.getTime() + 10 * DAY),
        serialNumber: `01${'AB'.repeat(600)}`,
      }),
    );
    source.setFile('hsm-long', longSerial);
    const state = new MemoryStateStore();
    const forwarder = new FakeForwarder();
    const sent: number[] = [];
    for (let hour = 0; hour < 4; hour++) {
      const { summary, log } = await run({ source, state, forwarder }, new Date(T0.getTime() + hour * HOUR));
      sent.push(summary.notifications.sent);
      assert.ok(!log.lines('hsm-long').includes('stateReset'), `no state reset at hour ${hour}`);
    }
    assert.deepEqual(sent, [1, 0, 0, 0]);
    assert.equal(source.fetches, 4);
    assert.equal(state.records.get('hsm-long')?.state.certificate, undefined);
  });

  test('an unreadable source keeps the cache; a missing certificate drops it', async () => {
    const source = new VersionedSource(new Map());
    source.setFile('hsm-a', pem('hsm-a', 200));
    const state = new MemoryStateStore();
    await run({ source, state });
    source.setFile('hsm-a', 'unavailable');
    await run({ source, state }, new Date(T0.getTime() + HOUR));
    assert.equal(state.records.get('hsm-a')?.state.certificate?.sourceVersion, '"v1"');
    source.files.delete('hsm-a');
    // Gone from the listing but still in the inventory: fetched by name, missing, and the cache dropped.
    const withInventory = new VersionedSource(new Map(), { appliances: { 'hsm-a': {} } });
    await run({ source: withInventory, state }, new Date(T0.getTime() + 3 * HOUR));
    assert.equal(state.records.get('hsm-a')?.state.certificate, undefined);
  });
});

test('every catalogue line about an appliance carries its status, notAfter and daysRemaining', async () => {
  const source = new MemorySource(new Map<string, Entry>([['hsm-soon', pem('hsm-soon', 10)]]));
  const lines: { key: string; context?: Readonly<Record<string, unknown>> }[] = [];
  await runCheck({
    source,
    state: new MemoryStateStore(),
    forwarder: new FakeForwarder(),
    log: { write: (entry, context) => lines.push({ key: entry.key, ...(context ? { context } : {}) }) },
    settings: SETTINGS,
    now: T0,
  });
  const expected = {
    status: 'expiring',
    notAfter: new Date(T0.getTime() + 10 * DAY).toISOString(),
    daysRemaining: 10,
  };
  assert.deepEqual(lines.find((l) => l.key === 'willExpire')?.context, expected);
  assert.deepEqual(lines.find((l) => l.key === 'trapSent')?.context, expected);
});

test('a coded gateway failure: its gatewayFailed line carries the code as errorCode', async () => {
  const source = new MemorySource(new Map<string, Entry>([['hsm-soon', pem('hsm-soon', 10)]]));
  const lines: { key: string; context?: Readonly<Record<string, unknown>> }[] = [];
  const untrusted: NotificationForwarder = {
    description: 'https://gw.example',
    forward: async (batch) =>
      batch.map((n) => ({
        id: n.id,
        delivered: false,
        traps: [],
        error:
          'gateway certificate not trusted: use --ca-file (CERTMONITOR_GATEWAY_CA_FILE; Lambda: extraCaCerts) for the CA of https://gw.example (CERT_HAS_EXPIRED)',
        errorCode: 'CM_ERR_GATEWAY_UNTRUSTED',
        gateway: 'https://gw.example',
      })),
  };
  await runCheck({
    source,
    state: new MemoryStateStore(),
    forwarder: untrusted,
    log: { write: (entry, context) => lines.push({ key: entry.key, ...(context ? { context } : {}) }) },
    settings: SETTINGS,
    now: T0,
  });
  assert.deepEqual(lines.find((l) => l.key === 'gatewayFailed')?.context, {
    event: 'gateway',
    errorCode: 'CM_ERR_GATEWAY_UNTRUSTED',
  });
});

describe("runCheck: each appliance's view (the fleet report's data)", () => {
  async function viewsOf(options: Parameters<typeof run>[0], now = T0) {
    const views = new Map<string, ApplianceView>();
    const calls: string[] = [];
    const result = await run(
      {
        ...options,
        onView: (appliance, view) => {
          calls.push(appliance);
          views.set(appliance, view);
        },
      },
      now,
    );
    return { ...result, views, calls };
  }

  test('one view per appliance, failures included, with labels, threshold and the last notification', async () => {
    const files = new Map<string, Entry>([
      ['hsm-a', pem('hsm-a', 10)],
      ['hsm-b', pem('hsm-b', 200)],
      ['hsm-flaky', 'unavailable'],
      ['hsm-broken', 'throw'],
    ]);
    const inventory: Inventory = {
      appliances: { 'hsm-a': { labels: { site: 'fra' }, thresholdDays: 45 }, 'hsm-gone': {} },
    };
    const state = new MemoryStateStore();
    const { calls, views } = await viewsOf({
      source: new MemorySource(files, inventory),
      state,
      forwarder: new FakeForwarder(),
    });
    assert.deepEqual([...calls].sort(), ['hsm-a', 'hsm-b', 'hsm-broken', 'hsm-flaky', 'hsm-gone']);
    const a = views.get('hsm-a');
    assert.equal(a?.status, 'expiring');
    assert.equal(a?.thresholdDays, 45);
    assert.deepEqual(a?.labels, { site: 'fra' });
    assert.deepEqual(a?.lastNotification, { event: 'expiring', at: T0.toISOString() });
    assert.match(a?.subject ?? '', /CN=hsm-a$/);
    assert.equal(views.get('hsm-b')?.lastNotification, undefined);
    assert.equal(views.get('hsm-gone')?.status, 'missing');
    assert.equal(views.get('hsm-broken')?.status, 'unavailable');
    // The view is what the state keeps, so `certmonitor report` can rebuild it.
    assert.deepEqual(state.records.get('hsm-a')?.state.view, a);
  });

  test('an undelivered notification is not the last one; a steady run writes nothing', async () => {
    const files = new Map<string, Entry>([['hsm-a', pem('hsm-a', 10)]]);
    const state = new MemoryStateStore();
    const first = await viewsOf({ source: new MemorySource(files), state, forwarder: new FakeForwarder(1) });
    assert.equal(first.views.get('hsm-a')?.lastNotification, undefined);
    const second = await viewsOf(
      { source: new MemorySource(files), state, forwarder: new FakeForwarder() },
      new Date(T0.getTime() + HOUR),
    );
    assert.deepEqual(second.views.get('hsm-a')?.lastNotification, {
      event: 'expiring',
      at: new Date(T0.getTime() + HOUR).toISOString(),
    });
    const saves = state.saves;
    await viewsOf(
      { source: new MemorySource(files), state, forwarder: new FakeForwarder() },
      new Date(T0.getTime() + 2 * HOUR),
    );
    assert.equal(state.saves, saves, 'nothing due, nothing changed: no write');
  });

  test('while the source is unavailable the view keeps the certificate last read, and says unavailable', async () => {
    const files = new Map<string, Entry>([['hsm-a', pem('hsm-a', 200)]]);
    const state = new MemoryStateStore();
    const before = await viewsOf({ source: new MemorySource(files), state });
    files.set('hsm-a', 'unavailable');
    const during = await viewsOf({ source: new MemorySource(files), state }, new Date(T0.getTime() + HOUR));
    const view = during.views.get('hsm-a');
    assert.equal(view?.status, 'unavailable');
    assert.equal(view?.notAfter, before.views.get('hsm-a')?.notAfter);
    assert.equal(view?.fingerprintSha256, before.views.get('hsm-a')?.fingerprintSha256);
    // The alert fields are untouched: only the view changed.
    const stored = state.records.get('hsm-a')?.state;
    assert.equal(stored?.fingerprint, before.views.get('hsm-a')?.fingerprintSha256);
    assert.equal(stored?.view?.status, 'unavailable');
  });
});

describe('runCheck with standby gateways (docs/gateway.md, Standby gateways)', () => {
  test('the summary says which gateway delivered and how many failovers there were; each is logged', async () => {
    const fleet = new Map<string, Entry>([
      ['hsm-a', pem('hsm-a', 5)],
      ['hsm-b', pem('hsm-b', 6)],
      ['hsm-c', pem('hsm-c', 7)],
    ]);
    // The primary does not accept the first request; the standby delivers all but hsm-c, which no gateway accepts.
    const forwarder: NotificationForwarder = {
      description: 'https://gw1.example, https://gw2.example',
      forward: async (batch, onFailover) => {
        onFailover?.({
          from: 'https://gw1.example',
          to: 'https://gw2.example',
          reason: 'gateway unreachable',
          count: 3,
        });
        return batch.map((n) =>
          n.appliance === 'hsm-c'
            ? {
                id: n.id,
                delivered: false,
                traps: [],
                error: 'gateway answered HTTP 503',
                gateway: 'https://gw2.example',
              }
            : n.appliance === 'hsm-b'
              ? // One trap host of two acknowledged: delivered as the run counts it, and owed to the other.
                {
                  id: n.id,
                  delivered: false,
                  traps: [
                    { host: 'nms', ok: true },
                    { host: 'nms2', ok: false, error: 'timeout' },
                  ],
                  gateway: 'https://gw2.example',
                }
              : { id: n.id, delivered: true, traps: [{ host: 'nms', ok: true }], gateway: 'https://gw2.example' },
        );
      },
    };
    const { summary, log, byName } = await run({
      source: new MemorySource(fleet),
      state: new MemoryStateStore(),
      forwarder,
    });
    assert.deepEqual(summary.notifications, { sent: 2, failed: 1 });
    assert.deepEqual(summary.deliveredBy, { 'https://gw2.example': 2 });
    assert.equal(summary.failovers, 1);
    assert.equal(byName.get('hsm-a')?.action, 'trap');
    assert.equal(byName.get('hsm-b')?.action, 'trap-partial');
    assert.equal(byName.get('hsm-c')?.action, 'trap-failed');
    const gatewayLines = log.entries.filter((e) => e.key.startsWith('gateway'));
    assert.deepEqual(
      gatewayLines.map((e) => [e.key, e.text, e.level]),
      [
        [
          'gatewayFailover',
          'Failed over 3 NTLS certificate expiry notification(s) from SNMP gateway https://gw1.example to SNMP gateway https://gw2.example: gateway unreachable',
          'warning',
        ],
        // The final failure names the gateway tried last, not the whole list.
        [
          'gatewayFailed',
          'Failed to deliver NTLS certificate expiry notification to SNMP gateway https://gw2.example: gateway answered HTTP 503',
          'error',
        ],
      ],
    );
  });

  test('without a forwarder, and in a what-if run, the summary has no gateway counts', async () => {
    const fleet = new Map<string, Entry>([['hsm-a', pem('hsm-a', 5)]]);
    const plain = await run({ source: new MemorySource(fleet), state: new MemoryStateStore() });
    assert.equal(plain.summary.deliveredBy, undefined);
    assert.equal(plain.summary.failovers, undefined);
    const whatIf = await run({
      source: new MemorySource(fleet),
      state: new MemoryStateStore(),
      forwarder: new FakeForwarder(),
      dryRun: true,
    });
    assert.equal(whatIf.summary.deliveredBy, undefined);
    const steady = await run({
      source: new MemorySource(fleet),
      state: new MemoryStateStore(),
      forwarder: new FakeForwarder(),
    });
    assert.deepEqual(steady.summary.deliveredBy, {}, 'the fake forwarder names no gateway');
    assert.equal(steady.summary.failovers, 0);
  });
});
