/**
 * A `RecordStore` in memory: what a new backend has to do, in one small file (the repository does the
 * rest). Used by the tests of the state repository.
 */
import { StateConflictError } from '../../app/errors.ts';
import type { RecordStore, VersionedRecord } from '../../app/ports.ts';
import { recordFolder, recordKey } from '../../app/recordKey.ts';

export class MemoryRecordStore implements RecordStore {
  readonly description = 'memory:';
  readonly records = new Map<string, { bytes: Uint8Array; version: string; contentType: string }>();
  private writes = 0;

  describe(key: string): string {
    return `${this.description}${key}`;
  }

  async read(key: string, limit: number): Promise<VersionedRecord | undefined> {
    const record = this.records.get(recordKey(key));
    if (!record) return undefined;
    return { bytes: record.bytes.length > limit ? new Uint8Array(limit + 1) : record.bytes, version: record.version };
  }

  async writeIf(key: string, bytes: Uint8Array, expectedVersion: string | undefined, contentType: string) {
    if (this.records.get(recordKey(key))?.version !== expectedVersion) throw new StateConflictError(key);
    await this.publish(key, bytes, contentType);
  }

  async publish(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    this.records.set(recordKey(key), { bytes: bytes.slice(), version: `v${++this.writes}`, contentType });
  }

  async *list(folder: string): AsyncIterable<string> {
    for (const key of this.records.keys()) {
      if (key.startsWith(recordFolder(folder)) && !key.slice(folder.length).includes('/')) yield key;
    }
  }
}
