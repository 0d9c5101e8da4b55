/**
 * The collector's directory destination (`dir:PATH`, docs/collector.md, Collecting certificates): it writes
 * `{PATH}/{appliance}/server.pem`, the layout the directory source reads. A write is a temporary file in
 * the appliance's directory, fsynced, then renamed over `server.pem`: a reader sees the old certificate
 * or the new one, never a part, and a write that fails or runs out of time leaves the old one in place.
 *
 * The inventory is written the same way, as `{PATH}/fleet.json`.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DestinationError } from '../../app/errors.ts';
import type { CertificateDestination, StoredCertificate } from '../../app/ports.ts';
import { oversizeBytes } from '../fleetLayout.ts';
import { KeyedDestination, type StoredFile } from '../keyedDestination.ts';
import { dirDescription, fsErrorCode, isAbsent, readFileCapped } from './dirFiles.ts';

/** {@link CertificateDestination} over a local directory. */
export class DirDestination extends KeyedDestination implements CertificateDestination {
  readonly description: string;

  /** `root` is the fleet directory the check reads with `dir:`. */
  constructor(private readonly root: string) {
    super();
    this.description = dirDescription(root);
  }

  /**
   * The stored file (`server.pem`, a named certificate's `NAME.pem`, `fleet.json`, a client's file); absent →
   * nothing stored; over its limit → a placeholder that equals nothing captured.
   */
  protected readStored({ folder, file, limit }: StoredFile, _signal: AbortSignal): Promise<StoredCertificate> {
    return this.readFile(this.folderPath(folder), file, limit, folder === '' ? '' : `${folder}/`);
  }

  /** Temporary file, fsync, rename over the stored file; nothing is renamed once `signal` has aborted. */
  protected writeStored(
    { folder, file, holds }: StoredFile,
    bytes: Uint8Array,
    _current: StoredCertificate,
    signal: AbortSignal,
  ): Promise<void> {
    const what = holds === 'clientFile' ? `the client's ${file}` : `the ${holds}`;
    return this.replace(this.folderPath(folder), file, bytes, signal, what);
  }

  /** The folder on disk of a folder under the location (`/`-separated, names the layout allows). */
  private folderPath(folder: string): string {
    return path.join(this.root, ...folder.split('/'));
  }

  /** `folder/file` capped at `limit`; `shown` prefixes the file's name in messages. */
  private async readFile(folder: string, file: string, limit: number, shown: string): Promise<StoredCertificate> {
    const read = await readFileCapped(path.join(folder, file), limit);
    switch (read.kind) {
      case 'read':
        return { bytes: read.bytes };
      case 'tooLarge':
        return { bytes: oversizeBytes(limit) };
      case 'notFile':
        throw new DestinationError(`${shown}${file} is not a regular file`);
      case 'failed':
        if (isAbsent(read.error)) return {};
        throw new DestinationError(`${file} could not be read (${read.code})`, { cause: read.error });
    }
  }

  /** Writes `folder/file` whole by a temporary file beside it; `what` names it when out of time. */
  private async replace(
    folder: string,
    file: string,
    bytes: Uint8Array,
    signal: AbortSignal,
    what: string,
  ): Promise<void> {
    const temp = path.join(folder, `.${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const handle = await fs.open(temp, 'wx', 0o644).catch(async (error: unknown) => {
        // A new appliance: its folder is made on first write only, which saves a call on every other.
        if (!isAbsent(error)) throw error;
        await fs.mkdir(folder, { recursive: true });
        return fs.open(temp, 'wx', 0o644);
      });
      try {
        await handle.writeFile(bytes);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      signal.throwIfAborted();
      await fs.rename(temp, path.join(folder, file));
    } catch (error) {
      // Best effort: when the folder itself could not be made there is no temporary file to remove.
      await fs.rm(temp, { force: true }).catch(() => undefined);
      if (signal.aborted) throw new DestinationError(`out of time before ${what} was written`, { cause: error });
      throw new DestinationError(`${file} could not be written (${fsErrorCode(error)})`, { cause: error });
    }
  }
}
