/**
 * A Luna client's state record (`_clients/{client}.json` at the state location; docs/clients.md, State):
 * its key, and its bytes decoded with their shape checked, since storage is untrusted. A record that is
 * not one reads as first sight, with the reason, as an appliance's does.
 */
import type { ClientState } from '../core/clientState.ts';
import { isApplianceName } from '../protocol/notification.ts';
import { StateStoreError } from './errors.ts';

/** The folder of client records at the state location. */
export const CLIENT_RECORDS = '_clients/';

/** The key of a client's record; a name outside the rule never becomes a key. */
export function clientKey(client: string): string {
  if (!isApplianceName(client)) throw new StateStoreError('invalid client name');
  return `${CLIENT_RECORDS}${client}.json`;
}

/** A client's state as loaded. */
export interface LoadedClientState {
  readonly state?: ClientState;
  readonly version?: string;
  readonly corrupt?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when `value` has the shape of a client state (the fields the policy reads). */
function isClientState(value: unknown): value is ClientState {
  if (!isRecord(value) || value.version !== 1 || typeof value.alertActive !== 'boolean') return false;
  const strings = ['fingerprint', 'fingerprintSince', 'lastAlertAt'] as const;
  if (strings.some((k) => value[k] !== undefined && typeof value[k] !== 'string')) return false;
  const untrusted = value.untrusted;
  if (untrusted === undefined) return true;
  return (
    isRecord(untrusted) &&
    Object.values(untrusted).every(
      (a) => isRecord(a) && typeof a.fingerprint === 'string' && typeof a.since === 'string',
    )
  );
}

/** Decodes a record's bytes; `limit` is the largest record read. */
export function decodeClientRecord(bytes: Uint8Array, version: string | undefined, limit: number): LoadedClientState {
  if (bytes.length > limit) return { version, corrupt: `state record is larger than ${limit} bytes` };
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return isClientState(value) ? { state: value, version } : { version, corrupt: 'state record is malformed' };
  } catch {
    return { version, corrupt: 'state record is not JSON' };
  }
}
