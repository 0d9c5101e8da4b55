/**
 * An in-process SNMP trap receiver for `certmonitor demo`: net-snmp's own receiver on a loopback UDP
 * port, decoding the real packets the gateway sends (v1/v2c traps by community, v2c informs, v3 traps and
 * informs for one configured user). The demo runs on a fresh machine without Debian's snmptrapd; the
 * interop tests use snmptrapd itself.
 */
import { createSocket, type Socket } from 'node:dgram';
import snmp from 'net-snmp';

/** One notification as the receiver decoded it. */
export interface ReceivedTrap {
  /** `v1`, `v2c` or `v3`. */
  readonly version: string;
  /** `trap` or `inform`. */
  readonly kind: 'trap' | 'inform';
  /** `snmpTrapOID.0` (v2c/v3), or `enterprise.specific` for v1. */
  readonly notificationOid: string;
  /** Community (v1/v2c) or user name (v3). */
  readonly principal: string;
  /** Every varbind other than sysUpTime.0 and snmpTrapOID.0, value as text. */
  readonly varbinds: ReadonlyArray<{ readonly oid: string; readonly value: string }>;
}

/** The SNMPv3 user the receiver accepts (authPriv, SHA-256 and AES-128). */
export interface DemoV3User {
  readonly name: string;
  readonly authKey: string;
  readonly privKey: string;
}

/** A started receiver. */
export interface DemoTrapReceiver {
  readonly port: number;
  /** The receiver's engine ID (hex): informs are sent to it after discovery. */
  readonly engineId: string;
  /** Notifications received since the last call, in arrival order. */
  take(): ReceivedTrap[];
  close(): Promise<void>;
}

const SYS_UP_TIME = '1.3.6.1.2.1.1.3.0';
const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
const PDU_TRAP_V1 = 164;
const PDU_INFORM = 166;

/** Raw PDU fields as net-snmp's receiver hands them over (the package ships no types). */
interface RawPdu {
  type: number;
  enterprise?: string;
  specificTrap?: number;
  community?: string;
  user?: string;
  varbinds: Array<{ oid: string; value: unknown }>;
}

function valueText(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
}

/** Decodes what net-snmp's receiver reports into the demo's view of a notification. */
export function decodeReceived(pdu: RawPdu): ReceivedTrap {
  const v1 = pdu.type === PDU_TRAP_V1;
  const version = v1 ? 'v1' : pdu.user !== undefined ? 'v3' : 'v2c';
  const trapOid = pdu.varbinds.find((v) => v.oid === SNMP_TRAP_OID);
  return {
    version,
    kind: pdu.type === PDU_INFORM ? 'inform' : 'trap',
    notificationOid: v1 ? `${pdu.enterprise}.${pdu.specificTrap}` : valueText(trapOid?.value),
    principal: pdu.user ?? pdu.community ?? '',
    varbinds: pdu.varbinds
      .filter((v) => v.oid !== SYS_UP_TIME && v.oid !== SNMP_TRAP_OID)
      .map((v) => ({ oid: v.oid, value: valueText(v.value) })),
  };
}

/**
 * Starts the receiver on 127.0.0.1 and a port the system picks. net-snmp's receiver reads port 0 as
 * "default port", so its socket factory is given a socket that binds port 0 instead (no free-port race).
 */
export async function startDemoTrapReceiver(options: {
  readonly community: string;
  readonly v3User?: DemoV3User;
}): Promise<DemoTrapReceiver> {
  const received: ReceivedTrap[] = [];
  let socket: Socket | undefined;
  let rx: Rx | undefined;
  const bound = new Promise<void>((resolve, reject) => {
    const dgramModule = {
      createSocket(type: 'udp4') {
        const s = createSocket(type);
        const bind = s.bind.bind(s);
        s.bind = ((_port: number, address: string) => bind(0, address)) as typeof s.bind;
        s.once('listening', () => resolve());
        s.once('error', reject);
        socket = s;
        return s;
      },
    };
    // A fixed engine ID keeps the demo's output stable; informs discover it anyway.
    const receiver = (
      snmp as unknown as { createReceiver: (o: object, cb: (e: Error | null, d?: { pdu: RawPdu }) => void) => Rx }
    ).createReceiver(
      {
        port: 162,
        address: '127.0.0.1',
        transport: 'udp4',
        includeAuthentication: true,
        engineID: ENGINE_ID,
        dgramModule,
      },
      (error, data) => {
        // Unauthorised or malformed packets are the sender's problem; the demo shows only what arrived.
        if (error || !data) return;
        received.push(decodeReceived(data.pdu));
      },
    );
    rx = receiver;
  });
  await bound;
  const authorizer = rx!.getAuthorizer();
  authorizer.addCommunity(options.community);
  if (options.v3User) {
    authorizer.addUser({
      name: options.v3User.name,
      level: snmp.SecurityLevel.authPriv,
      authProtocol: snmp.AuthProtocols.sha256!,
      authKey: options.v3User.authKey,
      privProtocol: snmp.PrivProtocols.aes!,
      privKey: options.v3User.privKey,
    });
  }
  const port = socket!.address().port;
  return {
    port,
    engineId: ENGINE_ID,
    take: () => received.splice(0),
    close: () => new Promise<void>((resolve) => rx!.close(() => resolve())),
  };
}

/** The demo receiver's engine ID (net-snmp's enterprise format, fixed bytes). */
const ENGINE_ID = '8000b98380646d6f636572746d6f6e';

interface Rx {
  getAuthorizer(): {
    addCommunity(community: string): void;
    addUser(user: {
      name: string;
      level: number;
      authProtocol: string;
      authKey: string;
      privProtocol: string;
      privKey: string;
    }): void;
  };
  close(cb: () => void): void;
}
