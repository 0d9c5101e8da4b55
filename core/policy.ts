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
 * - Trap hosts are independent: a notification that at least one trap host acknowledged is delivered and
 *   moves the policy on; the hosts that did not are owed it (`owed`, core/owedDelivery.ts), and every later
 *   run sends it again under its id (the gateway reaches only the hosts that lack it) until each has it,
 *   a newer notification of its kind replaces it, or it is given up for age. Owed retries never hold back
 *   what is due for the healthy hosts.
 * - Only with a critical level (docs/reference.md, Expiry policy): a raise carries the evaluation's
 *   severity; entering `critical` after a lower alert is due at once (an escalation, even inside H), and
 *   while critical the repeat interval is `critical.repeatHours`. The status line of a critical
 *   certificate is logged with syslog severity `crit`. Without one, nothing of this applies.
 */

import type { Notification, NotificationEvent } from '../protocol/notification.ts';
import { type AlertSeverity, type AnyNotification, fitsV1, type NotificationV2 } from '../protocol/notificationV2.ts';
import { type ActionKind, actionKind } from './actionKind.ts';
import { certificateLine } from './certificateLine.ts';
import { certificateNotificationFields } from './certificateNotificationFields.ts';
import { dueRaise } from './dueRaise.ts';
import { decideFindings, settleFindings } from './findingAlerts.ts';
import type { Finding } from './findings.ts';
import { followFingerprint } from './followFingerprint.ts';
import { logEntry } from './logEntry.ts';
import type { Mutable } from './mutable.ts';
import { normalizeState } from './normalizeState.ts';
import { notificationId } from './notificationId.ts';
import { formatOpensslDate } from './opensslDate.ts';
import {
  canonicalHosts,
  carryOwed,
  type OwedDelivery,
  type OwedNotification,
  owedAgeDays,
  owedKind,
  trapHostLabel,
  usableOwed,
} from './owedDelivery.ts';
import { replacedLogEntry, replacedNotification, unplannedReplacement } from './replacedCertificate.ts';
import { statusLogEntry } from './statusMessage.ts';
import type { ApplianceState, Certificate, Evaluation, FindingPolicy, LogEntry, Settings } from './types.ts';

const MS_PER_HOUR = 3_600_000;

/**
 * A notification the policy produces: a v1 notification, with a `severity` only when a critical level is
 * configured (such a one travels on `/v2`, docs/reference.md, Expiry policy).
 */
export type PolicyNotification = (Notification & { readonly severity?: AlertSeverity }) | NotificationV2;

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
  /**
   * Only with a policy (docs/reference.md, Certificate findings): the NTLS certificate's findings, logged
   * and forwarded by core/findingAlerts.ts. Absent without a policy: then findings cause nothing here.
   */
  readonly findingAlerts?: { readonly findings: readonly Finding[]; readonly certificate: Certificate };
  /** Only while a chain certificate decides the status: the NTLS certificate's own fingerprint. */
  readonly leafFingerprint?: string;
  /** The appliance's certificate policy, present only when one is set (its `replaced` switch included). */
  readonly findingPolicy?: FindingPolicy;
  /**
   * A named certificate of the appliance (docs/reference.md, Named certificates); absent for the NTLS
   * certificate, whose lines and notifications stay Luna's.
   */
  readonly certificate?: string;
  /** Unplanned replacements are notified (docs/reference.md, Replaced certificates); off by default. */
  readonly replaced?: boolean;
}

/** What the policy decided for one appliance. */
export interface Decision {
  /** Lines to log now, in order (delivery results are logged by the pipeline after forwarding). */
  readonly logs: readonly LogEntry[];
  /** Notifications due now (clearing first, then a replacement); empty when nothing is due. */
  readonly notifications: readonly PolicyNotification[];
  /**
   * Owed deliveries sent again this run, each exactly as first sent (docs/design.md, Alert policy): the
   * gateway reaches only the trap hosts that lack them. Not part of {@link action}.
   */
  readonly retries: readonly OwedNotification[];
  /** `none`, or the kinds due joined by `+`: `clear`, `trap`, `report`. */
  readonly action: string;
  /** The next state if none of the notifications is delivered; undefined when there is nothing to store. */
  readonly base: ApplianceState | undefined;
  /** The evaluation instant, ISO 8601. */
  readonly observedAt: string;
  /** With a policy: the `finding` notifications due (docs/reference.md, Certificate findings); absent when none. */
  readonly findingNotifications?: readonly NotificationV2[];
}

type MutableState = Mutable<ApplianceState>;

export { actionKind } from './actionKind.ts';

function problemEvent(status: Evaluation['status']): NotificationEvent | undefined {
  return status === 'missing' || status === 'invalid' || status === 'not_yet_valid' ? status : undefined;
}

/** Decides logs and due notifications for one appliance at `now` (docs/design.md, Alert policy). Pure. */
export function decide(input: PolicyInput): Decision {
  const { appliance, previous, evaluation, now } = input;
  const observedAt = now.toISOString();
  const logs: LogEntry[] = [];
  if (input.stateCorrupt !== undefined) logs.push(logEntry('stateReset', { reason: input.stateCorrupt }, appliance));

  const statusLine = statusLogEntry(evaluation);
  if (evaluation.status === 'unavailable') {
    logs.push(logEntry(statusLine.key, statusLine.params, appliance));
    // The source says nothing new, so the state is kept; what is owed to trap hosts is still retried.
    const owed = carryOwedDeliveries(input, previous?.fingerprint, [], logs);
    const base = previous?.owed === undefined ? previous : normalizeState({ ...previous, owed });
    return { logs, notifications: [], retries: owed.map((o) => o.notification), action: 'none', base, observedAt };
  }

  const cert = evaluation.certificate;
  const named = input.certificate;
  if (cert && isRenewal(previous, cert, input.leafFingerprint)) {
    logs.push(certificateLine('newCertificate', { notAfter: formatOpensslDate(cert.notAfter) }, appliance, named));
  }
  const next = followCertificate(previous, cert, observedAt);
  if (cert) followLeaf(input, next);
  // Only a new NTLS certificate can be a replacement: not a change of the deciding chain certificate alone.
  const replaceable = cert && input.replaced && isRenewal(previous, cert, input.leafFingerprint);
  const replacement = replaceable
    ? unplannedReplacement(previous, ntlsCertificate(input, cert), input.settings, now)
    : undefined;
  if (replacement) {
    next.pendingReplaced = replacement;
    logs.push(replacedLogEntry(subjectOf(input), replacement));
  }
  logs.push(statusEntry(statusLine, input, evaluation.severity));

  const notifications: PolicyNotification[] = [];
  const clear = clearNotification(input, next, observedAt);
  if (clear) notifications.push(clear);
  if (next.pendingReplaced)
    notifications.push(replacedNotification(subjectOf(input), next.pendingReplaced, next, observedAt));
  const status = evaluation.status;
  if ((status === 'expiring' || status === 'expired') && cert) {
    next.problem = undefined;
    const raise = raiseNotification(input, status, cert, next, observedAt);
    if (raise) notifications.push(raise);
  } else if (status === 'valid') {
    next.problem = undefined;
  } else {
    const event = problemEvent(status);
    if (event) {
      const since = previous?.problem?.event === event ? previous.problem.since : observedAt;
      next.problem = { event, since };
      const report = problemReport(input, event, since, observedAt);
      if (report) notifications.push(report);
    }
  }

  const findingNotifications = cert ? followFindings(input, next, logs) : [];
  next.owed = carryOwedDeliveries(input, next.fingerprint, notifications, logs);
  const kinds = [...new Set(notifications.map((n) => actionKind(n.event)))];
  return {
    logs,
    notifications,
    retries: next.owed.map((o) => o.notification),
    action: kinds.length === 0 ? 'none' : kinds.join('+'),
    base: normalizeState(next),
    observedAt,
    ...(findingNotifications.length > 0 ? { findingNotifications } : {}),
  };
}

/** Who the notifications are about: the appliance and, for a named certificate, its name. */
function subjectOf(input: PolicyInput) {
  const { appliance, address, certificate } = input;
  return certificate === undefined ? { appliance, address } : { appliance, address, certificate };
}

/** What a notification id starts with: the appliance, and a named certificate's name after it. */
function idSubject(input: PolicyInput): string {
  return input.certificate === undefined ? input.appliance : `${input.appliance}:${input.certificate}`;
}

/**
 * While a chain certificate decides (with a policy), the state's record of the NTLS certificate itself:
 * its fingerprint and validity, which its replacement is judged by (docs/reference.md, Replaced certificates).
 */
function followLeaf(input: PolicyInput, next: MutableState): void {
  const leaf = input.leafFingerprint === undefined ? undefined : input.findingAlerts?.certificate;
  next.leafFingerprint = input.leafFingerprint;
  const own = leaf?.fingerprintSha256 === input.leafFingerprint ? leaf : undefined;
  next.leafNotBefore = own?.notBefore.toISOString();
  next.leafNotAfter = own?.notAfter.toISOString();
}

/**
 * The NTLS certificate itself: `cert`, or while a chain certificate decides the status, the leaf whose
 * findings are followed (the same certificate `leafFingerprint` names).
 */
function ntlsCertificate(input: PolicyInput, cert: Certificate): Certificate {
  const leaf = input.findingAlerts?.certificate;
  return input.leafFingerprint !== undefined && leaf?.fingerprintSha256 === input.leafFingerprint ? leaf : cert;
}

/**
 * With a policy, the findings' lines and notifications, and the state's record of them. Without one,
 * nothing is logged or forwarded, except that findings recorded while a policy was set go away: each is
 * logged cleared once and, if an NMS was told of it, cleared there (`assert: false`, kept until
 * delivered), so no raised finding outlives the policy (docs/reference.md, Certificate findings). A
 * certificate never looked at under a policy has no records: nothing of this runs for it.
 */
function followFindings(input: PolicyInput, next: MutableState, logs: LogEntry[]): readonly NotificationV2[] {
  const certificate = input.evaluation.certificate;
  const alerts =
    input.findingAlerts ?? (input.previous?.findings && certificate ? { findings: [], certificate } : undefined);
  if (alerts === undefined) {
    next.findings = undefined;
    return [];
  }
  const decided = decideFindings({
    ...alerts,
    appliance: input.appliance,
    address: input.address,
    previous: input.previous?.findings,
    repeatHours: input.settings.repeatHours,
    now: input.now,
    ...(input.certificate !== undefined ? { name: input.certificate } : {}),
  });
  logs.push(...decided.logs);
  next.findings = decided.records;
  return decided.notifications;
}

/**
 * The status line: a critical certificate's (only with a critical level configured) has syslog severity
 * `crit`; every other line is the catalogue's, unchanged.
 */
function statusEntry(
  line: { readonly key: LogEntry['key']; readonly params: Readonly<Record<string, string>> },
  input: PolicyInput,
  severity: AlertSeverity | undefined,
): LogEntry {
  const entry = certificateLine(line.key, line.params, input.appliance, input.certificate);
  return severity === 'critical' ? { ...entry, sev: 'crit' } : entry;
}

/**
 * The owed deliveries this run retries (core/owedDelivery.ts): the stored ones not superseded by what is
 * due now, not for a replaced certificate, and not too old; one `trapGivenUp` line per host of each given up.
 */
function carryOwedDeliveries(
  input: PolicyInput,
  fingerprint: string | undefined,
  due: readonly AnyNotification[],
  logs: LogEntry[],
): OwedDelivery[] {
  const { appliance, now, previous } = input;
  const dueKinds = new Set<ActionKind>(due.map((n) => actionKind(n.event)));
  const { kept, givenUp } = carryOwed(previous?.owed, { appliance, now, dueKinds, fingerprint });
  for (const owed of givenUp) {
    const days = owedAgeDays(owed, now);
    for (const host of owed.hosts)
      logs.push(logEntry('trapGivenUp', { host, days, id: owed.notification.id }, appliance));
  }
  return [...kept];
}

/**
 * True when `cert` replaces a certificate seen before (a first sight is not a renewal). While a chain
 * certificate decides (docs/reference.md, Certificate findings) the NTLS certificates are compared, so a
 * renewed intermediate alone, or a change of which certificate decides, is no new NTLS certificate.
 */
function isRenewal(previous: ApplianceState | undefined, cert: Certificate, leaf: string | undefined): boolean {
  if (previous?.fingerprint === undefined) return false;
  return (previous.leafFingerprint ?? previous.fingerprint) !== (leaf ?? cert.fingerprintSha256);
}

/**
 * The state once this run's certificate is seen: a different fingerprint starts afresh, owing a clear
 * for an active alert (core/followFingerprint.ts). Without a certificate (missing, invalid) the previous one's fields are kept. Pure.
 */
function followCertificate(
  previous: ApplianceState | undefined,
  cert: Certificate | undefined,
  observedAt: string,
): MutableState {
  const next: MutableState = { ...(previous ?? { version: 1, alertActive: false }), version: 1 };
  if (!cert) return next;
  followFingerprint(next, cert.fingerprintSha256, observedAt);
  next.notAfter = cert.notAfter.toISOString();
  return next;
}

/** The fields every raising or problem notification carries: the appliance and, when read, its certificate. */
function commonFields(input: PolicyInput, observedAt: string) {
  const { appliance, address, evaluation } = input;
  return {
    appliance,
    address,
    ...(input.certificate !== undefined ? { certificate: input.certificate } : {}),
    observedAt,
    ...certificateNotificationFields(evaluation),
  };
}

/** The clearing notification still owed for a replaced certificate's alert, if any. Pure. */
function clearNotification(input: PolicyInput, next: ApplianceState, observedAt: string): AnyNotification | undefined {
  if (!next.pendingClear) return undefined;
  const { appliance, address } = input;
  const { fingerprint, detectedAt } = next.pendingClear;
  return {
    id: notificationId(idSubject(input), 'renewed', Date.parse(detectedAt), fingerprint),
    appliance,
    address,
    ...(input.certificate !== undefined ? { certificate: input.certificate } : {}),
    event: 'renewed',
    observedAt,
    // The clear carries the certificate that replaced the alerting one.
    ...(next.notAfter ? { notAfter: next.notAfter } : {}),
    ...(next.fingerprint ? { fingerprintSha256: next.fingerprint } : {}),
  };
}

/**
 * The raising notification for an expiring or expired certificate when one is due (core/dueRaise.ts):
 * none was delivered for this certificate yet, or the last is at least H old, or (with a critical level)
 * it has just become critical after a lower alert. Pure.
 */
function raiseNotification(
  input: PolicyInput,
  status: 'expiring' | 'expired',
  cert: Certificate,
  next: ApplianceState,
  observedAt: string,
): PolicyNotification | undefined {
  const { now, evaluation, settings } = input;
  const severity = evaluation.severity;
  const due = dueRaise({ status, cert, severity, history: next, settings, now });
  if (!due) return undefined;
  const id = notificationId(idSubject(input), status, due.dueAt, cert.fingerprintSha256);
  return {
    ...commonFields(input, observedAt),
    id: `${id}${due.idSuffix}`,
    event: status,
    ...(severity === undefined ? {} : { severity }),
  };
}

/** The report of a problem (missing, invalid, not yet valid) when one is due: once per H per problem. Pure. */
function problemReport(
  input: PolicyInput,
  event: NotificationEvent,
  since: string,
  observedAt: string,
): AnyNotification | undefined {
  const { previous, evaluation, settings, now } = input;
  const repeatMs = settings.repeatHours * MS_PER_HOUR;
  const last = previous?.lastProblem?.event === event ? Date.parse(previous.lastProblem.at) : undefined;
  if (!(last === undefined || now.getTime() - last >= repeatMs)) return undefined;
  const dueAt = last !== undefined ? last + repeatMs : Date.parse(since);
  const fingerprint = event === 'not_yet_valid' ? evaluation.certificate?.fingerprintSha256 : undefined;
  return {
    ...commonFields(input, observedAt),
    id: notificationId(idSubject(input), event, dueAt, fingerprint),
    event,
    ...(event === 'invalid' && evaluation.error ? { reason: evaluation.error } : {}),
  };
}

/** How a notification fared at the gateway, for {@link settle}: it reached at least one trap host (or needed none). */
export interface DeliveryOutcome {
  /** The trap hosts that did not acknowledge it, as the gateway names them; empty when none failed. */
  readonly failedHosts: readonly string[];
}

/**
 * The state to store after forwarding: {@link Decision.base} plus the effect of each delivered
 * notification. `delivered` holds the ids that reached at least one trap host (or needed none): such a
 * notification moves the policy on, and the hosts it failed are owed it. An id that is absent (the gateway
 * did not take it, or every host failed) leaves its part as if it had not been sent, so the next run
 * retries it with the same id. A retried owed delivery is dropped once every host has it; otherwise it
 * keeps the hosts still lacking it. Pure.
 */
export function settle(
  decision: Decision,
  delivered: ReadonlyMap<string, DeliveryOutcome>,
): ApplianceState | undefined {
  if (!decision.base) return undefined;
  const next: MutableState = { ...decision.base };
  const owed = new Map(usableOwed(decision.base.owed).map((o) => [owedKind(o), o]));
  for (const [kind, entry] of owed) {
    const outcome = delivered.get(entry.notification.id);
    if (!outcome) continue;
    if (outcome.failedHosts.length === 0) owed.delete(kind);
    else owed.set(kind, { ...entry, hosts: hostLabels(outcome) });
  }
  for (const n of decision.notifications) {
    const outcome = delivered.get(n.id);
    if (!outcome) continue;
    const kind = actionKind(n.event);
    if (kind === 'replaced') {
      next.pendingReplaced = undefined;
    } else if (kind === 'trap') {
      next.alertActive = true;
      next.lastAlertAt = decision.observedAt;
      next.lastAlertSeverity = n.severity;
    } else if (kind === 'clear') {
      next.pendingClear = undefined;
    } else {
      next.lastProblem = { event: n.event as NotificationEvent, at: decision.observedAt };
    }
    // The newest of a kind is what a host that was down needs: it replaces an older debt of that kind.
    // Owed deliveries are kept for a certificate's expiry notifications, the NTLS one's and a named one's
    // (docs/reference.md, Named certificates): a replacement reached one host and is not owed again.
    if (outcome.failedHosts.length > 0 && isExpiryNotification(n)) {
      owed.set(kind, { notification: n, hosts: hostLabels(outcome), since: decision.observedAt });
    }
  }
  next.owed = [...owed.values()];
  const findingIds = new Set((decision.findingNotifications ?? []).map((n) => n.id).filter((id) => delivered.has(id)));
  next.findings = settleFindings(
    decision.base.findings,
    decision.findingNotifications ?? [],
    findingIds,
    decision.observedAt,
  );
  return normalizeState(next);
}

/** True for a certificate's expiry notification (a `/v1` event, whether or not of a named certificate). */
function isExpiryNotification(n: PolicyNotification): n is OwedNotification {
  return fitsV1({ ...n, certificate: undefined, severity: undefined } as NotificationV2);
}

/** The failed hosts of an outcome as stored: safe labels, deduplicated, sorted, bounded. */
function hostLabels(outcome: DeliveryOutcome): string[] {
  return canonicalHosts(outcome.failedHosts.map(trapHostLabel));
}

/** True when two states are the same record (so an unchanged state is not written again). */
export function sameState(a: ApplianceState | undefined, b: ApplianceState | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return JSON.stringify(normalizeState(a)) === JSON.stringify(normalizeState(b));
}
