/**
 * The request body of `POST /v1/notifications` (and `/v2`) as the gateway takes it: the wire protocol's schema, with
 * a failure raised as the gateway's own 400 error.
 */
import type { Notification } from '../../protocol/notification.ts';
import { validateNotificationBatch } from '../../protocol/notificationSchema.ts';
import type { NotificationV2 } from '../../protocol/notificationV2.ts';
import { validateNotificationBatchV2 } from '../../protocol/notificationV2Schema.ts';
import { RequestValidationError } from '../gatewayErrors.ts';

/** Parses the raw JSON text of a request; throws {@link RequestValidationError} naming the field. */
export function parseNotificationBatch(rawBody: string): Notification[] {
  const result = validateNotificationBatch(rawBody);
  if (!result.ok) throw new RequestValidationError(result.message, { cause: result.cause });
  return result.notifications;
}

/** Parses the raw JSON text of a `/v2` request; throws {@link RequestValidationError} naming the field. */
export function parseNotificationBatchV2(rawBody: string): NotificationV2[] {
  const result = validateNotificationBatchV2(rawBody);
  if (!result.ok) throw new RequestValidationError(result.message, { cause: result.cause });
  return result.notifications;
}
