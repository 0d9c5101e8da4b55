/**
 * The variable bindings of a trap of a newer kind (docs/gateway.md, Newer notifications): each is a
 * sub-identifier of the kind's own notification OID (`snmp.events.<kind>.oid`), so one configured OID
 * names the notification and its objects. net-snmp adds `sysUpTime.0` and `snmpTrapOID.0` itself.
 */
import snmp, { type Varbind } from 'net-snmp';
import type { NotificationV2 } from '../../protocol/notificationV2.ts';

/** Sub-identifiers under the kind's OID, in the order they are sent. */
export const EVENT_VARBIND = {
  /** The appliance, or the client for a client's own certificate. */
  subject: 1,
  /** The certificate: a named certificate's name, `NTLS`, or `Client` for a client's own. */
  certificate: 2,
  /** The event (`expiring`, `replaced`, `untrusted`, `finding`, …). */
  event: 3,
  /** notAfter, ISO 8601 UTC (empty when unknown). */
  notAfter: 4,
  /** SHA-256 fingerprint (empty when unknown). */
  fingerprint: 5,
  /** 1 raises the alert, 0 clears it. */
  assert: 6,
  /** The text an `ssLogReference` would carry, pointing into the lines. */
  reference: 7,
  /** The client, for `untrusted`. */
  client: 8,
  /** The finding's name, for `finding`. */
  finding: 9,
} as const;

/** What the varbinds of one event trap say. */
export interface EventTrapFacts {
  readonly certificate: string;
  readonly assert: boolean;
  readonly reference: string;
}

function text(oid: string, value: string): Varbind {
  return { oid, type: snmp.ObjectType.OctetString, value };
}

/** The varbinds of one event trap under `base` (the kind's notification OID). */
export function eventVarbinds(base: string, n: NotificationV2, facts: EventTrapFacts): Varbind[] {
  const at = (sub: number) => `${base}.${sub}`;
  const varbinds: Varbind[] = [
    text(at(EVENT_VARBIND.subject), n.appliance ?? n.client ?? ''),
    text(at(EVENT_VARBIND.certificate), facts.certificate),
    text(at(EVENT_VARBIND.event), n.event),
    text(at(EVENT_VARBIND.notAfter), n.notAfter ?? ''),
    text(at(EVENT_VARBIND.fingerprint), n.fingerprintSha256 ?? ''),
    { oid: at(EVENT_VARBIND.assert), type: snmp.ObjectType.Integer, value: facts.assert ? 1 : 0 },
    text(at(EVENT_VARBIND.reference), facts.reference),
  ];
  if (n.client !== undefined && n.appliance !== undefined) varbinds.push(text(at(EVENT_VARBIND.client), n.client));
  if (n.finding !== undefined) varbinds.push(text(at(EVENT_VARBIND.finding), n.finding));
  return varbinds;
}
