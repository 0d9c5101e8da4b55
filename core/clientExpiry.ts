/**
 * The expiry part of a client's policy (docs/clients.md, What certmonitor tells you): its own certificate
 * (`client.pem`) evaluated and notified like an appliance's NTLS certificate (docs/design.md, Alert
 * policy), with the client* lines and notifications naming the `client`.
 */

import type { MessageKey } from './catalogue.ts';
import { certificateNotificationFields } from './certificateNotificationFields.ts';
import type { ClientDue, ClientPolicyInput } from './clientDecision.ts';
import { clientNotificationId } from './clientNotificationId.ts';
import type { ClientProblem, ClientState } from './clientState.ts';
import { dueRaise } from './dueRaise.ts';
import { followFingerprint } from './followFingerprint.ts';
import { logEntry } from './logEntry.ts';
import type { Mutable } from './mutable.ts';
import { formatOpensslDate } from './opensslDate.ts';
import { repeatDueAt } from './repeatDueAt.ts';
import { statusLogEntry } from './statusMessage.ts';
import type { Evaluation, LogEntry, Status } from './types.ts';

/** The client line of each status: the appliance line's (core/statusMessage.ts) naming the `client`. */
const CLIENT_STATUS_KEYS: Readonly<Record<Status, MessageKey>> = {
  valid: 'clientValid',
  expiring: 'clientWillExpire',
  expired: 'clientExpired',
  not_yet_valid: 'clientNotYetValid',
  missing: 'clientMissing',
  invalid: 'clientInvalid',
  unavailable: 'clientUnavailable',
};

/** The client line for an evaluation's status. */
function statusLine(client: string, evaluation: Evaluation): LogEntry {
  return logEntry(CLIENT_STATUS_KEYS[evaluation.status], { client, ...statusLogEntry(evaluation).params });
}

/** Adds the client certificate's lines and due notifications; updates `next` as {@link decideClient} does. */
export function clientExpiryPart(input: ClientPolicyInput, next: Mutable<ClientState>, due: ClientDue): void {
  const { client, evaluation, now } = input;
  const cert = evaluation.certificate;
  const observedAt = now.toISOString();
  if (evaluation.status !== 'unavailable' && cert && next.fingerprint !== cert.fingerprintSha256) {
    if (next.fingerprint !== undefined) {
      due.logs.push(logEntry('clientNew', { client, notAfter: formatOpensslDate(cert.notAfter) }));
    }
    followFingerprint(next, cert.fingerprintSha256, observedAt);
  }
  const line = statusLine(client, evaluation);
  // A critical certificate's line has syslog severity `crit`, as an appliance's (docs/reference.md, Expiry policy).
  due.logs.push(evaluation.severity === 'critical' ? { ...line, sev: 'crit' } : line);
  if (evaluation.status === 'unavailable') return;
  if (next.pendingClear) {
    const { fingerprint, detectedAt } = next.pendingClear;
    const id = clientNotificationId(client, 'renewed', Date.parse(detectedAt), fingerprint);
    due.notifications.push({ ...fields(input), id, event: 'renewed' });
    due.effects.push({ id, kind: 'clear' });
  }
  const status = evaluation.status;
  if (status === 'missing' || status === 'invalid' || status === 'not_yet_valid') {
    problemDue(input, status, next, due);
    return;
  }
  next.problemSince = undefined;
  if ((status === 'expiring' || status === 'expired') && cert) raiseDue(input, status, next, due);
}

/** The instant `since` (an evaluation instant kept in the state), or `now` when it is not one. */
export function sinceOr(since: string | undefined, now: Date): number {
  const at = since === undefined ? Number.NaN : Date.parse(since);
  return Number.isFinite(at) && at <= now.getTime() ? at : now.getTime();
}

/** The client and, when read, its certificate, as a notification carries them. */
function fields(input: ClientPolicyInput) {
  const { client, evaluation, now } = input;
  return {
    client,
    observedAt: now.toISOString(),
    ...certificateNotificationFields(evaluation),
  };
}

/**
 * An expiry notification when one is due, by the appliances' rule (core/dueRaise.ts): none was delivered
 * for this certificate yet, or the last is H old, or (with a critical level) it has just become critical.
 */
function raiseDue(input: ClientPolicyInput, status: 'expiring' | 'expired', next: ClientState, due: ClientDue): void {
  const { settings, now, evaluation } = input;
  const { certificate: cert, severity } = evaluation;
  if (!cert) return;
  const raise = dueRaise({ status, cert, severity, history: next, settings, now });
  if (!raise) return;
  const id = `${clientNotificationId(input.client, status, raise.dueAt, cert.fingerprintSha256)}${raise.idSuffix}`;
  due.notifications.push({ ...fields(input), id, event: status, ...(severity === undefined ? {} : { severity }) });
  due.effects.push({ id, kind: 'raise', ...(severity === undefined ? {} : { severity }) });
}

/**
 * A report of a missing, invalid or not yet valid client certificate, once per H per problem. The first
 * one's id derives from when the problem was first seen, as an appliance's (docs/design.md, Alert policy).
 */
function problemDue(input: ClientPolicyInput, event: ClientProblem, next: Mutable<ClientState>, due: ClientDue): void {
  const { settings, now, evaluation } = input;
  const since = next.problemSince?.event === event ? sinceOr(next.problemSince.since, now) : now.getTime();
  next.problemSince = { event, since: new Date(since).toISOString() };
  const last = next.lastProblem?.event === event ? Date.parse(next.lastProblem.at) : undefined;
  const dueAt = repeatDueAt(last, since, settings.repeatHours, now);
  if (dueAt === undefined) return;
  const id = clientNotificationId(input.client, event, dueAt, evaluation.certificate?.fingerprintSha256);
  const reason = event === 'invalid' && evaluation.error ? { reason: evaluation.error } : {};
  due.notifications.push({ ...fields(input), id, event, ...reason });
  due.effects.push({ id, kind: 'problem', problem: event });
}
