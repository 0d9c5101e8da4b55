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
import type { CertificateDestination, ClientFile, StoredCertificate } from '../../app/ports.ts';
import { MAX_CERTIFICATE_FILE_BYTES } from '../../core/readCertificateFile.ts';
import { CLIENTS_FOLDER, certificateFile, INVENTORY_FILE, MAX_INVENTORY_BYTES, oversizeBytes } from '../fleetLayout.ts';
import { destinationCertificateKey, destinationClientKey } from '../sourceKeys.ts';
import { dirDescription, fsErrorCode, isAbsent, readFileCapped } from './dirFiles.ts';

/** {@link CertificateDestination} over a local directory. */
export class DirDestination implements CertificateDestination {
  readonly description: string;

  /** `root` is the fleet directory the check reads with `dir:`. */
  constructor(private readonly root: string) {
    this.description = dirDescription(root);
  }

  /** The appliance's folder, once both names are ones the layout allows. */
  private folder(appliance: string, certificate?: string): string {
    return path.dirname(path.join(this.root, destinationCertificateKey(appliance, certificate)));
  }

  /**
   * The stored `server.pem` (or a named certificate's `NAME.pem`); absent → nothing stored; over 1 MiB → a
   * placeholder that equals nothing captured.
   */
  async read(appliance: string, _signal: AbortSignal, certificate?: string): Promise<StoredCertificate> {
    const folder = this.folder(appliance, certificate);
    return this.readFile(folder, certificateFile(certificate), MAX_CERTIFICATE_FILE_BYTES, `${appliance}/`);
  }

  /** Temporary file, fsync, rename over `server.pem` (or `NAME.pem`); nothing is renamed once `signal` has aborted. */
  async write(
    appliance: string,
    bytes: Uint8Array,
    _current: StoredCertificate,
    signal: AbortSignal,
    certificate?: string,
  ): Promise<void> {
    const folder = this.folder(appliance, certificate);
    return this.replace(folder, certificateFile(certificate), bytes, signal, 'the certificate');
  }

  /** The stored `fleet.json`, read as {@link DirDestination.read} reads a certificate (16 MiB cap). */
  readInventory(_signal: AbortSignal): Promise<StoredCertificate> {
    return this.readFile(this.root, INVENTORY_FILE, MAX_INVENTORY_BYTES, '');
  }

  /** Temporary file, fsync, rename over `fleet.json`, as for a certificate. */
  writeInventory(bytes: Uint8Array, _current: StoredCertificate, signal: AbortSignal): Promise<void> {
    return this.replace(this.root, INVENTORY_FILE, bytes, signal, 'the inventory');
  }

  /** A Luna client's file, read as a certificate is (docs/clients.md, Collecting a client's files). */
  readClientFile(client: string, file: ClientFile, _signal: AbortSignal): Promise<StoredCertificate> {
    return this.readFile(
      this.clientFolder(client, file),
      file,
      MAX_CERTIFICATE_FILE_BYTES,
      `${CLIENTS_FOLDER}${client}/`,
    );
  }

  /** A Luna client's file, written as a certificate is. */
  writeClientFile(
    client: string,
    file: ClientFile,
    bytes: Uint8Array,
    _current: StoredCertificate,
    signal: AbortSignal,
  ): Promise<void> {
    return this.replace(this.clientFolder(client, file), file, bytes, signal, `the client's ${file}`);
  }

  /** The client's folder, once its name is one the layout allows. */
  private clientFolder(client: string, file: ClientFile): string {
    return path.dirname(path.join(this.root, destinationClientKey(client, file)));
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
