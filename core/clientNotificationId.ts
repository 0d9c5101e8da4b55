/**
 * Deterministic ids of a client's notifications (docs/design.md, Alert policy, as for appliances):
 * `client:{client}[:{appliance}][:{fp8}]:{what}:{YYYY-MM-DDTHH:MM}`. The `client:` prefix keeps them apart
 * from an appliance's ids, which start with the appliance's name (a name never holds `:`).
 */
import { MAX_NOTIFICATION_ID_LENGTH, NOTIFICATION_ID_UNSAFE } from '../protocol/notification.ts';
import { minuteSlot, shortFingerprint } from './notificationId.ts';

/** The id of the decision about `client` (and `appliance`) that became due at `dueAtMs`. */
export function clientNotificationId(
  client: string,
  what: string,
  dueAtMs: number,
  fingerprint?: string,
  appliance?: string,
): string {
  const parts = ['client', client];
  if (appliance) parts.push(appliance);
  if (fingerprint) parts.push(shortFingerprint(fingerprint));
  parts.push(what, minuteSlot(dueAtMs));
  return parts.join(':').replace(NOTIFICATION_ID_UNSAFE, '_').slice(0, MAX_NOTIFICATION_ID_LENGTH);
}
