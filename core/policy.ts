/**
 * The alert policy (docs/design.md, Alert policy): from one appliance's previous state and this run's evaluation, decide which
 * lines to log and which notifications to forward; {@link settle} then computes the next state from what
 * was actually delivered. Both are pure: the pipeline does the I/O in between.
 *
 * Choices worth knowing:
 * - A raising trap (`expiring` / `expired`) is due when none was delivered for this fingerprint yet, or
 *   the last one is at least H hours old (evaluation instants). Expiry never silences alerting.
 * - `missing`, `invalid` and `not_yet_valid` are logged every run and forwarded at most once per H hours
 *   per appliance and problem kind (`lastProblem`): a change of problem (missing → invalid) is reported at
 *   once, as a new certificate is alerted at once.
 * - `missing` and `invalid` keep the previous certificate's fields (fingerprint, alert, repeat clock): a
 *   file that reappears unchanged is the same certificate, not a new one (no "New NTLS certificate" line,
 *   no second first-alert), and a different one that appears is a renewal that clears the old alert.
 * - `unavailable` (the source could not be read) changes nothing: the state is kept exactly and nothing is
 *   forwarded, so an outage of the source is never reported as missing nor resets the alert clock.
 * - After a renewal, the clearing notification for the replaced certificate's alert is remembered in
 *   `pendingClear` until delivered, so a failed clear is retried on later runs like any trap.
 * - A `valid` certificate whose alert is still active (possible only if D was lowered) keeps it: the alert
 *   is cleared by the next renewal, as on the appliance.
 */

import type { Notification, NotificationEvent } from '../protocol/notification.ts';
import { logEntry } from './logEntry.ts';
import { notificationId } from './notificationId.ts';
import { formatOpensslDate } from './opensslDate.ts';
import { statusLogEntry } from './statusMessage.ts';
import type { ApplianceState, Evaluation, LogEntry, Settings } from './types.ts';

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

/** Everything {@link decide} looks at for one appliance. */
export interface PolicyInput {
  readonly appliance: string;
  /** Address from the inventory, else `0.0.0.0`. */
  readonly address: string;
  /** The stored state, undefined on first sight (or when the stored record was corrupt). */
  readonly previous: ApplianceState | undefined;
  readonly evaluation: Evaluation;
  readonly settings: Settings;
  /** The run's evaluation instant. */
  readonly now: Date;
  /** Short reason when the stored state existed but could not be read. */
  readonly stateCorrupt?: string;
}

/** What the policy decided for one appliance. */
export interface Decision {
  /** Lines to log now, in order (delivery results are logged by the pipeline after forwarding). */
  readonly logs: readonly LogEntry[];
  /** Notifications due now (clearing first); empty when nothing is due. */
  readonly notifications: readonly Notification[];
  /** `none`, or the kinds due joined by `+`: `clear`, `trap`, `report`. */
  readonly action: string;
  /** The next state if none of the notifications is delivered; undefined when there is nothing to store. */
  readonly base: ApplianceState | undefined;
  /** The evaluation instant, ISO 8601. */
  readonly observedAt: string;
}

type MutableState = { -readonly [K in keyof ApplianceState]: ApplianceState[K] };

/** What kind of action a notification event is, for {@link Decision.action} and outcome reports. */
export function actionKind(event: NotificationEvent): 'trap' | 'clear' | 'report' {
  if (event === 'expiring' || event === 'expired') return 'trap';
  if (event === 'renewed') return 'clear';
  return 'report';
}

function problemEvent(status: Evaluation['status']): NotificationEvent | undefined {
  return status === 'missing' || status === 'invalid' || status === 'not_yet_valid' ? status : undefined;
}

/** Decides logs and due notifications for one appliance at `now` (docs/design.md, Alert policy). Pure. */
export function decide(input: PolicyInput): Decision {
  const { appliance, address, previous, evaluation, settings, now } = input;
  const nowMs = now.getTime();
  const observedAt = now.toISOString();
  const repeatMs = settings.repeatHours * MS_PER_HOUR;
  const logs: LogEntry[] = [];
  if (input.stateCorrupt !== undefined) logs.push(logEntry('stateReset', { reason: input.stateCorrupt }, appliance));

  const statusLine = statusLogEntry(evaluation);
  if (evaluation.status === 'unavailable') {
    logs.push(logEntry(statusLine.key, statusLine.params, appliance));
    return { logs, notifications: [], action: 'none', base: previous, observedAt };
  }

  const next: MutableState = { ...(previous ?? { version: 1, alertActive: false }), version: 1 };
  const cert = evaluation.certificate;
  if (cert) {
    const fingerprint = cert.fingerprintSha256;
    if (previous?.fingerprint !== fingerprint) {
      if (previous?.fingerprint !== undefined) {
        logs.push(logEntry('newCertificate', { notAfter: formatOpensslDate(cert.notAfter) }, appliance));
        // One clear lowers the appliance's alert; an older clear still pending already covers it.
        if (previous.alertActive && !previous.pendingClear) {
          next.pendingClear = { fingerprint: previous.fingerprint, detectedAt: observedAt };
        }
      }
      next.fingerprint = fingerprint;
      next.fingerprintSince = observedAt;
      next.alertActive = false;
      next.lastAlertAt = undefined;
    }
    next.notAfter = cert.notAfter.toISOString();
  }
  logs.push(logEntry(statusLine.key, statusLine.params, appliance));

  const notifications: Notification[] = [];
  const common = {
    appliance,
    address,
    observedAt,
    ...(cert
      ? {
          notAfter: cert.notAfter.toISOString(),
          notBefore: cert.notBefore.toISOString(),
          fingerprintSha256: cert.fingerprintSha256,
          daysRemaining: evaluation.daysRemaining,
        }
      : {}),
  };

  if (next.pendingClear) {
    const { fingerprint, detectedAt } = next.pendingClear;
    notifications.push({
      id: notificationId(appliance, 'renewed', Date.parse(detectedAt), fingerprint),
      appliance,
      address,
      event: 'renewed',
      observedAt,
      // The clear carries the certificate that replaced the alerting one.
      ...(next.notAfter ? { notAfter: next.notAfter } : {}),
      ...(next.fingerprint ? { fingerprintSha256: next.fingerprint } : {}),
    });
  }

  const status = evaluation.status;
  if ((status === 'expiring' || status === 'expired') && cert) {
    next.problem = undefined;
    const last = next.lastAlertAt === undefined ? undefined : Date.parse(next.lastAlertAt);
    if (last === undefined || nowMs - last >= repeatMs) {
      const dueAt =
        last !== undefined
          ? last + repeatMs
          : status === 'expired'
            ? Math.max(cert.notAfter.getTime(), Date.parse(next.fingerprintSince ?? observedAt))
            : Math.max(
                cert.notAfter.getTime() - settings.thresholdDays * MS_PER_DAY,
                Date.parse(next.fingerprintSince ?? observedAt),
              );
      notifications.push({
        ...common,
        id: notificationId(appliance, status, dueAt, cert.fingerprintSha256),
        event: status,
      });
    }
  } else if (status === 'valid') {
    next.problem = undefined;
  } else {
    const event = problemEvent(status);
    if (event) {
      const since = previous?.problem?.event === event ? previous.problem.since : observedAt;
      next.problem = { event, since };
      const last = previous?.lastProblem?.event === event ? Date.parse(previous.lastProblem.at) : undefined;
      if (last === undefined || nowMs - last >= repeatMs) {
        const dueAt = last !== undefined ? last + repeatMs : Date.parse(since);
        notifications.push({
          ...common,
          id: notificationId(appliance, event, dueAt, event === 'not_yet_valid' ? cert?.fingerprintSha256 : undefined),
          event,
          ...(event === 'invalid' && evaluation.error ? { reason: evaluation.error } : {}),
        });
      }
    }
  }

  const kinds = [...new Set(notifications.map((n) => actionKind(n.event)))];
  return {
    logs,
    notifications,
    action: kinds.length === 0 ? 'none' : kinds.join('+'),
    base: normalizeState(next),
    observedAt,
  };
}

/**
 * The state to store after forwarding: {@link Decision.base} plus the effect of each delivered
 * notification. An undelivered one leaves its part as if it had not been sent, so the next run retries
 * it with the same id. Pure.
 */
export function settle(decision: Decision, delivered: ReadonlySet<string>): ApplianceState | undefined {
  if (!decision.base) return undefined;
  const next: MutableState = { ...decision.base };
  for (const n of decision.notifications) {
    if (!delivered.has(n.id)) continue;
    const kind = actionKind(n.event);
    if (kind === 'trap') {
      next.alertActive = true;
      next.lastAlertAt = decision.observedAt;
    } else if (kind === 'clear') {
      next.pendingClear = undefined;
    } else {
      next.lastProblem = { event: n.event, at: decision.observedAt };
    }
  }
  return normalizeState(next);
}

/** Drops undefined fields and fixes the key order, so equal states serialize identically. */
export function normalizeState(state: ApplianceState): ApplianceState {
  const out: MutableState = { version: 1, alertActive: state.alertActive };
  if (state.fingerprint !== undefined) out.fingerprint = state.fingerprint;
  if (state.fingerprintSince !== undefined) out.fingerprintSince = state.fingerprintSince;
  if (state.notAfter !== undefined) out.notAfter = state.notAfter;
  if (state.lastAlertAt !== undefined) out.lastAlertAt = state.lastAlertAt;
  if (state.pendingClear !== undefined) {
    out.pendingClear = { fingerprint: state.pendingClear.fingerprint, detectedAt: state.pendingClear.detectedAt };
  }
  if (state.problem !== undefined) out.problem = { event: state.problem.event, since: state.problem.since };
  if (state.lastProblem !== undefined) out.lastProblem = { event: state.lastProblem.event, at: state.lastProblem.at };
  // A stored record is untrusted JSON: only an object can be a cache entry (anything else is dropped here,
  // and a malformed object is ignored where it is used), so a bad cache never costs the alert fields.
  if (typeof state.certificate === 'object' && state.certificate !== null) {
    const c = state.certificate;
    out.certificate = {
      format: c.format,
      sourceVersion: c.sourceVersion,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      subject: c.subject,
      issuer: c.issuer,
      serialNumber: c.serialNumber,
      keyType: c.keyType,
      fingerprintSha256: c.fingerprintSha256,
    };
  }
  return out;
}

/** True when two states are the same record (so an unchanged state is not written again). */
export function sameState(a: ApplianceState | undefined, b: ApplianceState | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return JSON.stringify(normalizeState(a)) === JSON.stringify(normalizeState(b));
}
