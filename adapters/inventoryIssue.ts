/**
 * An inventory problem as a line (docs/reference.md, Configuration): the key path, then what is wrong,
 * the same for appliances, clients and the fleet-wide policy. Names outside the naming rules are never
 * echoed; everything else from the file is sanitized.
 */
import type { core } from 'zod/mini';
import { sanitizeLogValue } from '../core/catalogue.ts';
import { isApplianceName } from '../protocol/notification.ts';
import { isCertificateName } from '../protocol/notificationV2.ts';

/** A path segment from the file, made safe to print: invalid appliance names are never echoed. */
function describeSegment(segment: PropertyKey, index: number, path: readonly PropertyKey[]): string {
  const text = String(segment);
  if (index === 1 && path[0] === 'appliances' && !isApplianceName(text)) return '<invalid appliance name>';
  if (index === 3 && path[2] === 'certificates' && !isCertificateName(text)) return '<invalid certificate name>';
  return sanitizeLogValue(text, 64);
}

function describePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : path.map((s, i) => describeSegment(s, i, path)).join('.');
}

/** One schema issue of the value at `prefix`, naming its key path. */
export function describeIssue(issue: core.$ZodIssue, prefix: readonly PropertyKey[]): string {
  const where = describePath([...prefix, ...issue.path]);
  if (issue.code === 'unrecognized_keys') {
    return `${where}: unknown key(s) ${issue.keys.map((k) => sanitizeLogValue(k, 64)).join(', ')}`;
  }
  return `${where}: ${sanitizeLogValue(issue.message, 120)}`;
}
