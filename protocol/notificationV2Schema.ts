/**
 * The request body of `POST /v2/notifications` (docs/design.md, Wire protocol), validated on the gateway
 * side with zod. A failure names the offending field (`notifications[3].client`) and never quotes the
 * value. Fields a notification does not know are ignored; the batch itself is strict.
 *
 * The subject is an appliance (`appliance` with its `address`) or a client (`client`); `untrusted` and
 * `unverifiable` name both (the client that does not trust the certificate the appliance presents).
 */
import { z } from 'zod';
import {
  applianceAddress,
  applianceName,
  days,
  fingerprint,
  notificationId,
  observationFields,
  type Validation,
  validateBatch,
} from './notificationFields.ts';
import { FINDING_NAMES, isCertificateName, NOTIFICATION_EVENTS_V2, type NotificationV2 } from './notificationV2.ts';

/** Longest `detail` of a `finding` (the value found, e.g. `RSA-1024`). */
const MAX_DETAIL_LENGTH = 200;

const fields = z.object({
  id: notificationId,
  appliance: applianceName.optional(),
  address: applianceAddress.optional(),
  client: applianceName.optional(),
  certificate: z
    .string()
    .refine(isCertificateName, 'must match [a-z][a-z0-9-]{0,31} and be neither server nor ntls')
    .optional(),
  event: z.enum(NOTIFICATION_EVENTS_V2),
  assert: z.boolean().optional(),
  severity: z.enum(['warning', 'critical']).optional(),
  ...observationFields,
  previousFingerprintSha256: fingerprint.optional(),
  daysEarly: days.optional(),
  finding: z.enum(FINDING_NAMES).optional(),
  detail: z.string().max(MAX_DETAIL_LENGTH).optional(),
  findings: z.array(z.enum(FINDING_NAMES)).max(FINDING_NAMES.length).optional(),
});

type Fields = z.infer<typeof fields>;

/** The first rule between fields that `n` breaks: the field it names and why; undefined when none. */
function subjectProblem(n: Fields): { readonly field: string; readonly message: string } | undefined {
  if (n.appliance !== undefined && n.address === undefined)
    return { field: 'address', message: 'required with appliance' };
  if (n.address !== undefined && n.appliance === undefined)
    return { field: 'appliance', message: 'required with address' };
  const trust = n.event === 'untrusted' || n.event === 'unverifiable';
  if (trust) {
    if (n.appliance === undefined) return { field: 'appliance', message: `required with event ${n.event}` };
    if (n.client === undefined) return { field: 'client', message: `required with event ${n.event}` };
  } else {
    if (n.appliance === undefined && n.client === undefined) {
      return { field: 'appliance', message: 'an appliance or a client is required' };
    }
    if (n.appliance !== undefined && n.client !== undefined) {
      return { field: 'client', message: 'only with event untrusted or unverifiable beside an appliance' };
    }
  }
  if (n.certificate !== undefined && n.appliance === undefined) {
    return { field: 'certificate', message: 'names a certificate of an appliance' };
  }
  if (n.event === 'finding' && n.finding === undefined)
    return { field: 'finding', message: 'required with event finding' };
  if (n.event === 'replaced' && n.previousFingerprintSha256 === undefined) {
    return { field: 'previousFingerprintSha256', message: 'required with event replaced' };
  }
  return undefined;
}

const notificationSchema = fields.superRefine((n, ctx) => {
  const problem = subjectProblem(n);
  if (problem) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
});

/** The outcome of {@link validateNotificationBatchV2}: the notifications, or a message naming the field. */
export type BatchValidationV2 = Validation<NotificationV2>;

/** Parses the raw JSON text of a `/v2` request and validates it; the failure message names the field, never a value. */
export function validateNotificationBatchV2(rawBody: string): BatchValidationV2 {
  return validateBatch<NotificationV2>(rawBody, notificationSchema);
}
