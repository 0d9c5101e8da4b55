/** Shape check of a stored {@link ApplianceState}, shared by every state store. */

import { isUtcInstant } from '../protocol/isoInstant.ts';
import { NOTIFICATION_EVENTS } from '../protocol/notification.ts';

const EVENTS: ReadonlySet<string> = new Set(NOTIFICATION_EVENTS);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInstant(value: unknown): boolean {
  return isUtcInstant(value);
}

/**
 * A short reason why `value` is not a stored appliance state, or undefined when it is one. The reason
 * names the field only (never its content), so it is safe to log.
 */
export function applianceStateProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'not a JSON object';
  if (value.version !== 1) return 'unsupported version';
  if (typeof value.alertActive !== 'boolean') return 'alertActive is not a boolean';
  if (value.fingerprint !== undefined && (typeof value.fingerprint !== 'string' || value.fingerprint.length > 200)) {
    return 'fingerprint is not a fingerprint';
  }
  for (const field of ['fingerprintSince', 'notAfter', 'lastAlertAt'] as const) {
    if (value[field] !== undefined && !isInstant(value[field])) return `${field} is not an ISO 8601 instant`;
  }
  const pairs = [
    ['problem', 'event', 'since'],
    ['lastProblem', 'event', 'at'],
    ['pendingClear', 'fingerprint', 'detectedAt'],
  ] as const;
  for (const [field, key, instant] of pairs) {
    const nested = value[field];
    if (nested === undefined) continue;
    if (!isRecord(nested) || !isInstant(nested[instant])) return `${field} is malformed`;
    const first = nested[key];
    if (typeof first !== 'string' || (key === 'event' ? !EVENTS.has(first) : first.length > 200)) {
      return `${field} is malformed`;
    }
  }
  // `certificate` (the cache) is not checked here: a bad entry is ignored where it is used
  // (`usableCache`), so it can never cost the alert fields above.
  return undefined;
}
