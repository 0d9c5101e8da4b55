/**
 * The wire protocol between the check (its forwarder) and the SNMP gateway: what one notification is, the
 * rules its fields follow, and the limits of one request. Both sides import this module, so the two can
 * never disagree. See docs/design.md ("Wire protocol"). Runtime-neutral: no Node built-ins, no packages.
 */

/** Path of the one endpoint that takes notifications. */
export const NOTIFICATIONS_PATH = '/v1/notifications';

/** Every event a notification can carry. */
export const NOTIFICATION_EVENTS = ['expiring', 'expired', 'renewed', 'not_yet_valid', 'missing', 'invalid'] as const;

/** Events carried by a gateway notification. */
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/** Most notifications in one request. */
export const MAX_NOTIFICATIONS_PER_REQUEST = 1000;

/** Largest request body the gateway accepts (1 MiB). */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/** Appliance names: what the gateway accepts, and so what a source may call an appliance. */
export const APPLIANCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** True for a valid appliance name; anything else is never used as a name, a path or in a log line. */
export function isApplianceName(name: string): boolean {
  return APPLIANCE_NAME.test(name);
}

/** Longest notification id. */
export const MAX_NOTIFICATION_ID_LENGTH = 200;

/** A notification id: 1 to 200 of `[A-Za-z0-9:._-]`. */
export const NOTIFICATION_ID = /^[A-Za-z0-9:._-]{1,200}$/;

/** Characters an id may not hold (ids are built from names and times, then cleaned with this). */
export const NOTIFICATION_ID_UNSAFE = /[^A-Za-z0-9:._-]/g;

/** A SHA-256 fingerprint as `openssl x509 -fingerprint -sha256` prints it: 32 hex pairs joined by `:`. */
export const FINGERPRINT_SHA256 = /^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/;

/** Longest `reason` carried by an `invalid` notification. */
export const MAX_REASON_LENGTH = 500;

/**
 * One notification on the wire. `id` is deterministic for the decision that produced it, so a retried
 * delivery is recognised by the gateway and never traps twice.
 */
export interface Notification {
  readonly id: string;
  readonly appliance: string;
  /** Appliance address from the inventory, else `0.0.0.0`. */
  readonly address: string;
  readonly event: NotificationEvent;
  /** ISO 8601 UTC, present when a certificate was read. */
  readonly notAfter?: string;
  /** ISO 8601 UTC, present when a certificate was read (the gateway's not-yet-valid line needs it). */
  readonly notBefore?: string;
  readonly fingerprintSha256?: string;
  /** The run's evaluation instant, ISO 8601 UTC. */
  readonly observedAt: string;
  /** Days remaining (negative once expired), when a certificate was read. */
  readonly daysRemaining?: number;
  /** Short sanitized reason, for `invalid`. */
  readonly reason?: string;
}

/** The gateway's answer for one trap host. */
export interface TrapResult {
  readonly host: string;
  readonly ok: boolean;
  readonly error?: string;
}

/** One element of a 200 answer's `results`, in request order. */
export interface NotificationResult {
  readonly id: string;
  /** True when the gateway had already handled this id (it answers the stored result, sends nothing new). */
  readonly duplicate: boolean;
  readonly traps: readonly TrapResult[];
  readonly syslog: 'ok' | 'failed';
}
