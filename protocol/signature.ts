/**
 * Request signing of the wire protocol: every request carries `X-Certmonitor-Key-Id`,
 * `X-Certmonitor-Timestamp` (Unix seconds) and `X-Certmonitor-Signature: v1=<hex HMAC-SHA256(secret,
 * timestamp + "." + rawBody)>`. The forwarder signs with {@link signBody}; the gateway recomputes it and
 * compares with {@link signatureMatches}. See docs/design.md ("Wire protocol").
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const HEADER_KEY_ID = 'x-certmonitor-key-id';
export const HEADER_TIMESTAMP = 'x-certmonitor-timestamp';
export const HEADER_SIGNATURE = 'x-certmonitor-signature';

/** How far a request's timestamp may be from the gateway's clock, by default (seconds). */
export const DEFAULT_TIMESTAMP_TOLERANCE_SECONDS = 300;

/** Computes the `v1=…` signature value for a raw body at a Unix timestamp (seconds). */
export function signBody(
  secret: string | Uint8Array,
  timestamp: number | string,
  rawBody: string | Uint8Array,
): string {
  const mac = createHmac('sha256', typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret);
  mac.update(`${timestamp}.`);
  mac.update(rawBody);
  return `v1=${mac.digest('hex')}`;
}

/** Compares a received signature with the expected one in constant time (no early exit on length). */
export function signatureMatches(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  // Compare equal-length buffers always, so the time taken does not reveal the expected length.
  const padded = Buffer.alloc(a.length);
  b.copy(padded, 0, 0, Math.min(a.length, b.length));
  return timingSafeEqual(a, padded) && a.length === b.length;
}

/**
 * The signing key held in a secret file, an environment variable or an SSM parameter: the text with
 * surrounding whitespace trimmed, used as UTF-8 bytes. Both sides read secrets through this.
 */
export function secretFromText(content: string): string {
  return content.trim();
}
