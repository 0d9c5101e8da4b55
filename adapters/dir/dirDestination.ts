/**
 * The collector's directory destination (`dir:PATH`, docs/collector.md, Collecting certificates): it writes
 * `{PATH}/{appliance}/server.pem`, the layout the directory source reads. A write is a temporary file in
 * the appliance's directory, fsynced, then renamed over `server.pem`: a reader sees the old certificate
 * or the new one, never a part, and a write that fails or runs out of time leaves the old one in place.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DestinationError } from '../../app/errors.ts';
import type { CertificateDestination, StoredCertificate } from '../../app/ports.ts';
import { MAX_CERTIFICATE_FILE_BYTES } from '../../core/readCertificateFile.ts';
import { isApplianceName } from '../../protocol/notification.ts';
import { CERTIFICATE_FILE, oversizeBytes } from '../fleetLayout.ts';
import { fsErrorCode, isAbsent, readFileCapped } from './dirFiles.ts';

/** {@link CertificateDestination} over a local directory. */
export class DirDestination implements CertificateDestination {
  readonly description: string;

  /** `root` is the fleet directory the check reads with `dir:`. */
  constructor(private readonly root: string) {
    this.description = `dir:${path.basename(path.resolve(root))}`;
  }

  private folder(appliance: string): string {
    if (!isApplianceName(appliance)) throw new DestinationError('invalid appliance name');
    return path.join(this.root, appliance);
  }

  /** The stored `server.pem`; absent → nothing stored; over 1 MiB → a placeholder that equals nothing captured. */
  async read(appliance: string, _signal: AbortSignal): Promise<StoredCertificate> {
    const read = await readFileCapped(path.join(this.folder(appliance), CERTIFICATE_FILE), MAX_CERTIFICATE_FILE_BYTES);
    switch (read.kind) {
      case 'read':
        return { bytes: read.bytes };
      case 'tooLarge':
        return { bytes: oversizeBytes() };
      case 'notFile':
        throw new DestinationError(`${appliance}/${CERTIFICATE_FILE} is not a regular file`);
      case 'failed':
        if (isAbsent(read.error)) return {};
        throw new DestinationError(`${CERTIFICATE_FILE} could not be read (${read.code})`, { cause: read.error });
    }
  }

  /** Temporary file, fsync, rename over `server.pem`; nothing is renamed once `signal` has aborted. */
  async write(appliance: string, bytes: Uint8Array, _current: StoredCertificate, signal: AbortSignal): Promise<void> {
    const folder = this.folder(appliance);
    const temp = path.join(folder, `.${CERTIFICATE_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
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
      await fs.rename(temp, path.join(folder, CERTIFICATE_FILE));
    } catch (error) {
      // Best effort: when the folder itself could not be made there is no temporary file to remove.
      await fs.rm(temp, { force: true }).catch(() => undefined);
      if (signal.aborted)
        throw new DestinationError('out of time before the certificate was written', { cause: error });
      throw new DestinationError(`${CERTIFICATE_FILE} could not be written (${fsErrorCode(error)})`, { cause: error });
    }
  }
}
