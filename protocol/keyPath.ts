/** How configuration and request errors name a key: `trapHosts[1].authProtocol`. */

/** Formats a validation path (object keys and array indexes); `(root)` for the top level. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}
