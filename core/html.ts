/** Escaping for the HTML the fleet report writes: every value from a certificate, a record or a name is text. */

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * `text` as HTML text or as a double-quoted attribute value: the five markup characters become entities,
 * and control characters (which a subject may carry escaped, but a stored record may carry raw) become
 * U+FFFD, so nothing in it can open an element, close an attribute or break a line of the page. Every
 * character above U+00FF is written as a numeric entity: the browser shows the same text, and the page
 * stays a one-byte string in V8, half the memory of a 10,000-appliance page built with one such name.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/[&<>"']/g, (c) => ENTITIES[c] as string)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g, '&#xFFFD;')
    .replace(/[^\u0000-\u00ff]/gu, (c) => `&#x${(c.codePointAt(0) as number).toString(16).toUpperCase()};`);
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with padding (a CSP hash source is base64 of the digest). */
export function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] as number;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += BASE64[(n >> 18) & 63];
    out += BASE64[(n >> 12) & 63];
    out += b === undefined ? '=' : BASE64[(n >> 6) & 63];
    out += c === undefined ? '=' : BASE64[n & 63];
  }
  return out;
}
