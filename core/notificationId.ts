/**
 * Deterministic notification ids (docs/design.md, Alert policy; docs/design.md, Wire protocol). The gateway ignores an id it has already handled, so the
 * id must be the same every time one decision is retried and different for the next decision.
 *
 * The time part is therefore never the run's `now` (a retry runs later): it is the instant the
 * notification became due, computed from the stored state and the certificate only (for example the
 * previous alert + H, or the moment the certificate entered the threshold window). Those inputs do not
 * change until the notification is delivered, so a retry reproduces the id; a delivery moves them on, so
 * the next repeat gets a new one. The instant is truncated to the minute: two decisions of one kind are at
 * least a run apart (and repeats at least H ≥ 1 hour apart), so truncation never merges them, and the id
 * stays readable (`hsm01:8B3B5CD9:expiring:2026-11-24T12:00`). Hours would be enough for repeats, but not
 * for a problem that flaps (missing → invalid → missing) between runs less than an hour apart.
 */
import {
  MAX_NOTIFICATION_ID_LENGTH,
  NOTIFICATION_ID_UNSAFE,
  type NotificationEvent,
} from '../protocol/notification.ts';

/** The first 8 hex digits of a `AB:CD:…` fingerprint: enough to tell certificates of one appliance apart. */
export function shortFingerprint(fingerprint: string): string {
  return fingerprint
    .replace(/[^0-9A-Fa-f]/g, '')
    .slice(0, 8)
    .toUpperCase();
}

/** `YYYY-MM-DDTHH:MM` of an instant in UTC. */
export function minuteSlot(instantMs: number): string {
  return new Date(instantMs).toISOString().slice(0, 16);
}

/**
 * `{appliance}[:{fp8}]:{event}:{YYYY-MM-DDTHH:MM}` for the decision that became due at `dueAtMs`; always
 * matches `[A-Za-z0-9:._-]{1,200}`.
 */
export function notificationId(
  appliance: string,
  event: NotificationEvent | `finding-${string}`,
  dueAtMs: number,
  fingerprint?: string,
): string {
  const parts = [appliance];
  if (fingerprint) parts.push(shortFingerprint(fingerprint));
  parts.push(event, minuteSlot(dueAtMs));
  return parts.join(':').replace(NOTIFICATION_ID_UNSAFE, '_').slice(0, MAX_NOTIFICATION_ID_LENGTH);
}
