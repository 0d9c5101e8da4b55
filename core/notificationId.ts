/**
 * Deterministic notification ids (SPEC §3, §7). The gateway ignores an id it has already handled, so the
 * id must be the same every time one decision is retried and different for the next decision.
 *
 * The time part is therefore never the run's `now` (a retry runs later): it is the instant the
 * notification became due, computed from the stored state and the certificate only (for example the
 * previous alert + H, or the moment the certificate entered the threshold window). Those inputs do not
 * change until the notification is delivered, so a retry reproduces the id; a delivery moves them on, so
 * the next repeat gets a new one. The instant is truncated to the hour: repeats are at least one hour
 * apart (H is a whole number of hours ≥ 1), so truncation never merges two decisions, and the id stays
 * readable (`hsm01:8B3B5CD9:expiring:2026-11-24T12`).
 */
import type { NotificationEvent } from './types.ts';

/** Characters the wire protocol allows in an id (SPEC §7). */
const ID_UNSAFE = /[^A-Za-z0-9:._-]/g;
/** Longest id the wire protocol allows (SPEC §7). */
export const MAX_NOTIFICATION_ID_LENGTH = 200;

/** The first 8 hex digits of a `AB:CD:…` fingerprint: enough to tell certificates of one appliance apart. */
export function shortFingerprint(fingerprint: string): string {
  return fingerprint
    .replace(/[^0-9A-Fa-f]/g, '')
    .slice(0, 8)
    .toUpperCase();
}

/** `YYYY-MM-DDTHH` of an instant in UTC. */
export function hourSlot(instantMs: number): string {
  return new Date(instantMs).toISOString().slice(0, 13);
}

/**
 * `{appliance}[:{fp8}]:{event}:{YYYY-MM-DDTHH}` for the decision that became due at `dueAtMs`; always
 * matches `[A-Za-z0-9:._-]{1,200}`.
 */
export function notificationId(
  appliance: string,
  event: NotificationEvent,
  dueAtMs: number,
  fingerprint?: string,
): string {
  const parts = [appliance];
  if (fingerprint) parts.push(shortFingerprint(fingerprint));
  parts.push(event, hourSlot(dueAtMs));
  return parts.join(':').replace(ID_UNSAFE, '_').slice(0, MAX_NOTIFICATION_ID_LENGTH);
}
