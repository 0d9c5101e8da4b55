/**
 * Bounded reading of certificate bodies. Inputs over 1 MiB are rejected unread (docs/design.md,
 * Certificate evaluation); the core decides `invalid` from the length alone, so an adapter that meets an
 * oversize body stops reading and hands on a placeholder one byte over the limit instead of the content.
 */

/** The largest certificate file accepted (docs/design.md, Certificate evaluation). */
export const MAX_CERTIFICATE_BYTES = 1024 * 1024;

/**
 * A placeholder standing for "larger than the limit": its length alone makes the core reject it, and
 * none of the real content is read or kept.
 */
export function oversizeBytes(limit = MAX_CERTIFICATE_BYTES): Uint8Array {
  return new Uint8Array(limit + 1);
}

/**
 * Reads a byte stream up to `limit` bytes; a longer stream is abandoned (and destroyed when it can be)
 * and {@link oversizeBytes} returned.
 */
export async function readCapped(
  body: AsyncIterable<Uint8Array | string>,
  limit = MAX_CERTIFICATE_BYTES,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    total += bytes.length;
    if (total > limit) {
      (body as { destroy?: () => void }).destroy?.();
      return oversizeBytes(limit);
    }
    chunks.push(bytes);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
