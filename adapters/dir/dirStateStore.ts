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
import { StateConflictError, StateStoreError } from '../../app/errors.ts';
import type {
  LoadedInventoryReport,
  LoadedState,
  LoadedTrapHostReport,
  ReportStore,
  StateStore,
} from '../../app/ports.ts';
import type { InventoryReport } from '../../core/inventoryReport.ts';
import type { TrapHostReport } from '../../core/trapHostReport.ts';
import type { ApplianceState } from '../../core/types.ts';
import { isApplianceName } from '../../protocol/notification.ts';
import { oversizeBytes } from '../fleetLayout.ts';
import { REPORT_FOLDER, recordAppliance } from '../reportLayout.ts';
import {
  decodeInventoryReport,
  decodeStateRecord,
  decodeTrapHostReport,
  encodeInventoryReport,
  encodeTrapHostReport,
  INVENTORY_REPORT_RECORD,
  MAX_STATE_BYTES,
  TRAP_HOST_REPORT_RECORD,
} from '../stateRecord.ts';
import { fsErrorCode, isAbsent, readFileCapped } from './dirFiles.ts';
import { DirReportFolder } from './dirReportFolder.ts';

/** A lock is held for one read and one rename; one this old belongs to a run that died. */
export const STALE_LOCK_MS = 30_000;

/** How this store words a record it cannot decode (the `stateReset` reasons). */
const WORDING = { tooLarge: 'record is too large', notJson: 'record is not JSON' } as const;

/** The version token of a record: its bytes' hash, so any change by any writer changes it. */
function versionOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

/** {@link StateStore} over a local directory, with the fleet report in its `_report/` folder. */
export class DirStateStore implements StateStore, ReportStore {
  readonly description: string;
  readonly reportDescription: string;
  private readonly reports: DirReportFolder;
  private ready: Promise<unknown> | undefined;

  constructor(private readonly root: string) {
    this.description = `dir:${path.basename(path.resolve(root))}`;
    this.reportDescription = `${this.description}/${REPORT_FOLDER}/`;
    this.reports = new DirReportFolder(path.join(root, REPORT_FOLDER), this.reportDescription);
  }

  /** The absolute path of a report file (for the messages that tell an operator what to open). */
  reportPath(name: string): string {
    return this.reports.reportPath(name);
  }

  private file(appliance: string): string {
    if (!isApplianceName(appliance)) throw new StateStoreError('invalid appliance name');
    return path.join(this.root, `${appliance}.json`);
  }

  /** The stored record, its version, or a short reason when it exists but is not a valid record. */
  async load(appliance: string): Promise<LoadedState> {
    const record = await this.read(this.file(appliance));
    return record ? decodeStateRecord(record.bytes, record.version, WORDING) : {};
  }

  /** Writes `state` if the record is still at `expectedVersion` (undefined: still absent). */
  async save(appliance: string, state: ApplianceState, expectedVersion: string | undefined): Promise<void> {
    await this.write(this.file(appliance), appliance, JSON.stringify(state), expectedVersion);
  }

  /** The fleet-level inventory report (`_inventory.json`) and its version. */
  async loadInventoryReport(): Promise<LoadedInventoryReport> {
    const record = await this.read(path.join(this.root, INVENTORY_REPORT_RECORD));
    return record ? decodeInventoryReport(record.bytes, record.version) : {};
  }

  /** Writes the inventory report if the record is still at `expectedVersion`. */
  async saveInventoryReport(report: InventoryReport | undefined, expectedVersion: string | undefined): Promise<void> {
    const file = path.join(this.root, INVENTORY_REPORT_RECORD);
    await this.write(file, INVENTORY_REPORT_RECORD, encodeInventoryReport(report), expectedVersion);
  }

  /** The fleet-level record of failing trap hosts (`_trapHosts.json`) and its version. */
  async loadTrapHostReport(): Promise<LoadedTrapHostReport> {
    const record = await this.read(path.join(this.root, TRAP_HOST_REPORT_RECORD));
    return record ? decodeTrapHostReport(record.bytes, record.version) : { report: { hosts: {} } };
  }

  /** Writes the trap host record if it is still at `expectedVersion`. */
  async saveTrapHostReport(report: TrapHostReport, expectedVersion: string | undefined): Promise<void> {
    const file = path.join(this.root, TRAP_HOST_REPORT_RECORD);
    await this.write(file, TRAP_HOST_REPORT_RECORD, encodeTrapHostReport(report), expectedVersion);
  }

  /** Replaces `file` with `text` atomically if its version is still `expectedVersion`; `name` names it in errors. */
  private async write(file: string, name: string, text: string, expectedVersion: string | undefined): Promise<void> {
    this.ready ??= fs.mkdir(this.root, { recursive: true });
    await this.ready;
    const lock = `${file}.lock`;
    await this.acquire(lock, name);
    try {
      const current = (await this.read(file))?.version;
      if (current !== expectedVersion) throw new StateConflictError(name);
      const temp = path.join(this.root, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        const handle = await fs.open(temp, 'wx', 0o600);
        try {
          await handle.writeFile(`${text}\n`);
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

  /** Every appliance with a record: `{PATH}/{appliance}.json` files, in directory order. */
  async *list(): AsyncIterable<string> {
    let dir: Awaited<ReturnType<typeof fs.opendir>>;
    try {
      dir = await fs.opendir(this.root);
    } catch (error) {
      if (isAbsent(error)) return;
      throw new StateStoreError(`state could not be listed (${fsErrorCode(error)})`, { cause: error });
    }
    for await (const entry of dir) {
      const appliance = entry.isFile() ? recordAppliance(entry.name) : undefined;
      if (appliance !== undefined) yield appliance;
    }
  }

  /** Writes a report file into `{PATH}/_report/` atomically. */
  writeReportFile(name: string, body: string, contentType: string): Promise<void> {
    return this.reports.writeReportFile(name, body, contentType);
  }

  /** A report file's content, or undefined when there is none. */
  readReportFile(name: string): Promise<string | undefined> {
    return this.reports.readReportFile(name);
  }

  /**
   * The record's bytes and version token, or undefined when there is none. A record too large to read is
   * still versioned (by its size and time) so it can be replaced conditionally; its bytes are then an
   * oversize placeholder.
   */
  private async read(file: string): Promise<{ bytes: Uint8Array; version: string } | undefined> {
    const read = await readFileCapped(file, MAX_STATE_BYTES);
    switch (read.kind) {
      case 'failed':
        if (read.code === 'ENOENT') return undefined;
        throw new StateStoreError(`state could not be read (${read.code})`, { cause: read.error });
      case 'tooLarge':
        return { bytes: oversizeBytes(MAX_STATE_BYTES), version: `big-${read.size}-${read.mtimeMs}` };
      case 'notFile':
        return { bytes: new Uint8Array(0), version: versionOf(new Uint8Array(0)) };
      case 'read':
        return { bytes: read.bytes, version: versionOf(read.bytes) };
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
