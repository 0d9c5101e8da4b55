/**
 * The collector's run against in-memory ports (the TLS capture and the destinations have their own
 * tests against real peers): only changes are written, failures never write, each appliance ends within
 * its deadline whatever a port does, one line per appliance.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { type CollectOptions, type CollectResult, collectFleet } from '../../app/collectFleet.ts';
import { DestinationConflictError, DestinationError } from '../../app/errors.ts';
import type {
  CaptureResult,
  CertificateCapture,
  CertificateDestination,
  Inventory,
  LogSink,
  NtlsTarget,
  StoredCertificate,
} from '../../app/ports.ts';
import type { LogEntry } from '../../core/types.ts';
import { type DemoKeys, makeCertificatePem, makeDemoKeys } from '../../examples/demoCertificate.ts';

const DAY = 86_400_000;
let keys: DemoKeys;
before(() => {
  keys = makeDemoKeys();
});

function pem(commonName: string, days = 100): Uint8Array {
  const now = Date.now();
  return new TextEncoder().encode(
    makeCertificatePem(keys, { commonName, notBefore: new Date(now - DAY), notAfter: new Date(now + days * DAY) }),
  );
}

type Behaviour = Uint8Array | { fail: string } | 'hang' | 'throw';

/** Appliances by port: what each presents. */
class MemoryCapture implements CertificateCapture {
  inFlight = 0;
  maxInFlight = 0;
  readonly targets: NtlsTarget[] = [];
  constructor(readonly byPort: Map<number, Behaviour>) {}
  async capture(target: NtlsTarget, _signal: AbortSignal): Promise<CaptureResult> {
    this.targets.push(target);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setTimeout(r, 5));
      const behaviour = this.byPort.get(target.port);
      if (behaviour === 'hang') return await new Promise<never>(() => {});
      if (behaviour === 'throw') throw new TypeError('a bug in an adapter');
      if (behaviour === undefined) return { kind: 'failed', reason: 'connection refused (ECONNREFUSED)' };
      if ('fail' in behaviour) return { kind: 'failed', reason: behaviour.fail };
      return { kind: 'captured', pem: behaviour, certificates: 1 };
    } finally {
      this.inFlight--;
    }
  }
}

class MemoryDestination implements CertificateDestination {
  readonly description = 'memory:';
  readonly stored = new Map<string, Uint8Array>();
  writes: string[] = [];
  readFails = new Set<string>();
  writeHangs = new Set<string>();
  /** Appliances whose write loses a race: another writer stores these bytes first. */
  conflicts = new Map<string, Uint8Array>();
  async read(appliance: string): Promise<StoredCertificate> {
    if (this.readFails.has(appliance))
      throw new DestinationError('certificate could not be read: AccessDenied (HTTP 403)');
    const bytes = this.stored.get(appliance);
    return bytes ? { bytes, token: `v${bytes.length}` } : {};
  }
  async write(appliance: string, bytes: Uint8Array, current: StoredCertificate): Promise<void> {
    if (this.writeHangs.has(appliance)) return new Promise<never>(() => {});
    const other = this.conflicts.get(appliance);
    if (other) {
      this.stored.set(appliance, other);
      throw new DestinationConflictError(`${appliance} changed`);
    }
    assert.equal(current.token, this.stored.has(appliance) ? `v${this.stored.get(appliance)!.length}` : undefined);
    this.writes.push(appliance);
    this.stored.set(appliance, bytes);
  }
  /** The inventory is kept under a name no appliance can have. */
  readInventory(): Promise<StoredCertificate> {
    return this.read(INVENTORY);
  }
  writeInventory(bytes: Uint8Array, current: StoredCertificate): Promise<void> {
    return this.write(INVENTORY, bytes, current);
  }
}

const INVENTORY = '<fleet.json>';

class Lines implements LogSink {
  readonly entries: LogEntry[] = [];
  write(entry: LogEntry): void {
    this.entries.push(entry);
  }
  of(appliance: string): string[] {
    return this.entries.filter((e) => e.appliance === appliance).map((e) => `${e.key}: ${e.text}`);
  }
}

function inventoryOf(ports: Record<string, number | undefined>): Inventory {
  return {
    appliances: Object.fromEntries(
      Object.entries(ports).map(([name, port]) => [
        name,
        port === undefined ? {} : { address: '10.0.0.5', ntlsPort: port },
      ]),
    ),
  };
}

async function run(options: Partial<CollectOptions> & Pick<CollectOptions, 'inventory' | 'capture' | 'destination'>) {
  const log = new Lines();
  const results: CollectResult[] = [];
  const summary = await collectFleet({
    log,
    concurrency: 4,
    timeoutMs: 2_000,
    dryRun: false,
    onResult: (r) => results.push(r),
    ...options,
  });
  const byName = Object.fromEntries(results.map((r) => [r.appliance, r]));
  return { summary, results: byName, log };
}

describe('collectFleet', () => {
  test('publishes a new or changed certificate, and nothing when it is unchanged', async () => {
    const a = pem('hsm-a');
    const capture = new MemoryCapture(new Map([[1792, a]]));
    const destination = new MemoryDestination();
    const inventory: Inventory = { appliances: { 'hsm-a': { address: '10.0.0.5' } } };
    const first = await run({ inventory, capture, destination });
    assert.equal(first.results['hsm-a']?.result, 'changed');
    assert.equal(first.results['hsm-a']?.published, true);
    assert.deepEqual(capture.targets[0], { address: '10.0.0.5', port: 1792 }, 'port 1792 unless the inventory says');
    assert.deepEqual(destination.stored.get('hsm-a'), a);
    assert.deepEqual(first.log.of('hsm-a'), [
      'collectChanged: NTLS certificate collected from 10.0.0.5:1792 has changed and was published to memory:',
    ]);
    const second = await run({ inventory, capture, destination });
    assert.equal(second.results['hsm-a']?.result, 'unchanged');
    assert.deepEqual(destination.writes, ['hsm-a'], 'no second write');
    assert.deepEqual(second.log.of('hsm-a'), [
      'collectUnchanged: NTLS certificate collected from 10.0.0.5:1792 is unchanged',
    ]);
    const renewed = pem('hsm-a-renewed');
    capture.byPort.set(1792, renewed);
    const third = await run({ inventory, capture, destination });
    assert.equal(third.results['hsm-a']?.result, 'changed');
    assert.deepEqual(destination.stored.get('hsm-a'), renewed);
    assert.deepEqual(third.summary, {
      ...third.summary,
      appliances: 1,
      collected: 1,
      changed: 1,
      unchanged: 0,
      failed: 0,
    });
  });

  test('reports the certificate it read: fingerprint, notAfter, subject, count and size', async () => {
    const bytes = pem('hsm-a', 10);
    const { results } = await run({
      inventory: inventoryOf({ 'hsm-a': 1 }),
      capture: new MemoryCapture(new Map([[1, bytes]])),
      destination: new MemoryDestination(),
    });
    const result = results['hsm-a']!;
    assert.match(result.fingerprintSha256 ?? '', /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(result.subject, 'C=DE, O=certmonitor demo, CN=hsm-a');
    assert.equal(result.certificates, 1);
    assert.equal(result.bytes, bytes.length);
    assert.ok(Date.parse(result.notAfter ?? '') > Date.now() + 9 * DAY);
    assert.deepEqual(Object.keys(result).slice(0, 3), ['appliance', 'result', 'peer']);
  });

  test('a dry run compares and writes nothing', async () => {
    const destination = new MemoryDestination();
    destination.stored.set('hsm-b', pem('old'));
    const { results, log, summary } = await run({
      inventory: inventoryOf({ 'hsm-a': 1, 'hsm-b': 2 }),
      capture: new MemoryCapture(
        new Map([
          [1, pem('hsm-a')],
          [2, pem('hsm-b')],
        ]),
      ),
      destination,
      dryRun: true,
    });
    assert.equal(results['hsm-a']?.result, 'changed');
    assert.equal(results['hsm-a']?.published, false);
    assert.deepEqual(destination.writes, []);
    assert.equal(summary.dryRun, true);
    assert.match(log.of('hsm-b')[0] ?? '', /^collectDryRun: .* has changed and was not published \(dry run\)$/);
  });

  test('a failure never writes, never stops the others, and is one line with its reason', async () => {
    const destination = new MemoryDestination();
    const kept = pem('stored-before');
    for (const name of ['refused', 'nottls', 'bug', 'noread']) destination.stored.set(name, kept);
    destination.readFails.add('noread');
    const capture = new MemoryCapture(
      new Map<number, Behaviour>([
        [2, { fail: 'not a TLS server (ERR_SSL_WRONG_VERSION_NUMBER)' }],
        [3, 'throw'],
        [4, pem('noread-new')],
        [5, pem('fine')],
      ]),
    );
    const { results, log, summary } = await run({
      inventory: inventoryOf({ refused: 1, nottls: 2, bug: 3, noread: 4, fine: 5, noaddress: undefined }),
      capture,
      destination,
    });
    assert.deepEqual(Object.fromEntries(Object.entries(results).map(([n, r]) => [n, r.result])), {
      refused: 'failed',
      nottls: 'failed',
      bug: 'failed',
      noread: 'failed',
      fine: 'changed',
      noaddress: 'skipped',
    });
    assert.deepEqual(destination.writes, ['fine']);
    for (const name of ['refused', 'nottls', 'bug', 'noread']) assert.deepEqual(destination.stored.get(name), kept);
    assert.deepEqual(log.of('refused'), [
      'collectFailed: Failed to collect NTLS certificate from 10.0.0.5:1: connection refused (ECONNREFUSED)',
    ]);
    assert.deepEqual(log.of('bug'), ['collectFailed: Failed to collect NTLS certificate from 10.0.0.5:3: TypeError']);
    assert.deepEqual(log.of('noread'), [
      'publishFailed: Failed to publish NTLS certificate collected from 10.0.0.5:4 to memory:: certificate could not be read: AccessDenied (HTTP 403)',
    ]);
    assert.deepEqual(log.of('noaddress'), [
      'collectSkipped: Skipped collecting NTLS certificate: the inventory gives no address for it',
    ]);
    for (const name of Object.keys(results)) assert.equal(log.of(name).length, 1, `one line for ${name}`);
    assert.deepEqual(
      { ...summary, durationMs: 0 },
      {
        appliances: 6,
        collected: 1,
        changed: 1,
        unchanged: 0,
        failed: 4,
        skipped: 1,
        inventoryProblems: 0,
        dryRun: false,
        durationMs: 0,
      },
    );
  });

  test('every appliance ends within its deadline, whatever the capture or the destination does', async () => {
    const destination = new MemoryDestination();
    destination.writeHangs.add('slowstore');
    const started = performance.now();
    const { results } = await run({
      inventory: inventoryOf({ hangs: 1, slowstore: 2, fine: 3 }),
      capture: new MemoryCapture(
        new Map<number, Behaviour>([
          [1, 'hang'],
          [2, pem('slow')],
          [3, pem('fine')],
        ]),
      ),
      destination,
      timeoutMs: 300,
    });
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1_000, `the run took ${elapsed} ms with a 300 ms deadline`);
    assert.equal(results.hangs?.reason, 'out of time while reading the certificate (timeout)');
    assert.equal(results.slowstore?.reason, 'out of time while publishing the certificate (timeout)');
    assert.equal(results.fine?.result, 'changed');
    for (const r of Object.values(results)) assert.ok(r.durationMs < 600, `${r.appliance} took ${r.durationMs} ms`);
  });

  test('a conditional write that lost a race is unchanged when the winner stored the same bytes', async () => {
    const same = pem('same');
    const destination = new MemoryDestination();
    destination.conflicts.set('twin', same);
    destination.conflicts.set('other', pem('someone else'));
    const { results } = await run({
      inventory: inventoryOf({ twin: 1, other: 2 }),
      capture: new MemoryCapture(
        new Map([
          [1, same],
          [2, pem('ours')],
        ]),
      ),
      destination,
    });
    assert.equal(results.twin?.result, 'unchanged');
    assert.equal(results.other?.result, 'failed');
    assert.equal(results.other?.reason, 'other changed');
  });

  test("fleet.json's problems are logged and counted, and its valid entries collected all the same", async () => {
    const inventory: Inventory = {
      appliances: { good: { address: '10.0.0.5', ntlsPort: 1 }, bad: {} },
      problems: ['fleet.json: appliances.bad.ntlsPort: expected a whole number from 1 to 65535'],
    };
    const { summary, results, log } = await run({
      inventory,
      capture: new MemoryCapture(new Map([[1, pem('good')]])),
      destination: new MemoryDestination(),
    });
    assert.equal(results.good?.result, 'changed');
    assert.equal(results.bad?.result, 'skipped');
    assert.equal(summary.inventoryProblems, 1);
    assert.deepEqual(
      log.entries.filter((e) => e.key === 'inventoryProblems').map((e) => e.text),
      [
        'NTLS certificate expiry monitor inventory is not valid and is used in part: fleet.json: appliances.bad.ntlsPort: expected a whole number from 1 to 65535',
      ],
    );
  });

  test('publishes the inventory it was given after the certificates, and says so in the summary', async () => {
    const destination = new MemoryDestination();
    const file = new TextEncoder().encode('{"appliances": {"up": {"address": "10.0.0.5", "ntlsPort": 1}, "down": {}}}');
    const { summary, log } = await run({
      inventory: inventoryOf({ up: 1, down: 2 }),
      capture: new MemoryCapture(new Map([[1, pem('up')]])),
      destination,
      publishInventory: { bytes: file },
    });
    assert.deepEqual(destination.writes, ['up', INVENTORY], 'the inventory last');
    assert.deepEqual(destination.stored.get(INVENTORY), file);
    assert.equal(summary.inventory, 'published');
    assert.equal(summary.failed, 1);
    assert.deepEqual(
      log.entries.filter((e) => e.key.startsWith('inventory')).map((e) => e.text),
      ['NTLS certificate expiry monitor inventory has changed and was published to memory:'],
    );
    const read = await run({
      inventory: inventoryOf({ up: 1 }),
      capture: new MemoryCapture(new Map([[1, pem('up')]])),
      destination,
    });
    assert.equal(read.summary.inventory, undefined, 'an inventory read from the destination is not published');
    assert.deepEqual(destination.writes, ['up', INVENTORY, 'up']);
  });

  test('runs at most `concurrency` appliances at once', async () => {
    const names = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`hsm${i}`, 1]));
    const capture = new MemoryCapture(new Map([[1, pem('x')]]));
    const { summary } = await run({
      inventory: inventoryOf(names),
      capture,
      destination: new MemoryDestination(),
      concurrency: 3,
    });
    assert.equal(summary.collected, 20);
    assert.equal(capture.maxInFlight, 3);
  });
});
