/**
 * What the collector's destinations (`dir:`, `s3://`, `ssm:`; docs/collector.md, Collecting certificates)
 * share: an appliance's certificate, the inventory and a client's file are each one file under the
 * location, named only from names the layout allows (adapters/sourceKeys.ts). Each destination adds its
 * read and its write of one file.
 */
import type { ClientFile, StoredCertificate } from '../app/ports.ts';
import { MAX_CERTIFICATE_FILE_BYTES } from '../core/readCertificateFile.ts';
import { INVENTORY_FILE, MAX_INVENTORY_BYTES } from './fleetLayout.ts';
import { destinationCertificateKey, destinationClientKey } from './sourceKeys.ts';

/** One file a destination reads or writes. */
export interface StoredFile {
  /** Its key under the location: `hsm01/server.pem`, `fleet.json`, `_clients/app01/client.pem`. */
  readonly key: string;
  /** Its folder under the location (`hsm01`, `_clients/app01`), empty for the inventory. */
  readonly folder: string;
  /** Its file name, as messages name it. */
  readonly file: string;
  readonly holds: 'certificate' | 'inventory' | 'clientFile';
  /** Largest content read: 1 MiB, 16 MiB for the inventory. */
  readonly limit: number;
}

/** The file at `key`, its folder and name read from the key. */
function storedFile(key: string, holds: StoredFile['holds'], limit = MAX_CERTIFICATE_FILE_BYTES): StoredFile {
  const slash = key.lastIndexOf('/');
  return { key, folder: slash === -1 ? '' : key.slice(0, slash), file: key.slice(slash + 1), holds, limit };
}

/** The reads and writes by name of a destination whose files are keys under one location. */
export abstract class KeyedDestination {
  /** An appliance's `server.pem` (or a named certificate's `NAME.pem`); a name the layout does not allow is refused. */
  async read(appliance: string, signal: AbortSignal, certificate?: string): Promise<StoredCertificate> {
    return this.readStored(storedFile(destinationCertificateKey(appliance, certificate), 'certificate'), signal);
  }

  /** Replaces what {@link KeyedDestination.read} returned. */
  async write(
    appliance: string,
    bytes: Uint8Array,
    current: StoredCertificate,
    signal: AbortSignal,
    certificate?: string,
  ): Promise<void> {
    const stored = storedFile(destinationCertificateKey(appliance, certificate), 'certificate');
    return this.writeStored(stored, bytes, current, signal);
  }

  /** `fleet.json` at the location, read as a certificate is (16 MiB cap). */
  async readInventory(signal: AbortSignal): Promise<StoredCertificate> {
    return this.readStored(storedFile(INVENTORY_FILE, 'inventory', MAX_INVENTORY_BYTES), signal);
  }

  /** `fleet.json` at the location, written as a certificate is. */
  async writeInventory(bytes: Uint8Array, current: StoredCertificate, signal: AbortSignal): Promise<void> {
    return this.writeStored(storedFile(INVENTORY_FILE, 'inventory', MAX_INVENTORY_BYTES), bytes, current, signal);
  }

  /** A Luna client's file, read as a certificate is (docs/clients.md, Collecting a client's files). */
  async readClientFile(client: string, file: ClientFile, signal: AbortSignal): Promise<StoredCertificate> {
    return this.readStored(storedFile(destinationClientKey(client, file), 'clientFile'), signal);
  }

  /** A Luna client's file, written as a certificate is. */
  async writeClientFile(
    client: string,
    file: ClientFile,
    bytes: Uint8Array,
    current: StoredCertificate,
    signal: AbortSignal,
  ): Promise<void> {
    return this.writeStored(storedFile(destinationClientKey(client, file), 'clientFile'), bytes, current, signal);
  }

  /** What is stored (nothing: `{}`); throws `DestinationError` when it cannot be read. */
  protected abstract readStored(stored: StoredFile, signal: AbortSignal): Promise<StoredCertificate>;

  /** Replaces what {@link KeyedDestination.readStored} returned, whole; throws as the port's `write` says. */
  protected abstract writeStored(
    stored: StoredFile,
    bytes: Uint8Array,
    current: StoredCertificate,
    signal: AbortSignal,
  ): Promise<void>;
}
