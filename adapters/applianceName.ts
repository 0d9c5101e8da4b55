/** Appliance names as the wire protocol allows them (SPEC §7); anything else is never used as a name or logged. */

/** `^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$` (SPEC §7). */
export const APPLIANCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** True for a valid appliance name. */
export function isApplianceName(name: string): boolean {
  return APPLIANCE_NAME.test(name);
}
