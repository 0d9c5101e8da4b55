/** Where an inventory entry's NTLS service listens (docs/collector.md, Collecting certificates), shared by the collector and `tls:` sources. */
import type { InventoryEntry, NtlsTarget } from './ports.ts';

/** The NTLS port of a Luna Network HSM, used when the inventory names none. */
export const DEFAULT_NTLS_PORT = 1792;

/** The entry's address, `ntlsPort` (default 1792) and `serverName`; undefined when it has no address. */
export function ntlsTargetOf(entry: InventoryEntry): NtlsTarget | undefined {
  if (entry.address === undefined) return undefined;
  return {
    address: entry.address,
    port: entry.ntlsPort ?? DEFAULT_NTLS_PORT,
    ...(entry.serverName ? { serverName: entry.serverName } : {}),
  };
}

/** `address:port`, with an IPv6 literal in brackets: how lines name the appliance's NTLS service. */
export function peerOf(target: NtlsTarget): string {
  return target.address.includes(':') ? `[${target.address}]:${target.port}` : `${target.address}:${target.port}`;
}
