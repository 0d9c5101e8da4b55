/**
 * Opens the net-snmp session for one trap host. The session never re-sends by itself (`retries: 0`):
 * the gateway re-sends unacknowledged informs and counts each re-send (./sendInform.ts), so the session's
 * timeout is the whole re-send schedule, which keeps every attempt waiting for a late acknowledgement.
 */
import snmp, { type Session, type SessionOptions } from 'net-snmp';
import type { TrapHostConfig, V3TrapHost } from '../config/trapHostConfig.ts';
import { informBudgetMs } from './sendInform.ts';

/** The v3 user as net-snmp takes it. */
function netSnmpUser({ user }: V3TrapHost) {
  return {
    name: user.name,
    level: snmp.SecurityLevel[user.level],
    ...(user.authProtocol ? { authProtocol: snmp.AuthProtocols[user.authProtocol], authKey: user.authKey } : {}),
    ...(user.privProtocol ? { privProtocol: snmp.PrivProtocols[user.privProtocol], privKey: user.privKey } : {}),
  };
}

/** A session to `host` (throws when net-snmp refuses its options). */
export function openNetSnmpSession(host: TrapHostConfig): Session {
  const base: SessionOptions = {
    trapPort: host.port,
    // net-snmp sends v3 requests after engine discovery to `port`, not `trapPort`: keep them equal.
    port: host.port,
    retries: 0,
    timeout: informBudgetMs(host),
    transport: host.host.includes(':') ? 'udp6' : 'udp4',
  };
  switch (host.version) {
    case '3':
      return snmp.createV3Session(host.host, netSnmpUser(host), {
        ...base,
        version: snmp.Version3,
        ...(host.engineId ? { engineID: host.engineId } : {}),
      });
    case '2c':
      return snmp.createSession(host.host, host.community, { ...base, version: snmp.Version2c });
    case '1':
      return snmp.createSession(host.host, host.community, { ...base, version: snmp.Version1 });
  }
}
