/**
 * Certificates in a local directory (`dir:PATH`, README, Configuration): `{PATH}/{appliance}/server.pem` per appliance and
 * an optional `{PATH}/fleet.json` inventory. Names are validated before they are used as paths or logged;
 * files are sized with fstat on the open handle before anything is read, and read with a 1 MiB cap.
 */
import { type Dirent, promises as fs } from 'node:fs';
import path from 'node:path';
import type { CertificateSource, Inventory, ListedAppliance, LogSink } from '../../app/ports.ts';
import { logEntry } from '../../core/logEntry.ts';
import { MAX_CERTIFICATE_FILE_BYTES } from '../../core/readCertificateFile.ts';
import type { SourceResult } from '../../core/types.ts';
import { isApplianceName } from '../../protocol/notification.ts';
import { CERTIFICATE_FILE, INVENTORY_FILE, oversizeBytes } from '../fleetLayout.ts';
import { isAbsent, readFileCapped } from './dirFiles.ts';
import { readInventoryFile } from './inventoryFile.ts';

/** {@link CertificateSource} over a local directory. */
export class DirSource implements CertificateSource {
  readonly description: string;
  /** How many directory entries were skipped because their name is not a valid appliance name. */
  skippedNames = 0;

  /** `root` is the fleet directory; invalid entry names are reported to `log` without echoing them. */
  constructor(
    private readonly root: string,
    private readonly log?: LogSink,
  ) {
    this.description = `dir:${path.basename(path.resolve(root))}`;
  }

  /** Reads `fleet.json`; absent means no inventory. Throws `InventoryError` when it is not valid. */
  readInventory(): Promise<Inventory | undefined> {
    return readInventoryFile(path.join(this.root, INVENTORY_FILE));
  }

  /** Streams the sub-directories holding a `server.pem`, one directory entry at a time (no versions). */
  async *list(): AsyncIterable<ListedAppliance> {
    const dir = await fs.opendir(this.root, { bufferSize: 256 });
    for await (const entry of dir) {
      if (entry.name.startsWith('.')) continue;
      if (!(await this.isDirectory(entry))) continue;
      if (!isApplianceName(entry.name)) {
        this.skippedNames++;
        // The name itself never reaches the log: only its length does.
        this.log?.write(
          logEntry('nameRejected', {
            reason: `a directory entry of ${entry.name.length} character(s) in ${this.description} does not match the appliance name rule`,
          }),
        );
        continue;
      }
      try {
        await fs.stat(path.join(this.root, entry.name, CERTIFICATE_FILE));
      } catch {
        continue;
      }
      yield { name: entry.name };
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

  /** The bytes of `{root}/{appliance}/server.pem`: absent → missing, over 1 MiB → refused unread, other errors → unavailable. */
  async fetch(appliance: string): Promise<SourceResult> {
    if (!isApplianceName(appliance)) return { kind: 'missing' };
    const read = await readFileCapped(path.join(this.root, appliance, CERTIFICATE_FILE), MAX_CERTIFICATE_FILE_BYTES);
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
