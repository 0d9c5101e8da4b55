/**
 * Records in a local directory (`dir:PATH`): one file per key (`{PATH}/hsm01.json`,
 * `{PATH}/_report/index.html`), so an operator can read or delete any of them.
 *
 * Every write is atomic (temporary file, fsync, rename: a reader sees the old or the new bytes, never
 * half). A conditional write compares the version (the file's inode, size and modification time: each
 * write renames a new file into place, so each write changes it) with the current file's under a
 * short-lived lock file created with O_EXCL, so a run
 * that lost a race gets {@link StateConflictError} instead of overwriting the winner (docs/design.md,
 * State). A lock left behind by a crashed run is taken over once it is older than {@link STALE_LOCK_MS}.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StateConflictError, StateStoreError } from '../../app/errors.ts';
import type { RecordStore, VersionedRecord } from '../../app/ports.ts';
import { recordFolder, recordKey } from '../../app/recordKey.ts';
import { oversizeBytes } from '../fleetLayout.ts';
import { dirDescription, type FileStamp, fsErrorCode, isAbsent, readFileCapped } from './dirFiles.ts';

/** A lock is held for one read and one rename; one this old belongs to a run that died. */
export const STALE_LOCK_MS = 30_000;

const LOCK = '.lock';

/** The version of a record: what changes with each write, whoever wrote. */
function versionOf(stamp: FileStamp): string {
  return `${stamp.ino}-${stamp.size}-${stamp.mtimeMs}`;
}

/** {@link RecordStore} over a local directory. */
export class DirRecordStore implements RecordStore {
  readonly description: string;

  constructor(private readonly root: string) {
    this.description = dirDescription(root);
  }

  describe(key: string): string {
    return `${this.description}/${key}`;
  }

  localPath(key: string): string {
    return path.resolve(this.root, recordKey(key));
  }

  /**
   * The record's bytes and version. One too large to read is still versioned, so it can be replaced
   * conditionally; its bytes are then a placeholder one byte over `limit`. Something that is not a file
   * reads as empty.
   */
  async read(key: string, limit: number): Promise<VersionedRecord | undefined> {
    const read = await readFileCapped(this.localPath(key), limit);
    switch (read.kind) {
      case 'failed':
        if (read.code === 'ENOENT') return undefined;
        throw new StateStoreError(`could not be read (${read.code})`, { cause: read.error });
      case 'tooLarge':
        return { bytes: oversizeBytes(limit), version: versionOf(read) };
      case 'notFile':
        return { bytes: new Uint8Array(0), version: versionOf(read) };
      case 'read':
        return { bytes: read.bytes, version: versionOf(read) };
    }
  }

  /** The current version of the file, without reading it. */
  private async versionNow(file: string): Promise<string | undefined> {
    try {
      return versionOf(await fs.stat(file));
    } catch (error) {
      if (fsErrorCode(error) === 'ENOENT') return undefined;
      throw new StateStoreError(`could not be read (${fsErrorCode(error)})`, { cause: error });
    }
  }

  /** Replaces the file if its version is still `expectedVersion`, under the key's lock file (owner-only). */
  async writeIf(key: string, bytes: Uint8Array, expectedVersion: string | undefined): Promise<void> {
    const file = this.localPath(key);
    await this.ensureFolder(file);
    const lock = `${file}${LOCK}`;
    await acquire(lock, key);
    try {
      if ((await this.versionNow(file)) !== expectedVersion) throw new StateConflictError(key);
      await replaceFile(file, bytes, 0o600);
    } finally {
      await fs.rm(lock, { force: true });
    }
  }

  /** Replaces the file whatever it holds, readable by others (a report page an operator opens). */
  async publish(key: string, bytes: Uint8Array): Promise<void> {
    const file = this.localPath(key);
    await this.ensureFolder(file);
    await replaceFile(file, bytes, 0o644);
  }

  /** The files directly in `folder`, in directory order; this store's temporary and lock files are not records. */
  async *list(folder: string): AsyncIterable<string> {
    let dir: Awaited<ReturnType<typeof fs.opendir>>;
    try {
      dir = await fs.opendir(path.join(this.root, recordFolder(folder)));
    } catch (error) {
      if (isAbsent(error)) return;
      throw new StateStoreError(`could not be listed (${fsErrorCode(error)})`, { cause: error });
    }
    for await (const entry of dir) {
      if (entry.isFile() && !entry.name.startsWith('.') && !entry.name.endsWith(LOCK)) yield `${folder}${entry.name}`;
    }
  }

  private async ensureFolder(file: string): Promise<void> {
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
    } catch (error) {
      throw new StateStoreError(`could not be written (${fsErrorCode(error)})`, { cause: error });
    }
  }
}

/** Writes `bytes` to a hidden temporary file beside `file`, syncs it and renames it over `file`. */
async function replaceFile(file: string, bytes: Uint8Array, mode: number): Promise<void> {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    const handle = await fs.open(temp, 'wx', mode);
    try {
      await handle.writeFile(bytes);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw new StateStoreError(`could not be written (${fsErrorCode(error)})`, { cause: error });
  }
}

/** Creates the lock file exclusively; a live lock held by another writer is a conflict over `key`. */
async function acquire(lock: string, key: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await fs.open(lock, 'wx', 0o600);
      await handle.close();
      return;
    } catch (error) {
      if (fsErrorCode(error) !== 'EEXIST') {
        throw new StateStoreError(`lock could not be created (${fsErrorCode(error)})`, { cause: error });
      }
    }
    const age = await fs.stat(lock).then(
      (info) => Date.now() - info.mtimeMs,
      () => Number.POSITIVE_INFINITY,
    );
    if (age < STALE_LOCK_MS) throw new StateConflictError(key);
    await fs.rm(lock, { force: true });
  }
  throw new StateConflictError(key);
}
