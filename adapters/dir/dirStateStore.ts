/**
 * Per-appliance state in a local directory (`dir:PATH`): one JSON file `{PATH}/{appliance}.json` each, in
 * the same plain form as the S3 store, so an operator can read or delete one appliance's record.
 *
 * Writes are atomic (temporary file, fsync, rename: a reader sees the old or the new record, never half)
 * and conditional: the version token is a hash of the file's bytes, and `save` compares it with the
 * current file under a short-lived lock file created with O_EXCL, so a run that lost a race to another
 * run gets {@link StateConflictError} instead of overwriting the winner's update (docs/design.md, State).
 * A lock left behind by a crashed run is taken over once it is older than {@link STALE_LOCK_MS}.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type LoadedState, StateConflictError, type StateStore } from '../../app/ports.ts';
import { applianceStateProblem } from '../../core/applianceStateProblem.ts';
import type { ApplianceState } from '../../core/types.ts';
import { isApplianceName } from '../../protocol/notification.ts';
import { StateStoreError } from '../stateStoreError.ts';
import { fsErrorCode, readFileCapped } from './dirFiles.ts';

/** A state record is a few hundred bytes; a far larger file is not one of ours. */
const MAX_STATE_BYTES = 64 * 1024;
/** A lock is held for one read and one rename; one this old belongs to a run that died. */
export const STALE_LOCK_MS = 30_000;

/** The version token of a record: its bytes' hash, so any change by any writer changes it. */
function versionOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

/** {@link StateStore} over a local directory. */
export class DirStateStore implements StateStore {
  readonly description: string;
  private ready: Promise<unknown> | undefined;

  constructor(private readonly root: string) {
    this.description = `dir:${path.basename(path.resolve(root))}`;
  }

  private file(appliance: string): string {
    if (!isApplianceName(appliance)) throw new StateStoreError('invalid appliance name');
    return path.join(this.root, `${appliance}.json`);
  }

  /** The stored record, its version, or a short reason when it exists but is not a valid record. */
  async load(appliance: string): Promise<LoadedState> {
    const file = this.file(appliance);
    let bytes: Uint8Array | undefined;
    try {
      bytes = await readFileCapped(file, MAX_STATE_BYTES);
    } catch (error) {
      if (fsErrorCode(error) === 'ENOENT') return {};
      throw new StateStoreError(`state could not be read (${fsErrorCode(error)})`, { cause: error });
    }
    if (bytes === undefined) {
      // Still versioned by its size and time so it can be replaced conditionally.
      const info = await fs.stat(file);
      return { corrupt: 'record is too large', version: `big-${info.size}-${info.mtimeMs}` };
    }
    const version = versionOf(bytes);
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      return { corrupt: 'record is not JSON', version };
    }
    const problem = applianceStateProblem(value);
    if (problem) return { corrupt: problem, version };
    return { state: value as ApplianceState, version };
  }

  /** Writes `state` if the record is still at `expectedVersion` (undefined: still absent). */
  async save(appliance: string, state: ApplianceState, expectedVersion: string | undefined): Promise<void> {
    const file = this.file(appliance);
    this.ready ??= fs.mkdir(this.root, { recursive: true });
    await this.ready;
    const lock = `${file}.lock`;
    await this.acquire(lock, appliance);
    try {
      const current = await this.currentVersion(file);
      if (current !== expectedVersion) throw new StateConflictError(appliance);
      const temp = path.join(this.root, `.${appliance}.json.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        const handle = await fs.open(temp, 'wx', 0o600);
        try {
          await handle.writeFile(`${JSON.stringify(state)}\n`);
          await handle.datasync();
        } finally {
          await handle.close();
        }
        await fs.rename(temp, file);
      } catch (error) {
        await fs.rm(temp, { force: true });
        throw new StateStoreError(`state could not be written (${fsErrorCode(error)})`, { cause: error });
      }
    } finally {
      await fs.rm(lock, { force: true });
    }
  }

  private async currentVersion(file: string): Promise<string | undefined> {
    try {
      const bytes = await readFileCapped(file, MAX_STATE_BYTES);
      if (bytes !== undefined) return versionOf(bytes);
      const info = await fs.stat(file);
      return `big-${info.size}-${info.mtimeMs}`;
    } catch (error) {
      if (fsErrorCode(error) === 'ENOENT') return undefined;
      throw new StateStoreError(`state could not be read (${fsErrorCode(error)})`, { cause: error });
    }
  }

  /** Creates the lock file exclusively; a live lock held by another run is a conflict. */
  private async acquire(lock: string, appliance: string): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await fs.open(lock, 'wx', 0o600);
        await handle.close();
        return;
      } catch (error) {
        if (fsErrorCode(error) !== 'EEXIST') {
          throw new StateStoreError(`state lock could not be created (${fsErrorCode(error)})`, { cause: error });
        }
      }
      const age = await fs.stat(lock).then(
        (info) => Date.now() - info.mtimeMs,
        () => Number.POSITIVE_INFINITY,
      );
      if (age < STALE_LOCK_MS) throw new StateConflictError(appliance);
      await fs.rm(lock, { force: true });
    }
    throw new StateConflictError(appliance);
  }
}
