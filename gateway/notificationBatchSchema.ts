/**
 * The request body of `POST /v1/notifications` (SPEC §7), validated with zod. A failure names the
 * offending field (`notifications[3].appliance`) and never quotes the value.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import type { Notification } from '../core/types.ts';
import { formatKeyPath } from './gatewayConfig.ts';
import { RequestValidationError } from './gatewayErrors.ts';

/** At most this many notifications per request. */
export const MAX_NOTIFICATIONS = 1000;

const isoDate = z.iso.datetime({ offset: true });

/**
 * Largest |daysRemaining|: 10,000 Gregorian years are exactly 3,652,425 days, so no certificate dated in
 * years 0000–9999 evaluated at an instant in those years is further away (a not-yet-valid certificate
 * that never expires, notAfter 9999-12-31, is about 2.9 million days away today).
 */
const MAX_DAYS_REMAINING = 3_652_425;

// Fields the gateway does not know are ignored (a newer sender may add some); the batch itself is strict.
const notificationSchema = z.object({
  id: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9:._-]+$/, 'must be 1-200 of [A-Za-z0-9:._-]'),
  appliance: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
  address: z
    .string()
    .max(45)
    .refine((a) => isIP(a) !== 0, 'must be an IP address'),
  event: z.enum(['expiring', 'expired', 'renewed', 'not_yet_valid', 'missing', 'invalid']),
  notAfter: isoDate.optional(),
  notBefore: isoDate.optional(),
  fingerprintSha256: z
    .string()
    .regex(/^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/, 'must be 32 hex pairs joined by :')
    .optional(),
  observedAt: isoDate,
  daysRemaining: z.number().int().min(-MAX_DAYS_REMAINING).max(MAX_DAYS_REMAINING).optional(),
  reason: z.string().max(500).optional(),
});

const batchSchema = z.strictObject({
  notifications: z.array(notificationSchema).min(1).max(MAX_NOTIFICATIONS),
});

/** A validated notification (the wire type plus the optional `notBefore` for not_yet_valid). */
export type GatewayNotification = Notification & { readonly notBefore?: string };

/** A key name from the request is echoed only when it is plainly a name. */
function safeKey(key: string | undefined): string {
  return key !== undefined && /^[A-Za-z0-9_]{1,40}$/.test(key) ? key : '(a field)';
}

/** Parses the raw JSON text of a request; throws {@link RequestValidationError} naming the field. */
export function parseNotificationBatch(rawBody: string): GatewayNotification[] {
  let doc: unknown;
  try {
    doc = JSON.parse(rawBody);
  } catch (error) {
    throw new RequestValidationError('body is not valid JSON', { cause: error });
  }
  const parsed = batchSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = formatKeyPath(issue.path);
    const message =
      issue.code === 'unrecognized_keys'
        ? `${path === '(root)' ? '' : `${path}.`}${safeKey(issue.keys[0])}: unknown field`
        : `${path}: ${issue.message}`;
    throw new RequestValidationError(message.slice(0, 300), { cause: parsed.error });
  }
  return parsed.data.notifications as GatewayNotification[];
}
