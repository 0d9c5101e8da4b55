/** The whole-number setting of an inventory entry, the same for appliances and clients. */
import { int, maximum, minimum } from 'zod/mini';

/** A whole number within [min, max], with a message that says so. */
export function wholeNumber(min: number, max: number) {
  const message = `expected a whole number from ${min} to ${max}`;
  return int({ error: message }).check(minimum(min, { error: message }), maximum(max, { error: message }));
}
