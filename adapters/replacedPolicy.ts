/**
 * The inventory's `policy.replaced` (docs/reference.md, Replaced certificates): only this key of `policy` is
 * read here; the rest of `policy` is the certificate findings' (validated where they are read).
 */

/** `policy.replaced` when it is a boolean, and the problem when it is something else. */
export function replacedPolicy(policy: unknown): { readonly replaced?: boolean; readonly problems: string[] } {
  if (policy === undefined) return { problems: [] };
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) {
    return { problems: ['policy: expected an object'] };
  }
  const replaced = (policy as Record<string, unknown>).replaced;
  if (replaced === undefined) return { problems: [] };
  if (typeof replaced !== 'boolean') return { problems: ['policy.replaced: expected true or false'] };
  return { replaced, problems: [] };
}
