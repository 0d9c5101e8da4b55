/**
 * The request body of `POST /v1/notifications`, validated on the gateway side with zod. A failure names
 * the offending field (`notifications[3].appliance`) and never quotes the value. Fields a notification
 * does not know are ignored (a newer sender may add some); the batch itself is strict.
 */
import { z } from 'zod';
import { NOTIFICATION_EVENTS, type Notification } from './notification.ts';
import {
  applianceAddress,
  applianceName,
  notificationId,
  observationFields,
  type Validation,
  validateBatch,
} from './notificationFields.ts';

const notificationSchema = z.object({
  id: notificationId,
  appliance: applianceName,
  address: applianceAddress,
  event: z.enum(NOTIFICATION_EVENTS),
  ...observationFields,
});

/** The outcome of {@link validateNotificationBatch}: the notifications, or a message naming the field. */
export type BatchValidation = Validation<Notification>;

/** Parses the raw JSON text of a request and validates it; the failure message names the field, never a value. */
export function validateNotificationBatch(rawBody: string): BatchValidation {
  return validateBatch<Notification>(rawBody, notificationSchema);
}
