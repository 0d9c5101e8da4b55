/**
 * The field rules both wire schemas share (`/v1` and `/v2`, docs/design.md, Wire protocol), so the two
 * versions can never disagree on what an id, an instant or a fingerprint is.
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
  NOTIFICATION_ID,
} from './notification.ts';

/**
 * Largest |daysRemaining|: 10,000 Gregorian years are exactly 3,652,425 days, so no certificate dated in
 * years 0000–9999 evaluated at an instant in those years is further away (a not-yet-valid certificate
 * that never expires, notAfter 9999-12-31, is about 2.9 million days away today).
 */
export const MAX_DAYS_REMAINING = 3_652_425;

const isoInstant = z.string().refine((v) => parseIsoInstant(v) !== undefined, 'must be an ISO 8601 instant');

export const notificationId = z
  .string()
  .max(MAX_NOTIFICATION_ID_LENGTH)
  .regex(NOTIFICATION_ID, `must be 1-${MAX_NOTIFICATION_ID_LENGTH} of [A-Za-z0-9:._-]`);

export const applianceName = z.string().regex(APPLIANCE_NAME, `must match ${APPLIANCE_NAME.source}`);

export const applianceAddress = z.string().max(MAX_ADDRESS_LENGTH).refine(isApplianceAddress, 'must be an IP address');

export const fingerprint = z.string().regex(FINGERPRINT_SHA256, 'must be 32 hex pairs joined by :');

export const days = z.number().int().min(-MAX_DAYS_REMAINING).max(MAX_DAYS_REMAINING);

const reason = z.string().max(MAX_REASON_LENGTH);

/**
 * What both versions carry of an observation: the certificate's validity and fingerprint, when it was
 * observed, the days remaining and a reason. Spread where both list them, so parsed fields keep their order.
 */
export const observationFields = {
  notAfter: isoInstant.optional(),
  notBefore: isoInstant.optional(),
  fingerprintSha256: fingerprint.optional(),
  observedAt: isoInstant,
  daysRemaining: days.optional(),
  reason: reason.optional(),
};

/** The outcome of validating a batch: the notifications, or a message naming the field. */
export type Validation<T> =
  | { readonly ok: true; readonly notifications: T[] }
  | { readonly ok: false; readonly message: string; readonly cause?: unknown };

/** A key name from the request is echoed only when it is plainly a name. */
function safeKey(key: string | undefined): string {
  return key !== undefined && /^[A-Za-z0-9_]{1,40}$/.test(key) ? key : '(a field)';
}

/**
 * Parses the raw JSON text of a request and validates `{"notifications": [...]}` with `item` for each
 * element; the failure message names the field, never a value. The batch itself is strict.
 */
export function validateBatch<T>(rawBody: string, item: z.ZodType): Validation<T> {
  let doc: unknown;
  try {
    doc = JSON.parse(rawBody);
  } catch (error) {
    return { ok: false, message: 'body is not valid JSON', cause: error };
  }
  const batchSchema = z.strictObject({
    notifications: z.array(item).min(1).max(MAX_NOTIFICATIONS_PER_REQUEST),
  });
  const parsed = batchSchema.safeParse(doc);
  if (parsed.success) return { ok: true, notifications: parsed.data.notifications as T[] };
  const issue = parsed.error.issues[0]!;
  const path = formatKeyPath(issue.path);
  const message =
    issue.code === 'unrecognized_keys'
      ? `${path === '(root)' ? '' : `${path}.`}${safeKey(issue.keys[0])}: unknown field`
      : `${path}: ${issue.message}`;
  return { ok: false, message: message.slice(0, 300), cause: parsed.error };
}
