/**
 * How many bytes of a TCP connection the peer's TCP has not acknowledged yet, read from the kernel's
 * socket table (Linux `/proc/self/net/tcp` and `tcp6`, column `tx_queue`: bytes sent or queued and not
 * acknowledged). The TCP/TLS syslog sinks use it to know what reached the collector (docs/gateway.md,
 * Syslog delivery). `/proc/self/net` stays readable under systemd's `ProcSubset=pid`.
 */
import { readFileSync } from 'node:fs';
import { isIPv4, type Socket } from 'node:net';
import { endianness } from 'node:os';

const TABLES = ['/proc/self/net/tcp', '/proc/self/net/tcp6'];
/** `st` of an established connection in the table. */
const ESTABLISHED = '01';
const LITTLE_ENDIAN = endianness() === 'LE';

/** Unacknowledged bytes of `socket`; undefined where the table cannot be read or does not list it. */
export function unacknowledgedBytes(socket: Socket): number | undefined {
  const local = socket.localPort;
  const remote = socket.remotePort;
  if (!local || !remote) return undefined;
  const order = socket.remoteFamily === 'IPv6' ? [...TABLES].reverse() : TABLES;
  for (const path of order) {
    let table: string;
    try {
      table = readFileSync(path, 'latin1');
    } catch {
      continue;
    }
    const n = txQueueOf(table, local, remote, socket.remoteAddress);
    if (n !== undefined) return n;
  }
  return undefined;
}

/**
 * `tx_queue` of the established connection from `localPort` to `remotePort` (and `remoteAddress`, when it
 * is IPv4) in a `/proc/net/tcp` table.
 */
export function txQueueOf(
  table: string,
  localPort: number,
  remotePort: number,
  remoteAddress?: string,
): number | undefined {
  const local = `:${hexPort(localPort)}`;
  const remote = `${hexIpv4(remoteAddress) ?? ''}:${hexPort(remotePort)}`;
  for (const row of table.split('\n')) {
    // sl local_address rem_address st tx_queue:rx_queue ...
    const f = row.trim().split(/\s+/);
    if (f.length < 5 || f[3] !== ESTABLISHED) continue;
    if (!f[1]!.endsWith(local) || !f[2]!.endsWith(remote)) continue;
    const tx = Number.parseInt(f[4]!.split(':')[0]!, 16);
    return Number.isFinite(tx) ? tx : undefined;
  }
  return undefined;
}

function hexPort(port: number): string {
  return port.toString(16).toUpperCase().padStart(4, '0');
}

/** An IPv4 address as the table writes it (the 32-bit value in host order, little-endian here). */
function hexIpv4(address: string | undefined): string | undefined {
  if (address === undefined || !isIPv4(address)) return undefined;
  const bytes = address.split('.').map((b) => Number(b).toString(16).toUpperCase().padStart(2, '0'));
  return (LITTLE_ENDIAN ? bytes.reverse() : bytes).join('');
}
