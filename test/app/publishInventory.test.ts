/**
 * The collector's publication of the inventory against an in-memory destination (the destinations have
 * their own tests against s3rver, the SSM stand-in and a directory): only a change is written, a failure
 * writes nothing and is one line naming the destination, an unusable inventory is never published.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DestinationConflictError, DestinationError } from '../../app/errors.ts';
import type { CertificateDestination, LogSink, StoredCertificate } from '../../app/ports.ts';
import { type InventoryToPublish, publishInventory } from '../../app/publishInventory.ts';
import type { LogEntry } from '../../core/types.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

/** Holds one inventory; each failure mode can be switched on. */
class InventoryDestination implements CertificateDestination {
  readonly description = 's3://fleet/certs/';
  stored: Uint8Array | undefined;
  writes = 0;
  reads = 0;
  failRead = false;
  failWrite = false;
  hangWrite = false;
  /** Another writer stores these bytes first. */
  raceWith: Uint8Array | undefined;
  async read(): Promise<StoredCertificate> {
    throw new Error('no certificate is read');
  }
  async write(): Promise<void> {
    throw new Error('no certificate is written');
  }
  async readInventory(): Promise<StoredCertificate> {
    this.reads++;
    if (this.failRead) throw new DestinationError('fleet.json could not be read: AccessDenied (HTTP 403)');
    return this.stored ? { bytes: this.stored, token: `"e${this.stored.length}"` } : {};
  }
  async writeInventory(value: Uint8Array, current: StoredCertificate): Promise<void> {
    if (this.hangWrite) return new Promise<never>(() => {});
    if (this.failWrite) throw new DestinationError('fleet.json could not be written: SlowDown (HTTP 503)');
    if (this.raceWith) {
      this.stored = this.raceWith;
      throw new DestinationConflictError('fleet.json was changed by another writer');
    }
    assert.equal(current.token, this.stored ? `"e${this.stored.length}"` : undefined, 'conditional on what was read');
    this.writes++;
    this.stored = value;
  }
}

class Lines implements LogSink {
  readonly entries: LogEntry[] = [];
  write(entry: LogEntry): void {
    this.entries.push(entry);
  }
  get texts(): string[] {
    return this.entries.map((e) => `${e.key}: ${e.text}`);
  }
}

async function publish(destination: InventoryDestination, inventory: InventoryToPublish, extra = {}) {
  const log = new Lines();
  const outcome = await publishInventory({ inventory, destination, log, dryRun: false, timeoutMs: 2_000, ...extra });
  return { outcome, lines: log.texts, entries: log.entries };
}

describe('publishInventory', () => {
  test('publishes the bytes as read when they differ from what is stored, and only then', async () => {
    const destination = new InventoryDestination();
    const file = bytes('// the operator\'s comments stay\n{"appliances": {"hsm01": {}}}\n');
    const first = await publish(destination, { bytes: file });
    assert.equal(first.outcome, 'published');
    assert.deepEqual(destination.stored, file);
    assert.deepEqual(first.lines, [
      'inventoryPublished: NTLS certificate expiry monitor inventory has changed and was published to s3://fleet/certs/',
    ]);
    assert.equal(first.entries[0]?.appliance, undefined, 'a line of the run, not of an appliance');
    const second = await publish(destination, { bytes: file });
    assert.equal(second.outcome, 'unchanged');
    assert.equal(destination.writes, 1, 'no second write');
    assert.deepEqual(second.lines, [
      'inventoryUnchanged: NTLS certificate expiry monitor inventory is unchanged at s3://fleet/certs/',
    ]);
    const edited = bytes('{"appliances": {"hsm01": {}, "hsm02": {}}}');
    assert.equal((await publish(destination, { bytes: edited })).outcome, 'published');
    assert.deepEqual(destination.stored, edited);
  });

  test('a dry run says what would be published and writes nothing', async () => {
    const destination = new InventoryDestination();
    destination.stored = bytes('{"appliances": {}}');
    const { outcome, lines } = await publish(
      destination,
      { bytes: bytes('{"appliances": {"hsm01": {}}}') },
      { dryRun: true },
    );
    assert.equal(outcome, 'dryRun');
    assert.equal(destination.writes, 0);
    assert.deepEqual(lines, [
      'inventoryDryRun: NTLS certificate expiry monitor inventory has changed and was not published to s3://fleet/certs/ (dry run)',
    ]);
  });

  test('a read or write that fails is one error line naming the destination, and what is stored stays', async () => {
    const kept = bytes('{"appliances": {"hsm01": {}}}');
    const destination = new InventoryDestination();
    destination.stored = kept;
    destination.failWrite = true;
    const failedWrite = await publish(destination, { bytes: bytes('{"appliances": {}}') });
    assert.equal(failedWrite.outcome, 'failed');
    assert.deepEqual(failedWrite.lines, [
      'inventoryPublishFailed: Failed to publish NTLS certificate expiry monitor inventory to s3://fleet/certs/: fleet.json could not be written: SlowDown (HTTP 503)',
    ]);
    assert.equal(failedWrite.entries[0]?.sev, 'err');
    destination.failRead = true;
    const failedRead = await publish(destination, { bytes: bytes('{"appliances": {}}') });
    assert.equal(failedRead.outcome, 'failed');
    assert.match(failedRead.lines[0] ?? '', /: fleet\.json could not be read: AccessDenied \(HTTP 403\)$/);
    assert.deepEqual(destination.stored, kept);
  });

  test('an inventory unusable as a whole is not published: the stored one is kept, and the line says why', async () => {
    const destination = new InventoryDestination();
    destination.stored = bytes('{"appliances": {"hsm01": {}}}');
    const { outcome, lines } = await publish(destination, {
      unusable: 'fleet.json: not valid JSON at line 1 column 2',
    });
    assert.equal(outcome, 'failed');
    assert.equal(destination.reads + destination.writes, 0, 'the destination is not even read');
    assert.deepEqual(lines, [
      'inventoryPublishFailed: Failed to publish NTLS certificate expiry monitor inventory to s3://fleet/certs/: fleet.json: not valid JSON at line 1 column 2; the inventory stored there is kept',
    ]);
  });

  test('a lost race is unchanged when the winner stored the same bytes, a failure otherwise', async () => {
    const ours = bytes('{"appliances": {"hsm01": {}}}');
    const same = new InventoryDestination();
    same.raceWith = ours;
    assert.equal((await publish(same, { bytes: ours })).outcome, 'unchanged');
    const other = new InventoryDestination();
    other.raceWith = bytes('{"appliances": {}}');
    const lost = await publish(other, { bytes: ours });
    assert.equal(lost.outcome, 'failed');
    assert.match(lost.lines[0] ?? '', /: fleet\.json was changed by another writer$/);
  });

  test('a destination that does not answer fails the publication at the deadline', async () => {
    const destination = new InventoryDestination();
    destination.hangWrite = true;
    const { outcome, lines } = await publish(destination, { bytes: bytes('{}') }, { timeoutMs: 100 });
    assert.equal(outcome, 'failed');
    assert.match(lines[0] ?? '', /: out of time while publishing the inventory \(timeout\)$/);
  });
});
