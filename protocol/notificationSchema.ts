/**
 * The request body of `POST /v1/notifications`, validated on the gateway side with zod. A failure names
 * the offending field (`notifications[3].appliance`) and never quotes the value. Fields a notification
 * does not know are ignored (a newer sender may add some); the batch itself is strict.
 */
import { z } from 'zod';
import { isApplianceAddress, MAX_ADDRESS_LENGTH } from './applianceAddress.ts';
import { parseIsoInstant } from './isoInstant.ts';
import { formatKeyPath } from './keyPath.ts';
import {
  APPLIANCE_NAME,
  FINGERPRINT_SHA256,
  MAX_NOTIFICATION_ID_LENGTH,
  MAX_NOTIFICATIONS_PER_REQUEST,
  MAX_REASON_LENGTH,
  NOTIFICATION_EVENTS,
  NOTIFICATION_ID,
  type Notification,
} from './notification.ts';

/**
 * Largest |daysRemaining|: 10,000 Gregorian years are exactly 3,652,425 days, so no certificate dated in
 * years 0000–9999 evaluated at an instant in those years is further away (a not-yet-valid certificate
 * that never expires, notAfter 9999-12-31, is about 2.9 million days away today).
 */
const MAX_DAYS_REMAINING = 3_652_425;

const isoInstant = z.string().refine((v) => parseIsoInstant(v) !== undefined, 'must be an ISO 8601 instant');

const notificationSchema = z.object({
  id: z
    .string()
    .max(MAX_NOTIFICATION_ID_LENGTH)
    .regex(NOTIFICATION_ID, `must be 1-${MAX_NOTIFICATION_ID_LENGTH} of [A-Za-z0-9:._-]`),
  appliance: z.string().regex(APPLIANCE_NAME, `must match ${APPLIANCE_NAME.source}`),
  address: z.string().max(MAX_ADDRESS_LENGTH).refine(isApplianceAddress, 'must be an IP address'),
  event: z.enum(NOTIFICATION_EVENTS),
  notAfter: isoInstant.optional(),
  notBefore: isoInstant.optional(),
  fingerprintSha256: z.string().regex(FINGERPRINT_SHA256, 'must be 32 hex pairs joined by :').optional(),
  observedAt: isoInstant,
  daysRemaining: z.number().int().min(-MAX_DAYS_REMAINING).max(MAX_DAYS_REMAINING).optional(),
  reason: z.string().max(MAX_REASON_LENGTH).optional(),
});

const batchSchema = z.strictObject({
  notifications: z.array(notificationSchema).min(1).max(MAX_NOTIFICATIONS_PER_REQUEST),
});

/** The outcome of {@link validateNotificationBatch}: the notifications, or a message naming the field. */
export type BatchValidation =
  | { readonly ok: true; readonly notifications: Notification[] }
  | { readonly ok: false; readonly message: string; readonly cause?: unknown };

/** A key name from the request is echoed only when it is plainly a name. */
function safeKey(key: string | undefined): string {
  return key !== undefined && /^[A-Za-z0-9_]{1,40}$/.test(key) ? key : '(a field)';
}

/** Parses the raw JSON text of a request and validates it; the failure message names the field, never a value. */
export function validateNotificationBatch(rawBody: string): BatchValidation {
  let doc: unknown;
  try {
    doc = JSON.parse(rawBody);
  } catch (error) {
    return { ok: false, message: 'body is not valid JSON', cause: error };
  }
  const parsed = batchSchema.safeParse(doc);
  if (parsed.success) return { ok: true, notifications: parsed.data.notifications as Notification[] };
  const issue = parsed.error.issues[0]!;
  const path = formatKeyPath(issue.path);
  const message =
    issue.code === 'unrecognized_keys'
      ? `${path === '(root)' ? '' : `${path}.`}${safeKey(issue.keys[0])}: unknown field`
      : `${path}: ${issue.message}`;
  return { ok: false, message: message.slice(0, 300), cause: parsed.error };
}
