/**
 * Appliance addresses: an IP literal only. The address goes into `ssLogReference` and is the SNMPv1
 * agent address, so the inventory (which supplies it) and the gateway (which refuses a batch carrying
 * anything else) must apply the same rule: this one.
 */
import { isIP } from 'node:net';

/** Longest textual IPv6 address (with an embedded IPv4 part). */
export const MAX_ADDRESS_LENGTH = 45;

/** True for an IPv4 or IPv6 literal. */
export function isApplianceAddress(address: string): boolean {
  return address.length <= MAX_ADDRESS_LENGTH && isIP(address) !== 0;
}
