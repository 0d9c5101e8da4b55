/**
 * The instants whose ISO 8601 form (`Date#toISOString`) has a four-digit year: 0000-01-01T00:00:00.000Z
 * to 9999-12-31T23:59:59.999Z. Outside them `toISOString` writes six digits and a sign (`+010000-…`,
 * `-000001-…`), which the state, the certificate cache and the gateway refuse. Certificate times always
 * lie inside (an ASN.1 time has at most four year digits); the evaluation instant is checked where it
 * enters (`--now`, a scheduled event's `time`), so every instant stored, sent or put in a notification id
 * has the four-digit form.
 */

/** 0000-01-01T00:00:00.000Z. */
export const EARLIEST_ISO_INSTANT_MS = -62_167_219_200_000;
/** 9999-12-31T23:59:59.999Z. */
export const LATEST_ISO_INSTANT_MS = 253_402_300_799_999;

/** True when `ms` is an instant whose `toISOString` has a four-digit year. */
export function hasFourDigitYear(ms: number): boolean {
  return ms >= EARLIEST_ISO_INSTANT_MS && ms <= LATEST_ISO_INSTANT_MS;
}
