/**
 * The keys, relative to a fleet location, of what the sources read and the collector's destinations write
 * (docs/reference.md, Configuration): an appliance's certificate and a Luna client's file (docs/clients.md,
 * Collecting a client's files). A key is formed only from names the layout allows, so no name from an
 * inventory or a listing ever becomes a path or key outside its own folder.
 */
import { DestinationError } from '../app/errors.ts';
import type { ClientFile } from '../app/ports.ts';
import { isApplianceName } from '../protocol/notification.ts';
import { CERTIFICATE_FILE, CLIENTS_FOLDER, certificateFile, clientFileKey, INVENTORY_FILE } from './fleetLayout.ts';
import { isNamed } from './namedCertificate.ts';
import type { SkippedKeyCollector } from './skippedKeys.ts';

/**
 * `{appliance}/server.pem`, or a named certificate's `{appliance}/NAME.pem`; undefined when either name is
 * not one the layout allows (a source reads that as missing).
 */
export function certificateKey(appliance: string, certificate?: string): string | undefined {
  if (!isApplianceName(appliance) || !isNamed(certificate)) return undefined;
  return `${appliance}/${certificateFile(certificate)}`;
}

/** `_clients/{client}/{file}`; undefined for a client name the layout does not allow. */
export function clientKey(client: string, file: ClientFile): string | undefined {
  return isApplianceName(client) ? clientFileKey(client, file) : undefined;
}

/** {@link certificateKey} for a destination, where a name the layout does not allow is a {@link DestinationError}. */
export function destinationCertificateKey(appliance: string, certificate?: string): string {
  if (!isApplianceName(appliance)) throw new DestinationError('invalid appliance name');
  if (!isNamed(certificate)) throw new DestinationError('invalid certificate name');
  return `${appliance}/${certificateFile(certificate)}`;
}

/** {@link clientKey} for a destination, where a client name the layout does not allow is a {@link DestinationError}. */
export function destinationClientKey(client: string, file: ClientFile): string {
  if (!isApplianceName(client)) throw new DestinationError('invalid client name');
  return clientFileKey(client, file);
}

/**
 * The appliance whose certificate a listed key (relative to the location) is. Undefined for every other
 * key: the inventory and the clients' folder are not appliances, and a key that looks like a misplaced
 * certificate is given to `skipped` for the run's one warning.
 */
export function listedAppliance(key: string, skipped: SkippedKeyCollector): string | undefined {
  if (key === INVENTORY_FILE || key.startsWith(CLIENTS_FOLDER)) return undefined;
  const suffix = `/${CERTIFICATE_FILE}`;
  const name = key.endsWith(suffix) ? key.slice(0, key.length - suffix.length) : undefined;
  if (name === undefined || name.includes('/') || !isApplianceName(name)) {
    skipped.consider(key);
    return undefined;
  }
  return name;
}
