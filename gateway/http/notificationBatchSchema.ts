/**
 * The request body of `POST /v1/notifications` as the gateway takes it: the wire protocol's schema, with
 * a failure raised as the gateway's own 400 error.
 */
import type { Notification } from '../../protocol/notification.ts';
import { validateNotificationBatch } from '../../protocol/notificationSchema.ts';
import { RequestValidationError } from '../gatewayErrors.ts';

/** Parses the raw JSON text of a request; throws {@link RequestValidationError} naming the field. */
export function parseNotificationBatch(rawBody: string): Notification[] {
  const result = validateNotificationBatch(rawBody);
  if (!result.ok) throw new RequestValidationError(result.message, { cause: result.cause });
  return result.notifications;
}
