/**
 * What a fleet location holds, the same for every backend (docs/reference.md, Configuration): `{prefix}{appliance}/server.pem`
 * per appliance and an optional `{prefix}fleet.json` inventory, each with a size limit.
 *
 * Certificate bodies over 1 MiB are rejected unread (docs/design.md, Certificate evaluation). The core
 * decides `invalid` from the length alone, so an adapter that meets an oversize body stops reading and
 * hands on {@link oversizeBytes}, a placeholder one byte over the limit, instead of the content.
 */
import type { ClientFile } from '../app/ports.ts';
import { MAX_CERTIFICATE_FILE_BYTES } from '../core/readCertificateFile.ts';

/** The file (object, parameter) name of every appliance's certificate. */
export const CERTIFICATE_FILE = 'server.pem';
/**
 * The folder of Luna clients' files at the prefix (docs/clients.md, Collecting a client's files):
 * `_clients/{client}/client.pem` and `_clients/{client}/trust.pem`. `_` cannot start an appliance name,
 * so a listing never takes it for an appliance.
 */
export const CLIENTS_FOLDER = '_clients/';
/** The key of a client's file, relative to the prefix. */
export const clientFileKey = (client: string, file: ClientFile): string => `${CLIENTS_FOLDER}${client}/${file}`;
/**
 * The file of a certificate in an appliance's folder: `server.pem` for the NTLS certificate, `NAME.pem` for
 * a named one (docs/reference.md, Named certificates). The name is checked by the inventory's rule first.
 */
export function certificateFile(certificate?: string): string {
  return certificate === undefined ? CERTIFICATE_FILE : `${certificate}.pem`;
}
/** The inventory's name at the prefix. */
export const INVENTORY_FILE = 'fleet.json';
/** Largest inventory accepted; a fleet of tens of thousands of appliances fits well within it. */
export const MAX_INVENTORY_BYTES = 16 * 1024 * 1024;

/**
 * A placeholder standing for "larger than the limit": its length alone makes the core reject it, and
 * none of the real content is read or kept.
 */
export function oversizeBytes(limit = MAX_CERTIFICATE_FILE_BYTES): Uint8Array {
  return new Uint8Array(limit + 1);
}
