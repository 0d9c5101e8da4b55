/**
 * The second version of the wire protocol (docs/design.md, Wire protocol): notifications about more than
 * the NTLS certificate's expiry travel to `POST /v2/notifications`, so that `/v1/notifications` and every
 * trap it causes stay exactly as they are. A v1 notification is also a valid v2 notification; the
 * forwarder sends on `/v1` everything that fits it ({@link fitsV1}) and only the rest on `/v2`.
 * Runtime-neutral: no Node built-ins, no packages.
 */
import { NOTIFICATION_EVENTS, type Notification, type NotificationEvent } from './notification.ts';

/** Path of the endpoint that takes notifications of every kind. */
export const NOTIFICATIONS_V2_PATH = '/v2/notifications';

/** Events only `/v2` carries. */
const V2_ONLY_EVENTS = ['replaced', 'untrusted', 'unverifiable', 'finding'] as const;

/** Every event a v2 notification can carry. */
export const NOTIFICATION_EVENTS_V2 = [...NOTIFICATION_EVENTS, ...V2_ONLY_EVENTS] as const;

/** Events carried by a v2 notification. */
export type NotificationEventV2 = NotificationEvent | (typeof V2_ONLY_EVENTS)[number];

/** The level of an expiry notification when a critical level is configured (docs/reference.md, Expiry policy). */
export type AlertSeverity = 'warning' | 'critical';

/** Every certificate finding (docs/reference.md, Certificate findings). */
export const FINDING_NAMES = [
  'weak_key',
  'weak_signature',
  'validity_too_long',
  'name_mismatch',
  'invalid_validity',
  'chain_expires_first',
] as const;

/** One kind of certificate finding. */
export type FindingName = (typeof FINDING_NAMES)[number];

/** Named certificates of an appliance: `[a-z][a-z0-9-]{0,31}`, and never `server` nor `ntls`. */
export const CERTIFICATE_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** Names the NTLS certificate holds already, so a named certificate may not take them. */
const RESERVED_CERTIFICATE_NAMES: readonly string[] = ['server', 'ntls'];

/** True for a name an appliance's additional certificate may have. */
export function isCertificateName(name: string): boolean {
  return CERTIFICATE_NAME.test(name) && !RESERVED_CERTIFICATE_NAMES.includes(name);
}

/**
 * The kinds a gateway may give their own trap OID (`snmp.events.<kind>.oid`); anything else about the
 * NTLS certificate is `ntls` and traps as `ntlsAttentionNotify`, exactly as on `/v1`.
 */
export const EVENT_KINDS = ['certificate', 'client', 'replaced', 'untrusted', 'finding'] as const;

/** A kind of notification that has its own trap OID. */
export type EventKind = (typeof EVENT_KINDS)[number];

/**
 * One notification on `/v2`. The subject is an appliance (`appliance` with its `address`) or a client
 * (`client`); an `untrusted` / `unverifiable` notification names both. Every field v1 has means the
 * same here.
 */
export interface NotificationV2 extends Omit<Notification, 'appliance' | 'address' | 'event'> {
  readonly appliance?: string;
  /** With `appliance`: its address from the inventory, else `0.0.0.0`. */
  readonly address?: string;
  /** A Luna client (same name rule as an appliance). */
  readonly client?: string;
  /** A named certificate of the appliance; absent for the NTLS certificate and for a client's own. */
  readonly certificate?: string;
  readonly event: NotificationEventV2;
  /**
   * False for a clearing notification of an event that has one (`untrusted` once trusted again, a
   * `finding` once gone). Absent means true; `renewed` clears by its event, as on `/v1`.
   */
  readonly assert?: boolean;
  /** Present only when a critical level is configured. */
  readonly severity?: AlertSeverity;
  /** `replaced`: the fingerprint of the certificate that was replaced. */
  readonly previousFingerprintSha256?: string;
  /** `replaced`: whole days between the replacement and the replaced certificate's threshold. */
  readonly daysEarly?: number;
  /** `finding`: which one. */
  readonly finding?: FindingName;
  /** `finding`: the value found, e.g. `RSA-1024` (bounded, sanitized). */
  readonly detail?: string;
  /** The certificate's findings, when a policy is set. */
  readonly findings?: readonly FindingName[];
}

/** Everything a forwarder may send: a v1 notification is a v2 notification whose fields all fit `/v1`. */
export type AnyNotification = Notification | NotificationV2;

const V1_EVENTS: readonly string[] = NOTIFICATION_EVENTS;

/**
 * True when `n` can travel on `/v1` unchanged: about an appliance's NTLS certificate, with a v1 event and
 * no field `/v1` does not know. Those are sent exactly as before; everything else goes to `/v2`.
 */
export function fitsV1(n: AnyNotification): n is Notification {
  const v2 = n as NotificationV2;
  return (
    v2.appliance !== undefined &&
    v2.address !== undefined &&
    V1_EVENTS.includes(v2.event) &&
    v2.client === undefined &&
    v2.certificate === undefined &&
    v2.assert === undefined &&
    v2.severity === undefined &&
    v2.previousFingerprintSha256 === undefined &&
    v2.daysEarly === undefined &&
    v2.finding === undefined &&
    v2.detail === undefined &&
    v2.findings === undefined
  );
}

/**
 * The trap kind of a notification: the gateway sends a trap for it only when `snmp.events.<kind>.oid` is
 * configured, except `ntls`, which is the NTLS certificate's expiry and traps exactly as on `/v1`.
 */
export function eventKind(n: AnyNotification): EventKind | 'ntls' {
  const v2 = n as NotificationV2;
  switch (v2.event) {
    case 'replaced':
      return 'replaced';
    case 'untrusted':
    case 'unverifiable':
      return 'untrusted';
    case 'finding':
      return 'finding';
    default:
      if (v2.client !== undefined) return 'client';
      if (v2.certificate !== undefined) return 'certificate';
      return 'ntls';
  }
}
