/**
 * Values bound for a log line, made safe on either side of the wire: what a gateway answers ends up in the
 * forwarder's lines, and what a request carries ends up in the gateway's (docs/reference.md, Message
 * catalogue).
 */

/** Largest length of one substituted value; longer values are cut and marked with an ellipsis. */
export const MAX_PARAM_LENGTH = 200;

/**
 * Makes a value safe to place inside a log line: control characters (CR, LF, NUL, ESC, …) and
 * Unicode line separators become spaces, and the result is bounded. This is what stops log injection.
 */
export function sanitizeLogValue(value: unknown, max = MAX_PARAM_LENGTH): string {
  const text = String(value).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
