/**
 * Deliveries still owed to some trap hosts (docs/design.md, Alert policy; docs/design.md, State). A
 * notification that at least one trap host acknowledged counts as delivered: the alert policy moves on, so
 * the healthy hosts get their repeats and clears on time. The hosts that did not acknowledge it are owed
 * it: the appliance's state keeps the notification exactly as sent (same id, same content) with their labels,
 * and every later run sends it again. The gateway remembers per id which hosts have it and sends only to
 * the others, so a host that has it never gets it twice.
 *
 * Superseding keeps the debt small: at most one owed delivery per appliance and kind (trap, clear, report);
 * a newer notification of the same kind replaces it (a host that was down gets the latest repeat, not a
 * backlog); a renewal drops an owed raise for the replaced certificate (its clear covers it); and an owed
 * delivery older than {@link OWED_MAX_AGE_DAYS} days is given up, because the gateway forgets an id after
 * its `retentionDays` (7 by default) and would then send it to every host again. Pure.
 */
import { isUtcInstant } from '../protocol/isoInstant.ts';
import {
  APPLIANCE_NAME,
  FINGERPRINT_SHA256,
  MAX_REASON_LENGTH,
  NOTIFICATION_EVENTS,
  NOTIFICATION_ID,
  type Notification,
  type NotificationEvent,
} from '../protocol/notification.ts';
import { type AlertSeverity, isCertificateName } from '../protocol/notificationV2.ts';
import { type ActionKind, actionKind } from './actionKind.ts';

/**
 * A notification as owed: an expiry notification of the NTLS certificate, or of a named certificate
 * (`certificate`, docs/reference.md, Named certificates), with its severity when it was sent with one.
 */
export type OwedNotification = Notification & {
  readonly certificate?: string;
  readonly severity?: AlertSeverity;
};

/** One notification some trap hosts still lack. */
export interface OwedDelivery {
  /** The notification exactly as it was sent, so a retry carries the same id and content. */
  readonly notification: OwedNotification;
  /** The trap hosts that have not acknowledged it, as the gateway names them ({@link trapHostLabel}), sorted. */
  readonly hosts: readonly string[];
  /** The evaluation instant it was first delivered to some hosts and not to these, ISO 8601. */
  readonly since: string;
}

/**
 * Owed deliveries older than this are given up (logged as `trapGivenUp`). It stays below the gateway's
 * default `retentionDays` of 7: a retry of an id the gateway has forgotten would reach every host again.
 */
export const OWED_MAX_AGE_DAYS = 6;
const OWED_MAX_AGE_MS = OWED_MAX_AGE_DAYS * 86_400_000;

/** Most host labels kept per owed delivery (a gateway has a handful of trap hosts). */
export const MAX_OWED_HOSTS = 32;
/** Longest trap host label kept or logged. */
export const MAX_TRAP_HOST_LABEL = 100;

const KIND_ORDER: readonly ActionKind[] = ['clear', 'trap', 'report'];
const EVENTS: ReadonlySet<string> = new Set(NOTIFICATION_EVENTS);
/** An IP literal's characters (the gateway checks the address itself; this only keeps junk out of the state). */
const ADDRESS = /^[0-9A-Fa-f.:]{2,45}$/;
const MAX_DAYS_REMAINING = 3_652_425;

/**
 * A trap host's label as the gateway answered it, made safe to store and to log: anything but letters,
 * digits and `. _ : % -` becomes `_`, and it is cut to {@link MAX_TRAP_HOST_LABEL} characters. A label the
 * gateway configured (`nms1`, `10.0.0.9:1162`, an IPv6 address) passes unchanged.
 */
export function trapHostLabel(raw: string): string {
  const label = raw.replace(/[^A-Za-z0-9._:%-]/g, '_').slice(0, MAX_TRAP_HOST_LABEL);
  return label === '' ? '_' : label;
}

/** The kind of an owed delivery: that of its notification. */
export function owedKind(owed: OwedDelivery): ActionKind {
  return actionKind(owed.notification.event);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The optional fields of a stored notification, or undefined when one of them is malformed. */
function optionalFields(v: Record<string, unknown>): Partial<Notification> | undefined {
  const out: Record<string, unknown> = {};
  for (const key of ['notAfter', 'notBefore'] as const) {
    if (v[key] === undefined) continue;
    if (!isUtcInstant(v[key])) return undefined;
    out[key] = v[key];
  }
  const { fingerprintSha256: fp, daysRemaining: days, reason, severity } = v;
  if (fp !== undefined) {
    if (typeof fp !== 'string' || !FINGERPRINT_SHA256.test(fp)) return undefined;
    out.fingerprintSha256 = fp;
  }
  if (days !== undefined) {
    if (!Number.isSafeInteger(days) || Math.abs(days as number) > MAX_DAYS_REMAINING) return undefined;
    out.daysRemaining = days;
  }
  if (reason !== undefined) {
    if (typeof reason !== 'string' || reason.length > MAX_REASON_LENGTH) return undefined;
    out.reason = reason;
  }
  // A raise sent with a severity (docs/reference.md, Expiry policy) is retried with it, exactly as sent.
  if (severity !== undefined) {
    if (severity !== 'warning' && severity !== 'critical') return undefined;
    out.severity = severity;
  }
  return out as Partial<Notification>;
}

/** A stored notification in canonical key order, or undefined when it is not one the wire format allows. */
function storedNotification(value: unknown): OwedNotification | undefined {
  if (!isRecord(value)) return undefined;
  const { id, appliance, address, event, observedAt, certificate } = value;
  if (typeof id !== 'string' || !NOTIFICATION_ID.test(id)) return undefined;
  if (typeof appliance !== 'string' || !APPLIANCE_NAME.test(appliance)) return undefined;
  // A named certificate's: its name kept, so the retry is that certificate's notification again.
  if (certificate !== undefined && (typeof certificate !== 'string' || !isCertificateName(certificate))) {
    return undefined;
  }
  const named = certificate === undefined ? {} : { certificate };
  if (typeof address !== 'string' || !ADDRESS.test(address)) return undefined;
  if (typeof event !== 'string' || !EVENTS.has(event) || !isUtcInstant(observedAt)) return undefined;
  const rest = optionalFields(value);
  if (rest === undefined) return undefined;
  return {
    id,
    appliance,
    address,
    ...named,
    event: event as NotificationEvent,
    observedAt,
    ...rest,
  } as OwedNotification;
}

/** One stored owed delivery in canonical form, or undefined when it is malformed. */
function storedOwed(value: unknown): OwedDelivery | undefined {
  if (!isRecord(value) || !isUtcInstant(value.since) || !Array.isArray(value.hosts)) return undefined;
  const notification = storedNotification(value.notification);
  if (notification === undefined) return undefined;
  const hosts = value.hosts.filter((h): h is string => typeof h === 'string').map(trapHostLabel);
  if (hosts.length === 0 || hosts.length !== value.hosts.length) return undefined;
  return { notification, hosts: canonicalHosts(hosts), since: value.since };
}

/** Labels deduplicated, sorted and bounded. */
export function canonicalHosts(hosts: readonly string[]): string[] {
  return [...new Set(hosts)].sort().slice(0, MAX_OWED_HOSTS);
}

/**
 * The owed deliveries of a stored record, in canonical form: malformed entries are dropped (never the rest
 * of the state), at most one per kind, in the order clear, trap, report. Anything that is not an array is none.
 */
export function usableOwed(value: unknown): OwedDelivery[] {
  if (!Array.isArray(value)) return [];
  const byKind = new Map<ActionKind, OwedDelivery>();
  for (const item of value) {
    const owed = storedOwed(item);
    if (owed && !byKind.has(owedKind(owed))) byKind.set(owedKind(owed), owed);
  }
  return KIND_ORDER.flatMap((kind) => {
    const owed = byKind.get(kind);
    return owed ? [owed] : [];
  });
}

/** What a run does with the owed deliveries it found, before sending anything. */
export interface CarriedOwed {
  /** Still owed: retried this run. */
  readonly kept: readonly OwedDelivery[];
  /** Older than {@link OWED_MAX_AGE_DAYS} days: given up, to be logged. */
  readonly givenUp: readonly OwedDelivery[];
}

/** The run's view of one appliance that decides which owed deliveries are carried on. */
export interface OwedContext {
  readonly appliance: string;
  readonly now: Date;
  /** Kinds of the notifications due this run: each supersedes an owed delivery of its kind. */
  readonly dueKinds: ReadonlySet<ActionKind>;
  /** The certificate now followed; an owed raise for another one belongs to a replaced certificate. */
  readonly fingerprint: string | undefined;
}

/**
 * Sorts the stored owed deliveries into those retried this run and those given up for age. Dropped
 * silently: one superseded by a newer notification of its kind, an owed raise for a certificate that was
 * replaced (the renewal's clear covers it), and one that is not about this appliance.
 */
export function carryOwed(stored: unknown, context: OwedContext): CarriedOwed {
  const kept: OwedDelivery[] = [];
  const givenUp: OwedDelivery[] = [];
  for (const owed of usableOwed(stored)) {
    const kind = owedKind(owed);
    if (owed.notification.appliance !== context.appliance || context.dueKinds.has(kind)) continue;
    const fingerprint = owed.notification.fingerprintSha256;
    if (kind === 'trap' && context.fingerprint !== undefined && fingerprint !== context.fingerprint) continue;
    if (context.now.getTime() - Date.parse(owed.since) > OWED_MAX_AGE_MS) givenUp.push(owed);
    else kept.push(owed);
  }
  return { kept, givenUp };
}

/** How old an owed delivery is at `now`, in whole days (for the `trapGivenUp` line). */
export function owedAgeDays(owed: OwedDelivery, now: Date): number {
  return Math.floor((now.getTime() - Date.parse(owed.since)) / 86_400_000);
}
