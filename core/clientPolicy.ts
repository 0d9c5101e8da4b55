/**
 * The alert policy of a Luna client (docs/clients.md, What certmonitor tells you): its own certificate's
 * expiry as an appliance's (the client* lines; a notification naming the `client`), its trust bundle's
 * problems, and for each appliance it lists whether it trusts the certificate that appliance presents:
 * `untrusted` once per H per certificate, and once trusted again a clearing notification (`assert: false`).
 * {@link decideClient} is pure; {@link settleClient} applies what was delivered, so an undelivered
 * notification is due again next run under the same id.
 */

import type { ClientDecision, ClientDue, ClientPolicyInput, ClientTrustInput } from './clientDecision.ts';
import { clientExpiryPart, sinceOr } from './clientExpiry.ts';
import { clientNotificationId } from './clientNotificationId.ts';
import type { ClientState, ClientTrustAlert } from './clientState.ts';
import { logEntry } from './logEntry.ts';
import type { Mutable } from './mutable.ts';
import { repeatDueAt } from './repeatDueAt.ts';

/** Decides the lines and notifications for one client at `now`. Pure. */
export function decideClient(input: ClientPolicyInput): ClientDecision {
  const observedAt = input.now.toISOString();
  const due: ClientDue = { logs: [], notifications: [], effects: [] };
  const next: Mutable<ClientState> = { ...(input.previous ?? { version: 1, alertActive: false }), version: 1 };
  clientExpiryPart(input, next, due);
  // A client whose files are both absent is `missing`, said once by the expiry part.
  const absent = input.evaluation.status === 'missing' && input.bundle.kind === 'missing';
  if (input.evaluation.status !== 'unavailable' && !absent) bundlePart(input, next, due);
  if (input.bundle.kind === 'ok') next.untrusted = trustPart(input, due);
  return { ...due, base: next, observedAt };
}

/** A missing or invalid bundle: a `clientInvalid` line every run, an `invalid` notification once per H. */
function bundlePart(input: ClientPolicyInput, next: Mutable<ClientState>, due: ClientDue): void {
  const { bundle, client, now, settings } = input;
  if (bundle.kind === 'ok') {
    next.lastBundleProblem = undefined;
    next.bundleProblemSince = undefined;
    return;
  }
  // A source that could not be read says nothing new: a line, and the state is kept, as for an appliance.
  if (bundle.kind === 'unavailable') {
    due.logs.push(logEntry('clientUnavailable', { client, reason: bundle.reason }));
    return;
  }
  const reason = bundle.kind === 'missing' ? 'trust bundle is missing' : bundle.reason;
  due.logs.push(logEntry('clientInvalid', { client, reason }));
  // The first notification's id derives from when the problem was first seen: stable until delivered.
  const since = sinceOr(next.bundleProblemSince, now);
  next.bundleProblemSince = new Date(since).toISOString();
  const last = next.lastBundleProblem ? Date.parse(next.lastBundleProblem.at) : undefined;
  const dueAt = repeatDueAt(last, since, settings.repeatHours, now);
  if (dueAt === undefined) return;
  const id = clientNotificationId(client, 'bundle', dueAt);
  due.notifications.push({ id, client, event: 'invalid', reason, observedAt: now.toISOString() });
  due.effects.push({ id, kind: 'bundle' });
}

/** The untrusted appliances after this run; due `untrusted` and clearing notifications added to `due`. */
function trustPart(input: ClientPolicyInput, due: ClientDue): Record<string, ClientTrustAlert> | undefined {
  const { client, previous, now } = input;
  const observedAt = now.toISOString();
  const out: Record<string, ClientTrustAlert> = {};
  const listed = new Set(input.trust.map((t) => t.appliance));
  for (const t of input.trust) {
    const before = previous?.untrusted?.[t.appliance];
    const params = { client, appliance: t.appliance, fingerprint: t.fingerprint ?? '' };
    if (!t.verdict || !t.fingerprint) {
      if (before) out[t.appliance] = before;
    } else if (t.verdict.kind === 'untrusted') {
      due.logs.push(logEntry('untrusted', params, t.appliance));
      const alert = before?.fingerprint === t.fingerprint ? before : { fingerprint: t.fingerprint, since: observedAt };
      out[t.appliance] = alert;
      untrustedDue(input, t, alert, due);
    } else if (t.verdict.kind === 'unverifiable') {
      due.logs.push(logEntry('trustUnverifiable', { ...params, reason: t.verdict.reason }, t.appliance));
      if (before) out[t.appliance] = before;
    } else if (before?.lastAlertAt !== undefined) {
      due.logs.push(logEntry('trusted', params, t.appliance));
      const id = clientNotificationId(client, 'trusted', Date.parse(before.since), before.fingerprint, t.appliance);
      due.notifications.push({ ...subject(input, t), id, event: 'untrusted', assert: false });
      due.effects.push({ id, kind: 'trusted', appliance: t.appliance });
      // Kept until the clear is delivered; settling removes it.
      out[t.appliance] = before;
    }
  }
  // An appliance no longer listed has nobody to warn: its alert is dropped with it.
  for (const name of Object.keys(out)) if (!listed.has(name)) delete out[name];
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The fields of a notification about the client and one appliance's certificate. */
function subject(input: ClientPolicyInput, t: ClientTrustInput) {
  return {
    client: input.client,
    appliance: t.appliance,
    address: t.address,
    observedAt: input.now.toISOString(),
    ...(t.fingerprint ? { fingerprintSha256: t.fingerprint } : {}),
  };
}

/** An `untrusted` notification when none was delivered for this certificate yet, or the last is H old. */
function untrustedDue(input: ClientPolicyInput, t: ClientTrustInput, alert: ClientTrustAlert, due: ClientDue): void {
  const last = alert.lastAlertAt === undefined ? undefined : Date.parse(alert.lastAlertAt);
  const dueAt = repeatDueAt(last, Date.parse(alert.since), input.settings.repeatHours, input.now);
  if (dueAt === undefined) return;
  const id = clientNotificationId(input.client, 'untrusted', dueAt, alert.fingerprint, t.appliance);
  due.notifications.push({ ...subject(input, t), id, event: 'untrusted' });
  due.effects.push({ id, kind: 'untrusted', appliance: t.appliance });
}

/** The state to store: the decision's base plus the effect of each delivered notification. Pure. */
export function settleClient(decision: ClientDecision, delivered: ReadonlySet<string>): ClientState {
  const next: Mutable<ClientState> = { ...decision.base };
  const untrusted: Record<string, ClientTrustAlert> = { ...(decision.base.untrusted ?? {}) };
  const at = decision.observedAt;
  for (const effect of decision.effects) {
    if (!delivered.has(effect.id)) continue;
    const appliance = effect.appliance ?? '';
    if (effect.kind === 'raise') {
      Object.assign(next, { alertActive: true, lastAlertAt: at, lastAlertSeverity: effect.severity });
    } else if (effect.kind === 'clear') next.pendingClear = undefined;
    else if (effect.kind === 'problem' && effect.problem) next.lastProblem = { event: effect.problem, at };
    else if (effect.kind === 'bundle') next.lastBundleProblem = { at };
    else if (effect.kind === 'trusted') delete untrusted[appliance];
    else if (effect.kind === 'untrusted' && untrusted[appliance]) {
      untrusted[appliance] = { ...untrusted[appliance], lastAlertAt: at };
    }
  }
  next.untrusted = Object.keys(untrusted).length > 0 ? untrusted : undefined;
  return normalizeClientState(next);
}

/** Drops undefined fields, so equal states serialize identically. */
function normalizeClientState(state: ClientState): ClientState {
  return JSON.parse(JSON.stringify(state)) as ClientState;
}
