/**
 * Certificates in a local directory (`dir:PATH`, README, Configuration): `{PATH}/{appliance}/server.pem` per appliance and
 * an optional `{PATH}/fleet.json` inventory. Names are validated before they are used as paths or logged;
 * files are sized with fstat on the open handle before anything is read, and read with a 1 MiB cap.
 */
import { type Dirent, promises as fs } from 'node:fs';
import path from 'node:path';
import type { CertificateSource, Inventory, LogSink } from '../../app/ports.ts';
import { logEntry } from '../../core/logEntry.ts';
import type { SourceResult } from '../../core/types.ts';
import { isApplianceName } from '../../protocol/notification.ts';
import { InventoryError } from '../inventoryError.ts';
import { parseInventory } from '../parseInventory.ts';
import { MAX_CERTIFICATE_BYTES, oversizeBytes } from '../readCapped.ts';

/** The file name of every appliance's certificate. */
export const CERTIFICATE_FILE = 'server.pem';
/** The inventory's name in the fleet directory. */
export const INVENTORY_FILE = 'fleet.json';
/** Largest inventory accepted (tens of thousands of appliances fit well within it). */
export const MAX_INVENTORY_BYTES = 16 * 1024 * 1024;

/** The error code of a file-system error (`ENOENT`, `EACCES`, …), or `error` when there is none. */
export function fsErrorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,32}$/.test(code) ? code : 'error';
}

function isAbsent(error: unknown): boolean {
  const code = fsErrorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Reads at most `limit` bytes of `file`; a larger file is refused unread (fstat on the open handle, so a
 * file swapped between a stat and the read cannot slip through) and returns undefined.
 */
export async function readFileCapped(file: string, limit: number): Promise<Uint8Array | undefined> {
  const handle = await fs.open(file, 'r');
  try {
    const info = await handle.stat();
    if (!info.isFile()) return new Uint8Array(0);
    if (info.size > limit) return undefined;
    // One byte more than the limit tells a file that grew after the fstat.
    const buffer = new Uint8Array(Math.min(info.size, limit) + 1);
    let total = 0;
    while (total < buffer.length) {
      const { bytesRead } = await handle.read(buffer, total, buffer.length - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    return total > limit ? undefined : buffer.subarray(0, total);
  } finally {
    await handle.close();
  }
}

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

  /** Reads `fleet.json`; absent means no inventory. Throws {@link InventoryError} when it is not valid. */
  async readInventory(): Promise<Inventory | undefined> {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await readFileCapped(path.join(this.root, INVENTORY_FILE), MAX_INVENTORY_BYTES);
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw new InventoryError(`${INVENTORY_FILE} could not be read (${fsErrorCode(error)})`, { cause: error });
    }
    if (bytes === undefined) throw new InventoryError(`${INVENTORY_FILE} is larger than ${MAX_INVENTORY_BYTES} bytes`);
    return parseInventory(new TextDecoder().decode(bytes));
  }

  /** Streams the names of sub-directories holding a `server.pem`, one directory entry at a time. */
  async *listAppliances(): AsyncIterable<string> {
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
      yield entry.name;
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
    try {
      const bytes = await readFileCapped(path.join(this.root, appliance, CERTIFICATE_FILE), MAX_CERTIFICATE_BYTES);
      return { kind: 'found', bytes: bytes ?? oversizeBytes() };
    } catch (error) {
      if (isAbsent(error)) return { kind: 'missing' };
      return { kind: 'unavailable', reason: `file could not be read (${fsErrorCode(error)})` };
    }
  }
}
