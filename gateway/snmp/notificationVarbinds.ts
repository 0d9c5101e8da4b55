/**
 * The variable bindings of the Luna-profile notification (docs/design.md, SNMP notification): the
 * `ssLogReference` text alone. net-snmp adds `sysUpTime.0` and `snmpTrapOID.0` itself.
 */
import snmp, { type Varbind } from 'net-snmp';

/** `ssLogReference` (SAFENET-APPLIANCE-MIB), sent without an instance suffix as the appliance does. */
export const SS_LOG_REFERENCE_OID = '1.3.6.1.4.1.23629.1.5.2.2.1';

/** The varbinds carrying one notification's `ssLogReference` text. */
export function notificationVarbinds(reference: string): Varbind[] {
  return [{ oid: SS_LOG_REFERENCE_OID, type: snmp.ObjectType.OctetString, value: reference }];
}
