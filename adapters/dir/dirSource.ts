/**
 * Certificates in a local directory (`dir:PATH`, docs/reference.md, Configuration): `{PATH}/{appliance}/server.pem` per appliance and
 * an optional `{PATH}/fleet.json` inventory. Names are validated before they are used as paths; entries
 * that do not fit the layout but look like a misplaced certificate (`hsm01/server.crt`, `bad name/`,
 * `hsm01.pem`) are collected for the run's one warning. Files are sized with fstat on the open handle
 * before anything is read, and read with a 1 MiB cap.
 */
import { type Dirent, promises as fs } from 'node:fs';
import path from 'node:path';
import type { CertificateSource, Inventory, ListedAppliance } from '../../app/ports.ts';
import { MAX_CERTIFICATE_FILE_BYTES } from '../../core/readCertificateFile.ts';
import type { SourceResult } from '../../core/types.ts';
import { isApplianceName } from '../../protocol/notification.ts';
import { CERTIFICATE_FILE, CLIENTS_FOLDER, INVENTORY_FILE, oversizeBytes } from '../fleetLayout.ts';
import { KeyedSource } from '../keyedSource.ts';
import type { InventoryDocument } from '../parseInventory.ts';
import { dirDescription, isAbsent, readFileCapped } from './dirFiles.ts';
import { readInventoryDocument, readInventoryFile } from './inventoryFile.ts';

/** {@link CertificateSource} over a local directory. */
export class DirSource extends KeyedSource implements CertificateSource {
  readonly description: string;

  /** `root` is the fleet directory. */
  constructor(private readonly root: string) {
    super();
    this.description = dirDescription(root);
  }

  /**
   * Reads `fleet.json`; absent means no inventory, wrong content comes back as problems, and a file that
   * cannot be read throws `InventoryError`.
   */
  readInventory(): Promise<Inventory | undefined> {
    return readInventoryFile(path.join(this.root, INVENTORY_FILE));
  }

  /** {@link DirSource.readInventory}, with the file's bytes when it is an inventory at all. */
  readInventoryDocument(): Promise<InventoryDocument | undefined> {
    return readInventoryDocument(path.join(this.root, INVENTORY_FILE));
  }

  /** Streams the sub-directories holding a `server.pem`, one directory entry at a time (no versions). */
  async *list(): AsyncIterable<ListedAppliance> {
    this.skipped.reset();
    const dir = await fs.opendir(this.root, { bufferSize: 256 });
    for await (const entry of dir) {
      if (entry.name.startsWith('.') || `${entry.name}/` === CLIENTS_FOLDER) continue;
      if (!(await this.isDirectory(entry))) {
        if (entry.name !== INVENTORY_FILE) this.skipped.consider(entry.name);
        continue;
      }
      if (isApplianceName(entry.name) && (await this.hasCertificate(entry.name))) {
        yield { name: entry.name };
        continue;
      }
      await this.considerFolder(entry.name);
    }
  }

  private async hasCertificate(name: string): Promise<boolean> {
    return fs.stat(path.join(this.root, name, CERTIFICATE_FILE)).then(
      () => true,
      () => false,
    );
  }

  /** A folder that is not an appliance's: its `server.*` certificate files are misplaced ones. */
  private async considerFolder(name: string): Promise<void> {
    try {
      for await (const file of await fs.opendir(path.join(this.root, name), { bufferSize: 256 })) {
        this.skipped.consider(`${name}/${file.name}`);
      }
    } catch {
      // A folder that cannot be read holds nothing this run can name.
    }
  }

  private async isDirectory(entry: Dirent): Promise<boolean> {
    if (entry.isDirectory()) return true;
    if (!entry.isSymbolicLink()) return false;
    try {
      return (await fs.stat(path.join(this.root, entry.name))).isDirectory();
    } catch {
      return false;
    }
  }

  /** The file `{root}/{key}`: absent → missing, over 1 MiB → refused unread, other errors → unavailable. */
  protected async fetchKey(key: string): Promise<SourceResult> {
    const read = await readFileCapped(path.join(this.root, ...key.split('/')), MAX_CERTIFICATE_FILE_BYTES);
    switch (read.kind) {
      case 'read':
        return { kind: 'found', bytes: read.bytes };
      case 'tooLarge':
        return { kind: 'found', bytes: oversizeBytes() };
      case 'notFile':
        // Not a certificate file: found, and empty, so it is reported as invalid.
        return { kind: 'found', bytes: new Uint8Array(0) };
      case 'failed':
        if (isAbsent(read.error)) return { kind: 'missing' };
        return { kind: 'unavailable', reason: `file could not be read (${read.code})` };
    }
  }
}
