/**
 * What the gateway writes and sends for any notification, `/v1` or `/v2` (docs/gateway.md, Newer
 * notifications). The NTLS certificate's expiry is planned exactly as on `/v1` (./notificationPlan.ts),
 * only written with syslog severity `crit` when its severity is critical. Every other kind gets its own
 * catalogue lines, and a trap only when `snmp.events.<kind>.oid` names one: never `ntlsAttentionNotify`,
 * so no rule an NMS has for that notification ever sees one.
 */
import type { MessageKey, Severity } from '../../core/catalogue.ts';
import type { Notification } from '../../protocol/notification.ts';
import { type AnyNotification, type EventKind, eventKind, type NotificationV2 } from '../../protocol/notificationV2.ts';
import { opensslDate, type PlannedLine, planNotification } from './notificationPlan.ts';

/** The trap OID of each kind that has one (`snmp.events.<kind>.oid`). */
export type EventOids = Readonly<Partial<Record<EventKind, { readonly oid: string }>>>;

/** A trap of one of the newer kinds: its notification OID and what its varbinds say. */
export interface EventTrap {
  readonly kind: EventKind;
  readonly oid: string;
}

/** The trap part of a plan. */
export interface PlannedTrap {
  readonly assert: boolean;
  /** The line for a host that acknowledged, and for one that did not, with their parameters besides `host`. */
  readonly okKey: MessageKey;
  readonly failKey: MessageKey;
  readonly params: Readonly<Record<string, string>>;
  /** Absent: `ntlsAttentionNotify` with `ssLogReference`, exactly as on `/v1`. */
  readonly event?: EventTrap;
}

/** The plan for one notification. */
export interface DeliveryPlan {
  /** The syslog HOSTNAME of its lines: the appliance, or the client a line is about. */
  readonly host: string;
  readonly lines: readonly PlannedLine[];
  /** Replaces the catalogue's severity of the event lines: `crit` for a critical notification. */
  readonly severity?: Severity;
  /** Absent: syslog only. */
  readonly trap?: PlannedTrap;
}

/** How the gateway is configured to plan. */
export interface PlanOptions {
  readonly trapOnProblems: boolean;
  readonly events?: EventOids;
}

/** The name a line gives the certificate: a named one's name, the client's own, else the NTLS one. */
function certificateLabel(n: NotificationV2): string {
  if (n.certificate !== undefined) return n.certificate;
  return n.appliance === undefined ? 'Client' : 'NTLS';
}

/** The event lines of an expiry event of a named certificate or of a client's certificate. */
function expiryLine(n: NotificationV2, client: boolean): PlannedLine {
  const subject: Record<string, string> = client
    ? { client: n.client ?? '' }
    : { certificate: certificateLabel(n), appliance: n.appliance ?? '' };
  const key = (suffix: string) => `${client ? 'client' : 'certificate'}${suffix}` as MessageKey;
  switch (n.event) {
    case 'expiring':
      return { key: key('WillExpire'), params: { ...subject, notAfter: opensslDate(n.notAfter) } };
    case 'expired':
      return { key: key('Expired'), params: { ...subject, notAfter: opensslDate(n.notAfter) } };
    case 'renewed':
      return { key: key('New'), params: { ...subject, notAfter: opensslDate(n.notAfter) } };
    case 'not_yet_valid':
      return { key: key('NotYetValid'), params: { ...subject, notBefore: opensslDate(n.notBefore) } };
    case 'missing':
      return { key: key('Missing'), params: subject };
    default:
      return { key: key('Invalid'), params: { ...subject, reason: n.reason ?? 'no parseable certificate' } };
  }
}

/** The event line of a notification that is not the NTLS certificate's expiry. */
function eventLine(n: NotificationV2): PlannedLine {
  const trust = { client: n.client ?? '', appliance: n.appliance ?? '', fingerprint: n.fingerprintSha256 ?? 'unknown' };
  const certificate = { certificate: certificateLabel(n), appliance: n.appliance ?? n.client ?? '' };
  switch (n.event) {
    case 'replaced':
      return {
        key: 'replaced',
        params: {
          ...certificate,
          days: n.daysEarly ?? 0,
          previous: n.previousFingerprintSha256 ?? 'unknown',
          fingerprint: n.fingerprintSha256 ?? 'unknown',
        },
      };
    case 'untrusted':
      return { key: n.assert === false ? 'trusted' : 'untrusted', params: trust };
    case 'unverifiable':
      return { key: 'trustUnverifiable', params: { ...trust, reason: n.reason ?? 'unknown' } };
    case 'finding':
      return n.assert === false
        ? { key: 'findingCleared', params: { ...certificate, finding: n.finding ?? 'unknown' } }
        : { key: 'finding', params: { ...certificate, finding: n.finding ?? 'unknown', detail: n.detail ?? '' } };
    default:
      return expiryLine(n, n.appliance === undefined);
  }
}

/** Whether an event of a newer kind traps (when its kind has an OID), and with which flag. */
function trapFlag(n: NotificationV2, trapOnProblems: boolean): boolean | undefined {
  switch (n.event) {
    case 'unverifiable':
      // Trust that cannot be verified is a line, never a trap (docs/gateway.md, Newer notifications).
      return undefined;
    case 'renewed':
      return false;
    case 'missing':
    case 'invalid':
    case 'not_yet_valid':
      return trapOnProblems ? true : undefined;
    default:
      return n.assert !== false;
  }
}

/** The NTLS certificate's expiry: `/v1`'s plan, written at `crit` when critical. */
function planNtls(n: Notification, severity: NotificationV2['severity'], trapOnProblems: boolean): DeliveryPlan {
  const v1 = planNotification(n, trapOnProblems);
  return {
    host: n.appliance,
    lines: v1.lines,
    ...(severity === 'critical' ? { severity: 'crit' as const } : {}),
    ...(v1.trap ? { trap: { ...v1.trap, failKey: 'trapFailed', params: {} } } : {}),
  };
}

/** Plans any notification the gateway accepted. */
export function planDelivery(notification: AnyNotification, options: PlanOptions): DeliveryPlan {
  const n = notification as NotificationV2;
  const kind = eventKind(n);
  if (kind === 'ntls') return planNtls(n as Notification, n.severity, options.trapOnProblems);
  const severity = n.severity === 'critical' ? { severity: 'crit' as const } : {};
  const base = { host: n.client ?? n.appliance ?? '', lines: [eventLine(n)], ...severity };
  const oid = options.events?.[kind]?.oid;
  const assert = oid === undefined ? undefined : trapFlag(n, options.trapOnProblems);
  if (oid === undefined || assert === undefined) return base;
  const params = { kind };
  return {
    ...base,
    trap: { assert, okKey: 'eventTrapSent', failKey: 'eventTrapFailed', params, event: { kind, oid } },
  };
}
